"""One submission must not be able to zero the others (issue 10 point 3, review H5).

A learner's answer cell double-forks, calls setsid() (escaping the runner's process group)
and kills every process of its Unix user in a loop. With one shared sandbox account and
only the process group killed after each notebook, every later notebook (and the other
worker's) died with SIGKILL and scored 0.
"""

from __future__ import annotations

import subprocess
import time

from benchmarks import ag_course as C
from grading.autograde import autograde
from tests.component.conftest import base_dir, course, course_template, sandbox_user  # noqa: F401

RIGHT_SCORE = 3.0
DAEMON = """import os, time, signal
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.closerange(3, 4096)
        end = time.time() + 40
        while time.time() < end:
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            time.sleep(0.01)
    os._exit(0)
time.sleep(0.5)
"""


def _leftovers() -> str:
    out = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
    return "\n".join(line for line in out.splitlines()
                     if "ag_zygote" in line and not line.strip().startswith("0 "))


def test_background_process_cannot_kill_later_notebooks(course, sandbox_user):
    C.submit(course, "a_sabotase", answers=dict(C.RIGHT, squares=DAEMON + C.RIGHT["squares"]))
    for name in ("b_jujur", "c_jujur", "d_jujur"):
        C.submit(course, name, answers=C.RIGHT)
    results = {r.student: r for r in autograde(course, "ps1", sandbox_user=sandbox_user,
                                               workers=2)}
    for name in ("b_jujur", "c_jujur", "d_jujur"):
        assert results[name].score == RIGHT_SCORE and results[name].status == "graded", \
            results[name]
    time.sleep(0.5)
    assert not _leftovers(), "a learner process outlived the autograde:\n" + _leftovers()


def test_learner_code_has_no_network(sandbox_user, tmp_path):
    """Answer cells could reach the platform's loopback services (and the outside)."""
    import shutil
    import socket

    from grading import sandbox
    from grading.executor import Zygote, run_notebook

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    user = sandbox.resolve_sandbox_user(sandbox_user)
    root = sandbox.make_run_root()
    zygote = Zygote()
    try:
        workdir = sandbox.make_workdir(root, str(tmp_path), user)
        source = ("import socket\ntry:\n"
                  f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
                  "    print('TERHUBUNG')\nexcept OSError as e:\n    print('DITOLAK', e)\n")
        result = run_notebook(zygote, [(0, source)], workdir, user, sandbox.Limits())
    finally:
        zygote.close()
        server.close()
        shutil.rmtree(root, ignore_errors=True)
    text = "".join(o.get("text", "") for o in result.outputs[0][0])
    assert "DITOLAK" in text and "TERHUBUNG" not in text, text
    assert any(line.startswith("jaringan: tidak ada")
               for line in sandbox.guarantees(user, sandbox.Limits(), 2))
