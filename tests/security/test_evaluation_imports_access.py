"""Issue 11, points 5 and 7: HR's uploads of the IKM survey, the SP4N-LAPOR! export and the
holiday calendar, and the follow-up view, are for HR and admins only; any input is refused
with a 4xx (never a 5xx) and a refused request writes nothing.

In-process (tests/support/evaluation_city.py): the hub's OAuth is replaced by a fixed user
per request (``X-Test-User``); the database, report cache and Tornado are real. Written
before the routes existed: there every request below was a 404 and these tests failed on
their status codes and on the error texts they expect.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import zipfile
from urllib.parse import quote

import pytest

from tests.support.evaluation_city import (
    ADMIN,
    GOOD_FILES,
    HR,
    IKM_HEADER,
    IMPORT_KINDS,
    LEARNER,
    TRAINER,
    XLSX_TYPE,
    Service,
    as_xlsx,
    db_fingerprint,
    ikm_csv,
    ikm_rows,
    multipart,
    populate_city,
)
from tests.support.service_auth import in_process_service

pytestmark = pytest.mark.asyncio(loop_scope="module")
OUTSIDERS = [LEARNER, TRAINER, "orang:", "pelatih:trainer,formgrade-kursus-uji"]
NASTY = ["abc", "²⁰²⁶", "-1", "0", "9" * 40, "1e309", "NaN", "", "\x00", "%00",
         "../../etc/passwd", "<script>alert(1)</script>", "'; DROP TABLE units; --",
         "x" * 5000, "ü" * 300, "DINKES\n", " DINKES"]
BLANK = ("", "\x00")  # Tornado turns control characters into spaces and strips arguments


@pytest.fixture(scope="module")
async def service(tmp_path_factory):
    with in_process_service(Service, populate_city, tmp_path_factory.mktemp("eval-sec")) as running:
        yield running


def _is_4xx(answer, what) -> None:
    assert answer is not None, what
    assert 400 <= answer.code < 500, (what, answer.code, (answer.body or b"")[:300])


# ---- roles ---------------------------------------------------------------------------------


async def test_learners_trainers_and_strangers_are_refused_on_every_new_route(service):
    before = db_fingerprint(service.url)
    for user in OUTSIDERS:
        for path in ("api/hr/tindak-lanjut", "api/hr/tindak-lanjut?unit=DINKES",
                     "hr/tindak-lanjut", "hr/evaluasi/impor"):
            assert (await service.call(path, user)).code == 403, (user, path)
        for kind in IMPORT_KINDS:
            answer = await service.upload(kind, GOOD_FILES[kind], user=user)
            assert answer.code == 403, (user, kind, answer.code)
            body, headers = multipart(f"{kind}.csv", GOOD_FILES[kind], "text/csv")
            answer = await service.call(f"hr/evaluasi/impor/{kind}", user, "POST", body, headers)
            assert answer.code == 403, (user, kind, answer.code)
    assert db_fingerprint(service.url) == before


async def test_anonymous_callers_are_refused(service):
    before = db_fingerprint(service.url)
    assert (await service.call("api/hr/tindak-lanjut", None)).code == 403
    for path in ("hr/tindak-lanjut", "hr/evaluasi/impor"):
        assert (await service.call(path, None)).code in (302, 403), path
    for kind in IMPORT_KINDS:
        assert (await service.upload(kind, GOOD_FILES[kind], user=None)).code == 403
        body, headers = multipart(f"{kind}.csv", GOOD_FILES[kind], "text/csv")
        answer = await service.call(f"hr/evaluasi/impor/{kind}", None, "POST", body, headers)
        assert answer.code == 403, kind
    assert db_fingerprint(service.url) == before


async def test_admins_may_read_the_new_pages(service):
    for path in ("api/hr/tindak-lanjut", "hr/tindak-lanjut", "hr/evaluasi/impor"):
        assert (await service.call(path, ADMIN)).code == 200, path


# ---- uploads: bad input -----------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _zip_bomb(megabytes: int = 60) -> bytes:
    """A small zip that unpacks to ``megabytes`` of one sheet (a workbook's shape)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                sheet.write(block)
    return out.getvalue()


def bad_files() -> list[tuple[str, bytes, str]]:
    """(what, data, content type): every one is refused for every kind of import."""
    junk = random.Random(11).randbytes(4096)
    real = as_xlsx(GOOD_FILES["ikm"])
    bad_rows = IKM_HEADER + "\n" + "\n".join(
        f"TIDAKADA{i},x,2026-S1,5,5,5,5,5,5,5,5,5" for i in range(60_000))
    return [
        ("empty", b"", "text/csv"),
        ("only a BOM", "\ufeff".encode(), "text/csv"),
        ("header only", (IKM_HEADER + "\n").encode(), "text/csv"),
        ("binary junk as CSV", junk, "text/csv"),
        ("binary junk as XLSX", junk, XLSX_TYPE),
        ("binary junk, no type", junk, "application/octet-stream"),
        ("not a zip as XLSX", b"unit,layanan\nDINKES,x\n", XLSX_TYPE),
        ("truncated XLSX", real[:300], XLSX_TYPE),
        ("zip without a workbook", _zip({"a.txt": b"hello"}), XLSX_TYPE),
        ("workbook with broken XML", _zip({"[Content_Types].xml": b"<Types",
                                           "xl/workbook.xml": b"<<<"}), XLSX_TYPE),
        ("zip bomb", _zip_bomb(), XLSX_TYPE),
        ("old .xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk, "application/vnd.ms-excel"),
        ("latin-1 CSV", (IKM_HEADER + "\nDINKES,Layanan Ibu Hamil ke-2 \xe9,2026-S1,"
                         + ",".join("3" * 9) + "\n").encode("latin-1"), "text/csv"),
        ("NUL bytes", ikm_csv(*ikm_rows("DINKES", "2026-S1", 3)).replace(b"3\n", b"\x003\n"),
         "text/csv"),
        ("JSON", json.dumps({"unit": "DINKES"}).encode(), "application/json"),
        ("PNG", b"\x89PNG\r\n\x1a\n" + junk, "image/png"),
        ("HTML", b"<html><script>alert(1)</script></html>", "text/html"),
        ("60,000 bad rows", bad_rows.encode(), "text/csv"),
        ("10,000 columns", (",".join(f"c{i}" for i in range(10_000)) + "\n").encode(), "text/csv"),
    ]


async def test_bad_files_get_a_4xx_and_change_nothing(service):
    before = db_fingerprint(service.url)
    for (what, data, content_type), kind in itertools.product(bad_files(), IMPORT_KINDS):
        answer = await service.upload(kind, data, content_type)
        _is_4xx(answer, ("api", kind, what))
        assert json.loads(answer.body).get("success") is not True, (kind, what)
        name = "berkas.xlsx" if content_type == XLSX_TYPE else "berkas.csv"
        body, headers = multipart(name, data, content_type)
        answer = await service.call(f"hr/evaluasi/impor/{kind}", HR, "POST", body, headers)
        _is_4xx(answer, ("page", kind, what))
    assert db_fingerprint(service.url) == before


async def test_a_file_that_is_not_a_workbook_says_so(service):
    for data in (b"unit,layanan\n", random.Random(3).randbytes(2000), _zip({"a.txt": b"x"})):
        answer = await service.upload("ikm", data, XLSX_TYPE)
        assert answer.code == 400
        assert "XLSX" in " ".join(json.loads(answer.body)["errors"])
    answer = await service.upload("ikm", _zip_bomb(), XLSX_TYPE)
    assert answer.code == 400 and "terlalu besar" in json.loads(answer.body)["errors"][0]


async def test_thousands_of_errors_are_shown_in_part(service):
    rows = [f"TIDAKADA,x,2026-S1,{','.join('5' * 9)}" for _ in range(5_000)]
    answer = await service.upload("ikm", ikm_csv(*rows))
    assert answer.code == 400
    result = json.loads(answer.body)
    assert result["error_count"] > 5_000 and len(result["errors"]) <= 201
    assert "kesalahan lain" in result["errors"][-1]


async def test_bodies_over_the_cap_are_refused_before_reading(service):
    before = db_fingerprint(service.url)
    huge = IKM_HEADER.encode() + b"\n" + b"x" * (6 * 1024 * 1024)
    for kind in IMPORT_KINDS:
        _is_4xx(await service.upload(kind, huge), ("api", kind))
        assert (await service.upload(kind, huge)).code == 413
        body, headers = multipart("besar.csv", huge, "text/csv")
        _is_4xx(await service.call(f"hr/evaluasi/impor/{kind}", HR, "POST", body, headers),
                ("page", kind))
        _is_4xx(await service.upload(kind, b"x" * (20 * 1024 * 1024)), ("far over", kind))
    assert db_fingerprint(service.url) == before


async def test_broken_forms_are_refused(service):
    before = db_fingerprint(service.url)
    forms = [
        (b"--b\r\nContent-Disposition: form-data; name=\"lain\"\r\n\r\nx\r\n--b--\r\n",
         "multipart/form-data; boundary=b"),
        (b"--b\r\nnonsense", "multipart/form-data; boundary=b"),
        (b"xx", "multipart/form-data"),
        (b"berkas=%ZZ&&&=", "application/x-www-form-urlencoded"),
    ]
    for (body, content_type), kind in itertools.product(forms, IMPORT_KINDS):
        headers = {"Content-Type": content_type}
        _is_4xx(await service.call(f"api/hr/impor/{kind}", HR, "POST", body, headers), kind)
        _is_4xx(await service.call(f"hr/evaluasi/impor/{kind}", HR, "POST", body, headers), kind)
    body, headers = multipart("ikm.xls", b"\xd0\xcf\x11\xe0" + b"x" * 100)
    answer = await service.call("hr/evaluasi/impor/ikm", HR, "POST", body, headers)
    assert answer.code == 400 and ".xls" in answer.body.decode()
    assert db_fingerprint(service.url) == before


async def test_a_hostile_file_name_is_escaped_on_the_page(service):
    body, headers = multipart("<script>alert(1)</script>.csv", b"unit\nDINKES\n", "text/csv")
    answer = await service.call("hr/evaluasi/impor/ikm", HR, "POST", body, headers)
    assert answer.code == 400
    page = answer.body.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page
    assert "<script>" not in page


async def test_wrong_methods_and_unknown_kinds(service):
    before = db_fingerprint(service.url)
    for kind, method in itertools.product(IMPORT_KINDS, ("GET", "PUT", "DELETE", "PATCH")):
        body = None if method == "GET" else GOOD_FILES[kind]
        _is_4xx(await service.call(f"api/hr/impor/{kind}", HR, method, body), (kind, method))
    for method in ("POST", "PUT", "DELETE"):
        for path in ("api/hr/tindak-lanjut", "hr/tindak-lanjut"):
            _is_4xx(await service.call(path, HR, method, b"{}"), (path, method))
    for kind in ("roster", "jp", "IKM", "ikm.csv", "..", "%2e%2e"):
        _is_4xx(await service.upload(kind, GOOD_FILES["ikm"]), kind)
    assert db_fingerprint(service.url) == before


# ---- follow-up: query fuzz ------------------------------------------------------------------


async def test_follow_up_queries_are_4xx_or_harmless(service):
    before = db_fingerprint(service.url)
    for path, key, value in itertools.product(("api/hr/tindak-lanjut", "hr/tindak-lanjut"),
                                              ("unit", "periode"), NASTY):
        answer = await service.call(f"{path}?{key}={quote(value)}", HR)
        assert answer.code < 500, (path, key, value, answer.code)
        if value in BLANK or (key == "unit" and value.strip() == "DINKES"):
            assert answer.code == 200, (path, key, value, answer.code)
        elif key == "periode":
            assert answer.code == 400, (path, value, answer.code)
        else:
            assert answer.code == 404, (path, value, answer.code)
    assert db_fingerprint(service.url) == before
