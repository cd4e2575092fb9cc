"""Accessibility check for browser journeys: axe-core run in the page.

``assert_accessible(page, name)`` injects the axe-core bundled with the PyPI package
``axe_playwright_python`` (its ``axe.min.js``), runs every WCAG 2.x A/AA rule axe has
plus its best practices, writes the full result as ``<name>.axe.json`` next to the
screenshots (:data:`ARTEFACTS`: ``$ASN_TEST_ARTEFACTS``, default
``/tmp/asn-browser-artefacts``) and fails on any violation whose impact is ``serious`` or
``critical``, naming the rule, its help text and the failing selectors. ``moderate`` and
``minor`` findings stay in the JSON for a person to read.

The platform's pages forbid every script (``Content-Security-Policy: default-src 'none'``);
Playwright's ``evaluate`` runs through the DevTools protocol, which the page's policy does
not govern, so the check needs no relaxed policy.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

ARTEFACTS = Path(os.environ.get("ASN_TEST_ARTEFACTS",
                                Path(tempfile.gettempdir()) / "asn-browser-artefacts"))
BLOCKING = ("serious", "critical")


def run_axe(page) -> dict:
    """axe-core's full result for the page as it is now (a dict, as axe returns it)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response


def blocking_violations(result: dict) -> list[dict]:
    return [v for v in result.get("violations", []) if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(map(str, node.get("target", []))) for node in v.get("nodes", [])]
        lines.append(f"- {v['id']} ({v['impact']}): {v.get('help', '')}\n    "
                     + "\n    ".join(targets[:20])
                     + (f"\n    … and {len(targets) - 20} more" if len(targets) > 20 else ""))
    return "\n".join(lines)


def result_path(name: str, folder: Path | None = None) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "halaman"
    return (folder or ARTEFACTS) / f"{safe}.axe.json"


def assert_accessible(page, name: str, folder: Path | None = None) -> dict:
    """Run axe-core on ``page``; keep the result as ``<name>.axe.json``; fail on any
    serious or critical violation. Returns axe's result."""
    result = run_axe(page)
    path = result_path(name, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    bad = blocking_violations(result)
    assert not bad, (f"{name} ({page.url}): {len(bad)} serious/critical accessibility "
                     f"violation(s), full result in {path}:\n{describe(bad)}")
    return result
