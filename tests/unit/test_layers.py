"""The layers of docs/architecture.md hold: import-linter's contracts (pyproject.toml) pass
on the whole tree, lazy imports inside functions included."""

from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    code = lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 broken" in out
