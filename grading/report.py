"""Terminal output: a progress bar for long work and a summary table at the end."""

from __future__ import annotations

import sys


class ProgressBar:
    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.width = label, width
        self.stream = stream or sys.stderr

    def __call__(self, done: int, total: int) -> None:
        filled = int(self.width * done / total) if total else self.width
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}{end}")
        self.stream.flush()


def table(headers: list[str], rows: list[list], stream=None) -> None:
    stream = stream or sys.stdout
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    stream.write(line + "\n" + "  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        stream.write("  ".join(v.ljust(w) for v, w in zip(row, widths)) + "\n")
