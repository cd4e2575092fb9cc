"""How every benchmark reports: text for people, or one JSON object, and an exit status.

Without ``--json`` the text goes to stdout. With ``--json`` the text goes to stderr and
stdout holds only the JSON object::

    {"benchmark": "bench_overview", ...measurements..., "agree": true,
     "goal": "ours <= 1 s up to 1,000 submissions", "goal_met": true, "ok": true}

``agree``: our results equal the stock tool's. ``goal_met``: null when the run is at a
size the goal is not stated for (smoke runs), else whether it was met. ``ok`` (exit
status 0) is ``agree`` and a goal that was not missed; a failed run before the comparison
gives ``{"ok": false, "error": ...}`` and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print the results as one JSON object on stdout (text goes to stderr)")


class Outcome:
    def __init__(self, benchmark: str, as_json: bool):
        self.benchmark = benchmark
        self.as_json = as_json

    def say(self, text: str) -> None:
        print(text, file=sys.stderr if self.as_json else sys.stdout, flush=True)

    def _emit(self, result: dict) -> None:
        if self.as_json:
            print(json.dumps({"benchmark": self.benchmark, **result}, indent=2), flush=True)

    def fail(self, error: str) -> int:
        """A run that could not get as far as comparing: exit status 1."""
        print(error, file=sys.stderr, flush=True)
        self._emit({"ok": False, "error": error})
        return 1

    def finish(self, *, agree: bool, goal: str | None = None, goal_met: bool | None = None,
               **measurements) -> int:
        ok = agree and goal_met is not False
        if goal is not None:
            status = {True: "met", False: "NOT met", None: "not applicable at this size"}[goal_met]
            self.say(f"goal: {goal}: {status}")
        self._emit({**measurements, "agree": agree, "goal": goal, "goal_met": goal_met, "ok": ok})
        return 0 if ok else 1
