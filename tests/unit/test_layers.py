"""The layers of docs/architecture.md hold: import-linter's contracts (pyproject.toml) pass
on the whole tree, lazy imports inside functions included."""

import logging
from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    # lint_imports() calls logging's dictConfig, which disables every logger that exists:
    # re-enable them, or a later test's caplog sees nothing (found by a random-order run)
    enabled = [logger for logger in logging.root.manager.loggerDict.values()
               if isinstance(logger, logging.Logger) and not logger.disabled]
    try:
        code = lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True,
                            no_logo=True)
    finally:
        for logger in enabled:
            logger.disabled = False
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 broken" in out
