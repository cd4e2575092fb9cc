"""Run one notebook's code cells in a fresh sandboxed process; return outputs per cell.

`Zygote` starts grading/ag_zygote.py once (IPython imported once, ~0.5 s) and asks it to
fork a new child per notebook, so every notebook starts from a pristine interpreter and
no state is shared between learners. `run_notebook` sends the cells, then watches the
child: a per-cell wall-clock deadline (the child raises CellTimeoutError itself at
`cell_timeout`; if student code swallows that, the child is killed at
`cell_timeout + HARD_GRACE`), a cap on bytes received, and how the child ended.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

from .sandbox import Limits, SandboxUser

HARD_GRACE = 5.0        # seconds past cell_timeout before the child is killed
STARTUP_TIMEOUT = 30.0
ZYGOTE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ag_zygote.py")


@dataclasses.dataclass
class ExecutionResult:
    outputs: dict          # code-cell index -> (outputs list, execution_count)
    finished: bool         # every cell ran and the child exited normally
    failed_cell: int | None = None   # cell running when the child died or was killed
    problem: str | None = None       # "crash" | "hard_timeout" | "too_much_output" | "protocol"
    detail: str = ""


class Zygote:
    """Handle on the forking worker process. Thread-safe `spawn`."""

    def __init__(self):
        parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        self._proc = subprocess.Popen(
            [sys.executable, "-E", "-s", "-P", ZYGOTE_SCRIPT, str(child_sock.fileno())],
            pass_fds=[child_sock.fileno()], env=env, stdin=subprocess.DEVNULL,
            cwd="/", close_fds=True)
        child_sock.close()
        self._sock = parent_sock
        self._lock = threading.Lock()
        ready = self._sock.recv(1 << 16)
        if not ready:
            raise RuntimeError("proses pekerja (zygote) gagal dimulai (worker failed to start)")

    def spawn(self, workdir: str, user: SandboxUser, limits: Limits) -> tuple[int, int]:
        """Fork a child for one notebook; return (task write fd, result read fd)."""
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        request = {"workdir": workdir, "user": user.name, "uid": user.uid, "gid": user.gid,
                   "limits": dataclasses.asdict(limits)}
        try:
            with self._lock:
                socket.send_fds(self._sock, [json.dumps(request).encode()], [task_r, result_w])
        finally:
            os.close(task_r)
            os.close(result_w)
        return task_w, result_r

    def close(self) -> None:
        try:
            self._sock.close()
        finally:
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


class _FrameReader:
    def __init__(self, fd: int, max_bytes: int):
        self.fd = fd
        self.buf = b""
        self.total = 0
        self.max_bytes = max_bytes
        self.eof = False

    def feed(self) -> None:
        chunk = os.read(self.fd, 1 << 16)
        if not chunk:
            self.eof = True
        self.total += len(chunk)
        self.buf += chunk

    def frames(self):
        while len(self.buf) >= 4:
            (size,) = struct.unpack(">I", self.buf[:4])
            if len(self.buf) < 4 + size:
                return
            data, self.buf = self.buf[4:4 + size], self.buf[4 + size:]
            yield json.loads(data)


def _kill(pid: int | None) -> None:
    if not pid:
        return
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _send_task(fd: int, payload: bytes) -> None:
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    except OSError:
        pass  # child died before reading; reported through its exit status
    finally:
        os.close(fd)


def run_notebook(zygote: Zygote, cells: list[tuple[int, str]], workdir: str,
                 user: SandboxUser, limits: Limits) -> ExecutionResult:
    task_w, result_r = zygote.spawn(workdir, user, limits)
    payload = json.dumps({"cells": cells}).encode()
    writer = threading.Thread(target=_send_task, args=(task_w, payload), daemon=True)
    writer.start()
    reader = _FrameReader(result_r, max_bytes=4 * limits.output_limit + 4_000_000)
    result = ExecutionResult(outputs={}, finished=False)
    pid = None
    running = None
    done = False
    exit_info = None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    kills = 0
    try:
        while exit_info is None:
            wait = deadline - time.monotonic()
            if wait <= 0:
                if result.problem is None:
                    result.problem, result.failed_cell = "hard_timeout", running
                if kills == 3:
                    break  # the supervisor never reported; give up on this notebook
                _kill(pid)
                kills += 1
                deadline = time.monotonic() + 10  # the supervisor reports the exit
                continue
            ready, _, _ = select.select([result_r], [], [], min(wait, 1.0))
            if not ready:
                continue
            reader.feed()
            if reader.total > reader.max_bytes and result.problem is None:
                result.problem, result.failed_cell = "too_much_output", running
                _kill(pid)
            try:
                for msg in reader.frames():
                    if "pid" in msg and pid is None:
                        pid = int(msg["pid"])
                    elif "exit" in msg and pid is not None:
                        exit_info = msg["exit"]
                        break
                    elif result.problem is not None:
                        continue  # child is being killed; ignore what it still says
                    elif "start" in msg:
                        running = msg["start"]
                        deadline = time.monotonic() + limits.cell_timeout + HARD_GRACE
                    elif "cell" in msg:
                        result.outputs[msg["cell"]] = (msg["outputs"], msg["execution_count"])
                        running = None
                        deadline = time.monotonic() + STARTUP_TIMEOUT
                    elif msg.get("done"):
                        done = True
            except (ValueError, KeyError, TypeError) as exc:
                if result.problem is None:
                    result.problem, result.failed_cell = "protocol", running
                    result.detail = str(exc)
                _kill(pid)
                reader.buf = b""
            if reader.eof and exit_info is None:
                break
    finally:
        os.close(result_r)
        writer.join(timeout=5)
    if exit_info is None:
        result.problem = result.problem or "crash"
        result.detail = result.detail or "proses pengawas berhenti tanpa laporan"
    elif result.problem is None and not (done and exit_info.get("code") == 0):
        result.problem, result.failed_cell = "crash", running
        if "signal" in exit_info:
            name = signal.Signals(exit_info["signal"]).name
            result.detail = f"dihentikan sinyal {exit_info['signal']} ({name})"
        else:
            result.detail = f"keluar dengan kode {exit_info.get('code')}"
    result.finished = result.problem is None
    return result
