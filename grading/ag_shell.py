"""In-process IPython shell whose outputs come out in nbformat shape, like ipykernel's.

Runs inside the sandboxed child only. Mirrors what ipykernel sends to nbclient:
stream (stdout/stderr, also file-descriptor level), execute_result (IPython's own
formatters), display_data, and error (ename = exception class name, evalue = str(value),
traceback = IPython's formatted lines).
"""

from __future__ import annotations

import io
import os
import signal
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

TRUNCATION_NOTE = ("\n... keluaran dipotong: melebihi batas {limit} byte per notebook "
                   "(output truncated) ...\n")
SMALL = 2000  # characters kept of results/tracebacks once the budget is spent


class CellTimeoutError(Exception):
    """Raised inside student code by the per-cell alarm."""


class OutputSink:
    """Outputs of the current cell, with one byte budget for the whole notebook."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.truncated = False
        self.outputs: list[dict] = []

    def new_cell(self) -> None:
        self.outputs = []

    def _last_stream(self, name):
        if self.outputs and self.outputs[-1]["output_type"] == "stream" \
                and self.outputs[-1]["name"] == name:
            return self.outputs[-1]
        return None

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        if self.truncated:
            # stdout is dropped; stderr keeps a marker because stderr alone scores 0
            if name == "stderr" and not any(
                    o["output_type"] == "stream" and o["name"] == "stderr" for o in self.outputs):
                self.outputs.append({"output_type": "stream", "name": "stderr",
                                     "text": TRUNCATION_NOTE.format(limit=self.limit)})
            return
        room = self.limit - self.used
        if len(text) > room:
            text = text[:max(room, 0)] + TRUNCATION_NOTE.format(limit=self.limit)
            self.truncated = True
        self.used += len(text)
        last = self._last_stream(name)
        if last is not None:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def _size(self, data) -> int:
        return sum(len(v) if isinstance(v, str) else len(repr(v)) for v in data.values())

    def rich(self, output_type: str, data: dict, metadata: dict, execution_count=None) -> None:
        size = self._size(data)
        if self.truncated or size > self.limit - self.used:
            if output_type == "display_data":
                if not self.truncated:
                    self.truncated = True
                    self.outputs.append({"output_type": "stream", "name": "stdout",
                                         "text": TRUNCATION_NOTE.format(limit=self.limit)})
                return
            plain = str(data.get("text/plain", ""))[:SMALL]
            data, metadata = {"text/plain": plain}, {}
            size = len(plain)
        self.used += size
        out = {"output_type": output_type, "data": data, "metadata": metadata}
        if output_type == "execute_result":
            out["execution_count"] = execution_count
        self.outputs.append(out)

    def error(self, ename: str, evalue: str, traceback: list) -> None:
        traceback = [str(line)[:SMALL] for line in traceback][-200:]
        self.used += sum(len(t) for t in traceback)
        self.outputs.append({"output_type": "error", "ename": ename,
                             "evalue": str(evalue)[:SMALL], "traceback": traceback})

    def clear(self) -> None:
        self.outputs = []


class CaptureStream(io.TextIOBase):
    def __init__(self, name: str, sink: OutputSink, fd: int):
        self.name = name
        self._sink = sink
        self._fd = fd

    encoding = "utf-8"
    errors = "replace"

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        self._sink.stream(self.name, s)
        return len(s)

    def flush(self):
        pass


class CaptureDisplayHook(DisplayHook):
    sink = None

    def start_displayhook(self):
        self._format = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self._format = (format_dict, md_dict or {})

    def finish_displayhook(self):
        if self._format is not None:
            data, md = self._format
            self.sink.rich("execute_result", dict(data), dict(md), self.prompt_count)
        self._format = None


class CaptureDisplayPublisher(DisplayPublisher):
    sink = None

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        self.sink.rich("display_data", dict(data), dict(metadata or {}))

    def clear_output(self, wait=False):
        self.sink.clear()


class CaptureShell(InteractiveShell):
    sink = None

    def _showtraceback(self, etype, evalue, stb):
        self.sink.error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

    def init_io(self):
        pass


def make_shell(ipython_dir: str) -> CaptureShell:
    """Build the shell once (in the zygote); every forked child gets a pristine copy."""
    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.InteractiveShell.colors = "nocolor"
    cfg.InteractiveShell.autocall = 0
    cfg.InteractiveShell.cache_size = 1000
    shell = CaptureShell.instance(config=cfg, ipython_dir=ipython_dir,
                                  displayhook_class=CaptureDisplayHook,
                                  display_pub_class=CaptureDisplayPublisher)
    return shell


class _FdCapture:
    """Catch writes to file descriptors 1/2 (C extensions, subprocesses) like ipykernel does."""

    def __init__(self, fd: int, workdir: str):
        path = os.path.join(workdir, f".fdcap{fd}")
        tmp = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        os.unlink(path)
        os.dup2(tmp, fd)
        os.close(tmp)
        self.fd = fd
        self.pos = 0

    def drain(self, limit: int) -> str:
        chunks = []
        while limit > 0:
            data = os.pread(self.fd, min(65536, limit), self.pos)
            if not data:
                break
            self.pos += len(data)
            limit -= len(data)
            chunks.append(data)
        end = os.lseek(self.fd, 0, os.SEEK_END)
        self.pos = max(self.pos, end)
        return b"".join(chunks).decode("utf-8", "replace")


def run_cells(shell: CaptureShell, cells, cell_timeout: float, output_limit: int, send) -> None:
    """Execute (index, source) pairs, calling send(message) before and after each cell."""
    sink = OutputSink(output_limit)
    shell.sink = sink
    shell.displayhook.sink = sink
    shell.display_pub.sink = sink
    workdir = os.getcwd()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    fd_out = _FdCapture(1, workdir)
    fd_err = _FdCapture(2, workdir)
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""))
    sys.stdout = CaptureStream("stdout", sink, 1)
    sys.stderr = CaptureStream("stderr", sink, 2)

    def on_alarm(signum, frame):
        raise CellTimeoutError(f"waktu habis: sel berjalan lebih dari {cell_timeout:g} detik "
                               f"(cell timed out)")

    for index, source in cells:
        send({"start": index})
        sink.new_cell()
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, cell_timeout)
        try:
            try:
                shell.run_cell(source, store_history=True)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException as exc:  # alarm landed outside user code
            sink.error(type(exc).__name__, str(exc), [f"{type(exc).__name__}: {exc}"])
        sys.stdout = CaptureStream("stdout", sink, 1)
        sys.stderr = CaptureStream("stderr", sink, 2)
        room = max(sink.limit - sink.used, 0) + 1
        sink.stream("stdout", fd_out.drain(room))
        sink.stream("stderr", fd_err.drain(room))
        send({"cell": index, "outputs": sink.outputs,
              "execution_count": shell.execution_count - 1})
    send({"done": True})
