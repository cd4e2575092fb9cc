"""Learner helpers that lesson notebooks import: exercise widgets and progress events.

Importing this package does no work: the names below are loaded on first use, so the
``python -m belajar check`` command does not pay for ipywidgets.

    from belajar import Pelajaran
    p = Pelajaran("komunikasi-pelayanan", "01-mendengar-aktif")
    p.pilihan_ganda("sikap-awal", question=..., options=[...], correct=1, explanations=[...])
"""

from importlib import import_module

__all__ = ["Pelajaran", "ProgressClient", "load_module"]

_LAZY = {
    "Pelajaran": "belajar.lesson",
    "ProgressClient": "belajar.progress",
    "load_module": "asncore.modules",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'belajar' has no attribute {name!r}")
