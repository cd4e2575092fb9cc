"""The reaction-survey widget (issue 11) driven as a learner would, without a browser or a
service: a fake transport stands in for the competency service."""

import json

import pytest
import yaml

from belajar.lesson import Pelajaran
from belajar.widgets.survei_reaksi import (DELIVERED, KEPT, MAX_SARAN, PERTANYAAN, REJECTED,
                                           PengirimSurvei, SurveiReaksi, clean_saran)
from services.kompetensi.survey import KEYS, MAX_IMPROVEMENT, parse_answer

MODULE = "komunikasi-pelayanan"


class FakeService:
    """Answers each PUT with the next status of ``statuses`` (the last one repeats)."""

    def __init__(self, *statuses, message="ditolak karena alasan X", fail=False):
        self.statuses = list(statuses) or [200]
        self.message = message
        self.fail = fail
        self.calls = []

    def __call__(self, url, headers, body, timeout):
        self.calls.append((url, dict(headers), json.loads(json.dumps(body))))
        if self.fail:
            raise ConnectionError("layanan mati")
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return status, self.message if status >= 400 else ""


class FakeProgress:
    def __init__(self):
        self.flushed = 0

    def flush(self):
        self.flushed += 1
        return True

    def send(self, event):
        return True


def sender(tmp_path, service, configured=True) -> PengirimSurvei:
    return PengirimSurvei("http://kompetensi/" if configured else "", "token-abc",
                          tmp_path / "survei.jsonl", transport=service)


def fill(widget, relevance=4, clarity=5, usefulness=3, saran=""):
    for (key, _), value in zip(PERTANYAAN, (relevance, clarity, usefulness)):
        widget.ratings[key].value = value
    widget.saran.value = saran


def test_the_widget_asks_what_the_service_stores():
    assert tuple(key for key, _ in PERTANYAAN) == KEYS
    assert MAX_SARAN == MAX_IMPROVEMENT


def test_a_complete_answer_is_sent_once_with_the_token_after_the_progress(tmp_path):
    service, progress = FakeService(200), FakeProgress()
    lesson = Pelajaran(MODULE, "05-kanal-layanan", client=progress)
    survey = SurveiReaksi(lesson, pengirim=sender(tmp_path, service))
    assert "application/vnd.jupyter.widget-view+json" in survey._repr_mimebundle_()
    fill(survey, saran="  Tambahkan contoh\r\ndari loket kelurahan.\x07 ")
    survey.button.click()
    assert progress.flushed == 1
    [(url, headers, body)] = service.calls
    assert url == f"http://kompetensi/api/me/survei/{MODULE}"
    assert headers == {"Authorization": "token token-abc"}
    assert body == {"relevance": 4, "clarity": 5, "usefulness": 3,
                    "improvement": "Tambahkan contoh\ndari loket kelurahan."}
    assert parse_answer(body) == body  # the service takes it as it is
    assert survey.outcome == DELIVERED and "sudah tersimpan" in survey.feedback.value
    assert survey.pengirim.pending.read() == []


def test_an_incomplete_or_too_long_answer_is_not_sent(tmp_path):
    service = FakeService(200)
    survey = SurveiReaksi(MODULE, pengirim=sender(tmp_path, service))
    survey.ratings["relevance"].value = 5
    survey.button.click()
    assert "nomor 2, 3" in survey.feedback.value and service.calls == []
    fill(survey, saran="x" * (MAX_SARAN + 1))
    survey.button.click()
    assert f"paling banyak {MAX_SARAN} karakter" in survey.feedback.value
    assert service.calls == []
    fill(survey, saran="x" * MAX_SARAN)
    survey.button.click()
    assert len(service.calls) == 1


@pytest.mark.parametrize("status", [503, 409, 401, 404, 429])
def test_an_answer_the_service_cannot_take_now_is_kept_and_sent_later(tmp_path, status):
    service = FakeService(status, 200)
    survey = SurveiReaksi(MODULE, pengirim=sender(tmp_path, service))
    fill(survey, relevance=2)
    survey.button.click()
    assert survey.outcome == KEPT and "tersimpan di komputer ini" in survey.feedback.value
    assert [e["module"] for e in survey.pengirim.pending.read()] == [MODULE]
    again = SurveiReaksi(MODULE, pengirim=sender(tmp_path, service))  # shown again: sent
    assert service.calls[-1][2]["relevance"] == 2
    assert again.pengirim.pending.read() == []


def test_a_new_answer_replaces_the_pending_one(tmp_path):
    service = FakeService(fail=True)
    pengirim = sender(tmp_path, service)
    survey = SurveiReaksi(MODULE, pengirim=pengirim)
    fill(survey, relevance=1)
    survey.button.click()
    fill(survey, relevance=5)
    survey.button.click()
    assert [e["answer"]["relevance"] for e in pengirim.pending.read()] == [5]
    service.fail = False
    assert pengirim.flush() == {MODULE: (DELIVERED, "")}
    assert service.calls[-1][2]["relevance"] == 5 and pengirim.pending.read() == []


def test_a_refused_answer_is_dropped_with_the_services_reason(tmp_path):
    service = FakeService(400, message="modul 'x' tidak ada dalam katalog")
    survey = SurveiReaksi(MODULE, pengirim=sender(tmp_path, service))
    fill(survey)
    survey.button.click()
    assert survey.outcome == REJECTED
    assert "tidak ada dalam katalog" in survey.feedback.value
    assert survey.pengirim.pending.read() == []


def test_without_a_service_nothing_is_read_or_sent_until_submitted(tmp_path):
    service = FakeService(200)
    pengirim = sender(tmp_path, service, configured=False)
    survey = SurveiReaksi(MODULE, pengirim=pengirim)
    assert not (tmp_path / "survei.jsonl").exists()
    fill(survey)
    survey.button.click()
    assert service.calls == [] and survey.outcome == KEPT
    assert [e["module"] for e in pengirim.pending.read()] == [MODULE]


def test_the_module_must_be_a_module_id():
    for bad in ("", "Komunikasi", "../x", None, 3):
        with pytest.raises(ValueError, match="tidak valid"):
            SurveiReaksi(bad, pengirim=PengirimSurvei("", "", "/nonexistent/s.jsonl"))


def test_clean_saran_keeps_line_breaks_and_drops_control_characters():
    assert clean_saran(" a\r\nb\rc\td\x00e\x1b ") == "a\nb\nc\tde"
    assert clean_saran(None) == ""


# ---- where it appears: under the "done" button of the module's last lesson -----------


def write_module(folder, lessons, module=MODULE):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "module.yaml").write_text(yaml.safe_dump(
        {"id": module, "lessons": [{"id": lesson} for lesson in lessons]}), encoding="utf-8")


def shows_survey(done) -> bool:
    return any("belajar-survei" in child._dom_classes for child in done.widget.children)


def test_the_last_lesson_shows_the_survey_under_the_done_button(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the kernel runs in the notebook's folder
    monkeypatch.delenv("BELAJAR_MODULES_DIR", raising=False)
    write_module(tmp_path, ["01-awal", "02-akhir"])
    last = Pelajaran(MODULE, "02-akhir", client=FakeProgress()).selesai()
    assert shows_survey(last) and last.widget.children[0] is last.button
    assert not shows_survey(Pelajaran(MODULE, "01-awal", client=FakeProgress()).selesai())


def test_a_learners_lesson_asks_the_published_module(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # ~/modul/<id>/ holds the notebooks only
    monkeypatch.setenv("BELAJAR_MODULES_DIR", str(tmp_path / "publik"))
    write_module(tmp_path / "publik" / MODULE, ["01-awal", "02-akhir", "03-baru"])
    assert shows_survey(Pelajaran(MODULE, "03-baru", client=FakeProgress()).selesai())
    assert not shows_survey(Pelajaran(MODULE, "02-akhir", client=FakeProgress()).selesai())


@pytest.mark.parametrize("content", ["id: [", "- a\n- b\n", "id: modul-lain\nlessons: [{id: x}]\n",
                                     f"id: {MODULE}\nlessons: 3\n", f"id: {MODULE}\nlessons: []\n",
                                     "\xff"])
def test_without_a_readable_module_yaml_there_is_no_survey_and_no_error(tmp_path, monkeypatch,
                                                                        content):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BELAJAR_MODULES_DIR", raising=False)
    (tmp_path / "module.yaml").write_text(content, encoding="latin-1")
    done = Pelajaran(MODULE, "x", client=FakeProgress()).selesai()
    assert not shows_survey(done) and len(done.widget.children) == 2
