"""The forked executor returns outputs in the shape ipykernel/nbclient produce."""

from tests.support.sandbox_run import run, zygote  # noqa: F401 (fixtures)


def test_output_shapes(run, sandbox_user):
    result = run([
        "x = 41\nprint('halo')",
        "x + 1",
        "1/0",
        "import sys; print('peringatan', file=sys.stderr)",
        "from IPython.display import display, HTML; display(HTML('<b>b</b>'))",
        "import os; _ = os.system('echo dari-shell')",
        "import os, pwd; print(pwd.getpwuid(os.getuid()).pw_name, open('data.txt').read())",
        "x",  # state persists within a notebook
    ])
    assert result.finished
    out = {i: o for i, (o, _) in result.outputs.items()}
    assert out[0] == [{"output_type": "stream", "name": "stdout", "text": "halo\n"}]
    assert out[1] == [{"output_type": "execute_result", "data": {"text/plain": "42"},
                       "metadata": {}, "execution_count": 2}]
    assert out[2][0]["output_type"] == "error" and out[2][0]["ename"] == "ZeroDivisionError"
    assert out[2][0]["traceback"]
    assert out[3] == [{"output_type": "stream", "name": "stderr", "text": "peringatan\n"}]
    assert out[4][0]["output_type"] == "display_data" and "text/html" in out[4][0]["data"]
    assert out[5] == [{"output_type": "stream", "name": "stdout", "text": "dari-shell\n"}]
    assert out[6][0]["text"] == f"{sandbox_user} isi\n"
    assert out[7][0]["data"]["text/plain"] == "41"


def test_fresh_process_per_notebook(run):
    run(["import builtins; builtins.BOCOR = 1; y = 5"])
    second = run(["import builtins; print(hasattr(builtins, 'BOCOR'), 'y' in globals())"])
    assert second.outputs[0][0][0]["text"] == "False False\n"


def test_syntax_error_and_timeout_keep_going(run):
    result = run(["def f(:", "import time; time.sleep(5)", "print('lanjut')"], cell_timeout=1)
    assert result.outputs[0][0][0]["ename"] == "SyntaxError"
    assert result.outputs[1][0][0]["ename"] == "CellTimeoutError"
    assert result.outputs[2][0][0]["text"] == "lanjut\n"
    assert result.finished
