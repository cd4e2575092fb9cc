"""Bare gradebook reports (reports.gradebook): a gradebook URL that is missing, not an
nbgrader gradebook, unreadable or malformed is a clear error and creates no file. The
comparisons with the real ``nbgrader export`` are in
tests/component/test_reports_gradebook_export.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reports import gradebook as rg


@pytest.mark.parametrize("make_url, expected", [
    (lambda tmp: f"sqlite:///{tmp / 'tidak-ada.db'}", "tidak ada"),
    (lambda tmp: f"sqlite:///{empty_db(tmp)}", "bukan gradebook nbgrader"),
    (lambda tmp: f"sqlite:///{text_file(tmp)}", "tidak dapat dibaca"),
    (lambda tmp: "bukan-url", "URL gradebook tidak valid"),
])
def test_bad_gradebook_url_is_a_clear_error(tmp_path, make_url, expected):
    url = make_url(tmp_path)
    files_before = sorted(tmp_path.iterdir())
    with pytest.raises(ValueError, match=expected) as error:
        rg.export_scores(url)
    assert url in str(error.value)
    assert sorted(tmp_path.iterdir()) == files_before  # no empty gradebook.db created


def empty_db(tmp: Path) -> Path:
    path = tmp / "kosong.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE student (id TEXT)")
    db.close()
    return path


def text_file(tmp: Path) -> Path:
    path = tmp / "catatan.db"
    path.write_text("ini bukan basis data\n" * 100)
    return path
