"""Learner code cannot steer the grader through its result channel (issue 10 point 2,
review M1). Runs `grading.executor` directly (as root, sandboxed), the way autograde does.

Learner code runs in the process that executes the cells, so it can always write to a pipe
that process holds. What must hold: frames out of protocol order are refused and the
notebook is killed and flagged; forged frames can never extend the run past its bound
(the course's penilaian lock is held while it runs); the runner's pid and exit status come
on a channel only the root supervisor holds; nothing the learner started is left running.
"""

from __future__ import annotations

import subprocess
import time

from tests.component.conftest import sandbox_user  # noqa: F401
from tests.support.sandbox_run import run, zygote  # noqa: F401 (fixtures)

FORGE = """
import os, json, struct, stat, signal, time
signal.setitimer(signal.ITIMER_REAL, 0)
pipes = []
for fd in range(3, 256):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            pipes.append(fd)
    except OSError:
        pass
def send(message):
    data = json.dumps(message).encode()
    for fd in pipes:
        try:
            os.write(fd, struct.pack('>I', len(data)) + data)
        except OSError:
            pass
"""


def _left_running(user: str) -> str:
    time.sleep(0.5)
    return subprocess.run(["ps", "-u", user, "-o", "pid=,args="], capture_output=True,
                          text=True).stdout.strip()


def test_forged_results_are_refused(run, sandbox_user):
    """Naive forgery: results for later cells, then done and a clean exit."""
    forge = FORGE + ("for i in (1, 2):\n"
                     "    send({'cell': i, 'outputs': [], 'execution_count': i + 1})\n"
                     "send({'done': True})\n"
                     "os._exit(0)\n")
    result = run([forge, "assert False, 'tes 1'", "assert False, 'tes 2'"], cell_timeout=5)
    assert result.problem == "protocol", result
    assert 1 not in result.outputs and 2 not in result.outputs, "forged outputs were accepted"


def test_forged_start_frames_cannot_hold_the_run(run, sandbox_user):
    """`start` frames every half second used to push the deadline forward forever."""
    forge = FORGE + "for _ in range(60):\n    send({'start': 0})\n    time.sleep(0.5)\n"
    began = time.monotonic()
    result = run([forge, "1 + 1"], cell_timeout=2)
    elapsed = time.monotonic() - began
    assert elapsed < 15, f"forged frames held the notebook for {elapsed:.0f} s"
    assert result.problem is not None
    assert not _left_running(sandbox_user)


def test_malformed_frame_neither_crashes_the_grader_nor_spares_the_runner(run, sandbox_user):
    forge = FORGE + "send([])\ntime.sleep(30)\n"
    result = run([forge, "1 + 1"], cell_timeout=40)
    assert result.problem == "protocol"
    assert not _left_running(sandbox_user), "the runner survived a protocol error"


def test_forged_exit_frame_is_ignored(run, sandbox_user):
    """`exit` comes from the supervisor only: a forged one must not end the watch early
    and leave the runner going."""
    forge = FORGE + ("send({'exit': {'code': 0}})\n"
                     "time.sleep(30)\n")
    began = time.monotonic()
    result = run([forge, "1 + 1"], cell_timeout=3)
    assert result.problem is not None
    assert time.monotonic() - began < 20
    assert not _left_running(sandbox_user), "the runner outlived the watch"


def test_many_slow_cells_are_bounded_per_notebook(run, sandbox_user):
    """Learners may add cells: each just under the cell timeout used to add up unbounded."""
    began = time.monotonic()
    result = run(["import time; time.sleep(1.5)"] * 20, cell_timeout=2, notebook_timeout=4)
    assert time.monotonic() - began < 12
    assert result.problem == "hard_timeout"
    assert not _left_running(sandbox_user)


def test_later_cells_are_not_in_the_runner_while_learner_code_runs(run, sandbox_user):
    """Hidden tests of later cells used to sit in the runner's memory (all cells were sent
    at once): learner code could find and print them. Cells now come one at a time."""
    spy = ("import gc\n"
           "found = any(isinstance(x, str) and '-'.join(['RAHASIA', 'TES']) in x\n"
           "            for o in gc.get_objects() if isinstance(o, (list, tuple, dict))\n"
           "            for x in (o.values() if isinstance(o, dict) else o))\n"
           "print('BOCOR' if found else 'AMAN')\n")
    result = run([spy, "assert True  # RAHASIA-TES-TERSEMBUNYI"], cell_timeout=10)
    text = "".join(o.get("text", "") for o in result.outputs[0][0])
    assert "AMAN" in text, "a later cell's source was readable by learner code"
