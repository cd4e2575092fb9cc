"""The platform's house style (``dasar.css``), one file for every page a person reads."""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def base_css() -> str:
    """The shared stylesheet's text, to inline before a page's own rules."""
    return (Path(__file__).parent / "dasar.css").read_text(encoding="utf-8")
