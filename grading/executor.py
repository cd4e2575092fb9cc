"""Run one notebook's code cells in a fresh sandboxed process; return outputs per cell.

`Zygote` starts grading/ag_zygote.py once (IPython imported once, ~0.5 s) and asks it to
fork a new child per notebook, so every notebook starts from a pristine interpreter and
no state is shared between learners. `run_notebook` sends the cells one at a time (the
next only after the previous one's result), then watches the child: a per-cell wall-clock
deadline (the child raises CellTimeoutError itself at `cell_timeout`; if student code
swallows that, the child is killed at `cell_timeout + HARD_GRACE`), a cap on bytes
received, and how the child ended.

Channels: learner code runs in the runner, so it can write to the runner's result pipe.
Frames there are checked strictly against the protocol (`start` of the cell just sent,
then its `cell` result, then `done` after the last): anything else -- a frame for another
cell, a repeated `start`, a malformed frame -- kills the child and flags the notebook, so
forged frames can neither add results for cells not yet sent nor push a deadline more
than once per cell (the run is bounded by cells x (cell_timeout + HARD_GRACE)). The
runner's pid and exit status come on a separate status pipe that only the root supervisor
holds. What this cannot give, for notebooks where learner code runs: learner code shares
the process with the test cells, so it can still fake its own later results in protocol
order (as it could by patching the interpreter); assessments whose answers are data
(multiple choice) run no learner code at all (`grading.autograde._cells_to_run`).
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

    def spawn(self, workdir: str, user: SandboxUser, limits: Limits) -> tuple[int, int, int]:
        """Fork a child for one notebook; return (task write fd, result read fd, status
        read fd)."""
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        status_r, status_w = os.pipe()
        request = {"workdir": workdir, "user": user.name, "uid": user.uid, "gid": user.gid,
                   "sweep": user.sweep, "limits": dataclasses.asdict(limits)}
        try:
            with self._lock:
                socket.send_fds(self._sock, [json.dumps(request).encode()],
                                [task_r, result_w, status_w])
        finally:
            os.close(task_r)
            os.close(result_w)
            os.close(status_w)
        return task_w, result_r, status_r

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


def _frame(message: dict) -> bytes:
    data = json.dumps(message).encode()
    return struct.pack(">I", len(data)) + data


class ProtocolError(ValueError):
    pass


class _Watch:
    """Strict reader of the runner's frames: start(i) -> cell(i) for each cell in order,
    then done. Any other frame raises ProtocolError."""

    def __init__(self, cells):
        self.order = [index for index, _ in cells]
        self.pos = 0
        self.running = None
        self.done = False

    def start(self, msg):
        if self.done or self.running is not None or self.pos >= len(self.order) \
                or msg.get("start") != self.order[self.pos] or len(msg) != 1:
            raise ProtocolError(f"frame start tidak sah: {str(msg)[:80]}")
        self.running = self.order[self.pos]

    def cell(self, msg):
        outputs, count = msg.get("outputs"), msg.get("execution_count")
        if self.running is None or msg.get("cell") != self.running \
                or not isinstance(outputs, list) or not all(isinstance(o, dict) for o in outputs) \
                or not (count is None or type(count) is int) or set(msg) != {"cell", "outputs", "execution_count"}:
            raise ProtocolError(f"frame cell tidak sah: {str(msg)[:80]}")
        self.running = None
        self.pos += 1
        return outputs, count

    def finish(self, msg):
        if msg != {"done": True} or self.running is not None or self.pos != len(self.order) \
                or self.done:
            raise ProtocolError(f"frame done tidak sah: {str(msg)[:80]}")
        self.done = True


def run_notebook(zygote: Zygote, cells: list[tuple[int, str]], workdir: str,
                 user: SandboxUser, limits: Limits) -> ExecutionResult:
    task_w, result_r, status_r = zygote.spawn(workdir, user, limits)
    os.set_blocking(task_w, False)
    sources = dict(cells)
    watch = _Watch(cells)
    pending = bytearray()
    if cells:
        pending += _frame({"index": cells[0][0], "source": cells[0][1]})
    reader = _FrameReader(result_r, max_bytes=4 * limits.output_limit + 4_000_000)
    status = _FrameReader(status_r, max_bytes=1 << 16)
    result = ExecutionResult(outputs={}, finished=False)
    pid = None
    exit_info = None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    notebook_end = time.monotonic() + limits.notebook_timeout
    kills = 0

    def fail(problem, detail=""):
        if result.problem is None:
            result.problem, result.failed_cell = problem, watch.running
            result.detail = detail
        _kill(pid)

    try:
        while exit_info is None:
            if kills == 0:
                deadline = min(deadline, notebook_end)  # added cells cannot stretch the run
            wait = deadline - time.monotonic()
            if wait <= 0:
                if result.problem is None:
                    result.problem, result.failed_cell = "hard_timeout", watch.running
                if kills == 3:
                    break  # the supervisor never reported; give up on this notebook
                _kill(pid)
                kills += 1
                deadline = time.monotonic() + 10  # the supervisor reports the exit
                continue
            readers = [status_r] + ([result_r] if not reader.eof else [])
            writers = [task_w] if task_w is not None and pending and result.problem is None else []
            if task_w is not None and not pending and watch.pos >= len(cells):
                os.close(task_w)  # no more cells: the runner sends `done`
                task_w = None
                continue
            ready, can_write, _ = select.select(readers, writers, [], min(wait, 1.0))
            if can_write:
                try:
                    del pending[:os.write(task_w, pending)]
                except BlockingIOError:
                    pass
                except OSError:
                    pending.clear()  # child gone; its exit status tells why
            if status_r in ready:
                status.feed()
                try:
                    for msg in status.frames():
                        if "pid" in msg and pid is None:
                            pid = int(msg["pid"])
                            if result.problem is not None:
                                _kill(pid)
                        elif "exit" in msg and pid is not None:
                            exit_info = msg["exit"]
                            break
                except Exception as exc:  # the supervisor is ours: should never happen
                    fail("protocol", f"status: {exc}")
                if status.eof and exit_info is None:
                    break
            if result_r not in ready or reader.eof:
                continue
            reader.feed()
            if reader.total > reader.max_bytes:
                fail("too_much_output")
            if result.problem is not None:
                reader.buf = b""  # child is being killed; ignore what it still says
                continue
            try:
                for msg in reader.frames():
                    if not isinstance(msg, dict):
                        raise ProtocolError(f"frame bukan objek: {str(msg)[:80]}")
                    if "start" in msg:
                        watch.start(msg)
                        deadline = time.monotonic() + limits.cell_timeout + HARD_GRACE
                    elif "cell" in msg:
                        index = watch.running
                        result.outputs[index] = watch.cell(msg)
                        deadline = time.monotonic() + STARTUP_TIMEOUT
                        if watch.pos < len(cells):
                            nxt = cells[watch.pos][0]
                            pending += _frame({"index": nxt, "source": sources[nxt]})
                    elif "done" in msg:
                        watch.finish(msg)
                    else:
                        raise ProtocolError(f"frame tidak dikenal: {str(msg)[:80]}")
            except Exception as exc:  # anything unexpected: kill, never trust the rest
                fail("protocol", str(exc)[:200])
                reader.buf = b""
    finally:
        for fd in (result_r, status_r, task_w):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
    if exit_info is None:
        result.problem = result.problem or "crash"
        result.detail = result.detail or "proses pengawas berhenti tanpa laporan"
    elif result.problem is None and not (watch.done and exit_info.get("code") == 0):
        result.problem, result.failed_cell = "crash", watch.running
        if "signal" in exit_info:
            name = signal.Signals(exit_info["signal"]).name
            result.detail = f"dihentikan sinyal {exit_info['signal']} ({name})"
        else:
            result.detail = f"keluar dengan kode {exit_info.get('code')}"
    result.finished = result.problem is None
    return result
