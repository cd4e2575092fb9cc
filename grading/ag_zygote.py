"""Pre-imported worker that forks one sandboxed child per notebook.

Started by grading.executor as `python -E -s -P ag_zygote.py <control-fd>` (-P keeps this
folder off the import path, so grading/*.py never shadow stdlib or site-packages
modules); runs as root (it must drop privileges in its children) and never sees student
data. For each request (JSON + three pipe fds over a Unix socket: task, result, status)
it forks a root *supervisor*; the supervisor forks the *runner*, reports the runner's pid
on the status pipe, waits for it, kills its process group and reports how it ended, again
on the status pipe. The runner never holds the status pipe, so learner code cannot forge
a pid or an exit. The runner drops privileges, then reads the cells one at a time from the
task pipe (the executor sends the next cell only after the previous one's result, so later
cells, hidden tests included, are not in the runner before their turn), runs them and
streams outputs back on the result pipe, whose frames the executor checks strictly.

Frames on every pipe: 4-byte big-endian length + UTF-8 JSON.
"""

import importlib.util
import json
import os
import shutil
import signal
import socket
import struct
import sys
import tempfile

_here = os.path.dirname(os.path.abspath(__file__))


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_ag_{name}", os.path.join(_here, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sandbox = _load("sandbox")
ag_shell = _load("ag_shell")


def write_frame(fd: int, message: dict) -> None:
    data = json.dumps(message).encode()
    data = struct.pack(">I", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 16))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_cells(fd: int):
    """(index, source) frames from the executor until it closes the task pipe."""
    while True:
        head = _read_exact(fd, 4)
        if head is None:
            return
        data = _read_exact(fd, struct.unpack(">I", head)[0])
        if data is None:
            return
        cell = json.loads(data)
        yield int(cell["index"]), str(cell["source"])


def _runner(request, task_fd, result_fd, go_fd, shell):
    keep = sorted({task_fd, result_fd, go_fd})
    low = 3
    for fd in keep:
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 16)
    user = sandbox.SandboxUser(request["user"], request["uid"], request["gid"],
                               bool(request.get("sweep")))
    limits = sandbox.Limits(**request["limits"])
    sandbox.enter_sandbox(user, request["workdir"], limits)
    os.read(go_fd, 1)  # supervisor has written our pid first
    os.close(go_fd)
    ag_shell.run_cells(shell, read_cells(task_fd), limits.cell_timeout, limits.output_limit,
                       lambda message: write_frame(result_fd, message))
    os._exit(0)


def _sweep(request) -> None:
    """Kill every process of the notebook's uid (a uid leased to this worker alone)."""
    if request.get("sweep"):
        sandbox.kill_all_of(request["uid"], request["gid"])


def _supervisor(request, task_fd, result_fd, status_fd, shell):
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    if request.get("sweep"):
        sandbox.become_subreaper()
    _sweep(request)  # leftovers of a crashed earlier run
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(go_w)
            os.close(status_fd)
            _runner(request, task_fd, result_fd, go_r, shell)
        finally:
            os._exit(70)
    os.close(go_r)
    os.close(task_fd)
    os.close(result_fd)  # the runner's alone: EOF when it (and all it started) is gone
    write_frame(status_fd, {"pid": pid})
    os.write(go_w, b"g")
    os.close(go_w)
    _, status = os.waitpid(pid, 0)
    try:
        os.killpg(pid, signal.SIGKILL)  # leftovers started by student code
    except OSError:
        pass
    _sweep(request)  # ... including those that left the process group (setsid)
    if os.WIFSIGNALED(status):
        ended = {"signal": os.WTERMSIG(status)}
    else:
        ended = {"code": os.WEXITSTATUS(status)}
    write_frame(status_fd, {"exit": ended})
    os._exit(0)


def main(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    ipython_dir = tempfile.mkdtemp(prefix="ag-ipython-")
    shell = ag_shell.make_shell(ipython_dir)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped automatically
    write_frame(control.fileno(), {"ready": True})
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 3)
        except (ConnectionError, OSError):
            break
        if not msg:
            break
        request = json.loads(msg)
        task_fd, result_fd, status_fd = fds
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                _supervisor(request, task_fd, result_fd, status_fd, shell)
            finally:
                os._exit(71)
        for fd in fds:
            os.close(fd)
    shutil.rmtree(ipython_dir, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
