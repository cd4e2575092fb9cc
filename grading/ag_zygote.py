"""Pre-imported worker that forks one sandboxed child per notebook.

Started by grading.executor as `python -E -s -P ag_zygote.py <control-fd>` (-P keeps this
folder off the import path, so grading/*.py never shadow stdlib or site-packages
modules); runs as root (it must drop privileges in its children) and never sees student
data. For each request
(JSON + two pipe fds over a Unix socket) it forks a root *supervisor*; the supervisor
forks the *runner*, reports the runner's pid on the result pipe, waits for it, kills its
process group and reports how it ended. The runner drops privileges, then reads the
cells from the task pipe, runs them and streams outputs back.

Frames on both pipes: 4-byte big-endian length + UTF-8 JSON.
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


def read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _runner(request, task_fd, result_fd, go_fd, shell):
    keep = sorted({task_fd, result_fd, go_fd})
    low = 3
    for fd in keep:
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 16)
    user = sandbox.SandboxUser(request["user"], request["uid"], request["gid"])
    limits = sandbox.Limits(**request["limits"])
    sandbox.enter_sandbox(user, request["workdir"], limits)
    os.read(go_fd, 1)  # supervisor has written our pid first
    os.close(go_fd)
    task = json.loads(read_all(task_fd))
    os.close(task_fd)
    ag_shell.run_cells(shell, task["cells"], limits.cell_timeout, limits.output_limit,
                       lambda message: write_frame(result_fd, message))
    os._exit(0)


def _supervisor(request, task_fd, result_fd, shell):
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(go_w)
            _runner(request, task_fd, result_fd, go_r, shell)
        finally:
            os._exit(70)
    os.close(go_r)
    os.close(task_fd)
    write_frame(result_fd, {"pid": pid})
    os.write(go_w, b"g")
    os.close(go_w)
    _, status = os.waitpid(pid, 0)
    try:
        os.killpg(pid, signal.SIGKILL)  # leftovers started by student code
    except OSError:
        pass
    if os.WIFSIGNALED(status):
        ended = {"signal": os.WTERMSIG(status)}
    else:
        ended = {"code": os.WEXITSTATUS(status)}
    write_frame(result_fd, {"exit": ended})
    os._exit(0)


def main(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    ipython_dir = tempfile.mkdtemp(prefix="ag-ipython-")
    shell = ag_shell.make_shell(ipython_dir)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped automatically
    write_frame(control.fileno(), {"ready": True})
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 1 << 16, 2)
        except (ConnectionError, OSError):
            break
        if not msg:
            break
        request = json.loads(msg)
        task_fd, result_fd = fds
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                _supervisor(request, task_fd, result_fd, shell)
            finally:
                os._exit(71)
        os.close(task_fd)
        os.close(result_fd)
    shutil.rmtree(ipython_dir, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
