"""The reaction survey (Kirkpatrick level 1) at the end of a module's last lesson.

Where it appears. ``p.selesai()`` in the LAST lesson of a module shows it under the
"Tandai pelajaran selesai" button (:func:`survei_akhir_modul`): which lesson is last comes
from the module's ``module.yaml``, the one next to the notebook (the kernel's working
directory: ``courses/<id>/`` when a trainer or the checker runs it) or else the published
one (``$BELAJAR_MODULES_DIR/<id>/``, what learners' servers get). So every module gets
the survey without a cell of its own, and a lesson added at the end takes it over. It can
also be shown by hand:

    from belajar.widgets.survei_reaksi import SurveiReaksi
    SurveiReaksi(p)   # p: the lesson's Pelajaran (or the module id as a string)

Three statements rated 1-5 (relevance to the job, clarity, usefulness for the work) and
"what should be improved" (free text, at most :data:`MAX_SARAN` characters). It is not an
exercise: it gives no score, never counts for JP and is not created through a
``Pelajaran`` method, so the service's list of a lesson's exercises does not see it.

Delivery. ``PUT {KOMPETENSI_URL}/api/me/survei/<module>`` with the learner's hub token
(the service stores it for the token's owner, one answer per learner and module;
answering again replaces it). As with progress events, the answer is first written to a
private pending file next to the progress outbox (``survei.jsonl``, one line per module,
the latest answer only), then sent, after the lesson's progress events (the service takes
an answer only from someone with progress in the module). An answer is kept for another
try on a network error, 401, 403, 404, 408, 409, 429 or 5xx, and sent again when a survey
is shown or submitted; it is dropped when the service refuses it for good (another 4xx),
and the service's reason is shown.
"""

import logging
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

import ipywidgets as widgets

from belajar.outbox import Outbox
from belajar.widgets import _html
from belajar.widgets.base import Incomplete

log = logging.getLogger(__name__)

PERTANYAAN = (  # key the service stores, statement the learner rates
    ("relevance", "Materi modul ini relevan dengan tugas saya."),
    ("clarity", "Materi modul ini disampaikan dengan jelas dan mudah dipahami."),
    ("usefulness", "Yang saya pelajari berguna untuk pekerjaan saya sehari-hari."),
)
SKALA = (
    (1, "Sangat tidak setuju"),
    (2, "Tidak setuju"),
    (3, "Ragu-ragu"),
    (4, "Setuju"),
    (5, "Sangat setuju"),
)
MAX_SARAN = 1000  # = services.kompetensi.survey.MAX_IMPROVEMENT
SURVEY_PATH = "/api/me/survei/"
TIMEOUT_S = 3.0
RETRYABLE = frozenset({401, 403, 404, 408, 409, 429})
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DELIVERED, KEPT, REJECTED = "terkirim", "disimpan", "ditolak"

# transport(url, headers, json_body, timeout_s) -> (HTTP status, the service's message)
Transport = Callable[[str, Mapping[str, str], dict, float], tuple[int, str]]


def requests_transport(url: str, headers: Mapping[str, str], body: dict,
                       timeout: float) -> tuple[int, str]:
    import requests

    response = requests.put(url, json=body, headers=dict(headers), timeout=timeout)
    try:
        message = response.json().get("message", "")
    except ValueError:
        message = ""
    return response.status_code, str(message)


def clean_saran(text: str) -> str:
    """The improvement text as the service takes it: trimmed, ``\\n`` line breaks, no
    control characters but line breaks and tabs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\n\t"
                   or unicodedata.category(c) not in ("Cc", "Cs")).strip()


class PengirimSurvei:
    """Sends survey answers with the hub token, keeping those not yet delivered.

    Arguments default to the environment, as the progress client's do:
    ``KOMPETENSI_URL``, ``JUPYTERHUB_API_TOKEN`` and the directory of ``BELAJAR_OUTBOX``
    (else ``~/.belajar``)."""

    def __init__(self, base_url=None, token=None, pending_path=None,
                 transport: Transport | None = None, timeout: float = TIMEOUT_S):
        env = os.environ
        base_url = env.get("KOMPETENSI_URL", "") if base_url is None else base_url
        self.base_url = base_url.rstrip("/")
        self.token = env.get("JUPYTERHUB_API_TOKEN", "") if token is None else token
        if pending_path is None:
            outbox = Path(env.get("BELAJAR_OUTBOX") or "~/.belajar/outbox.jsonl").expanduser()
            pending_path = outbox.with_name("survei.jsonl")
        self.pending = Outbox(pending_path)
        self.timeout = timeout
        self._transport = transport or requests_transport

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.token)

    def submit(self, module: str, answer: dict) -> tuple[str, str]:
        """Keep ``answer`` as the module's pending answer, then send what is pending;
        ``(outcome, message)`` of this module's answer."""
        key = f"survei:{module}"
        try:
            self.pending.remove([key])
            self.pending.append({"event_id": key, "module": module, "answer": answer})
        except OSError as exc:
            log.warning("could not write the pending surveys %s: %s", self.pending.path, exc)
            return self._send(module, answer)
        return self.flush().get(module, (KEPT, ""))

    def flush(self) -> dict[str, tuple[str, str]]:
        """Send every pending answer; module -> (outcome, message). Never raises."""
        try:
            entries = self.pending.read()
        except OSError as exc:
            log.warning("could not read the pending surveys %s: %s", self.pending.path, exc)
            return {}
        results, done = {}, []
        for entry in entries:
            module, answer = entry.get("module"), entry.get("answer")
            if not (isinstance(module, str) and SLUG.match(module) and isinstance(answer, dict)):
                done.append(entry.get("event_id"))
                continue
            results[module] = self._send(module, answer)
            if results[module][0] != KEPT:
                done.append(entry.get("event_id"))
        if done:
            try:
                self.pending.remove(done)
            except OSError as exc:
                log.warning("could not update the pending surveys %s: %s", self.pending.path, exc)
        return results

    def _send(self, module: str, answer: dict) -> tuple[str, str]:
        if not self.configured:
            return KEPT, ""
        url = self.base_url + SURVEY_PATH + module
        try:
            status, message = self._transport(url, {"Authorization": f"token {self.token}"},
                                              answer, self.timeout)
        except Exception as exc:  # any transport failure means "try again later"
            log.info("survey not delivered (%s): kept", exc)
            return KEPT, ""
        if 200 <= status < 300:
            return DELIVERED, message
        if 400 <= status < 500 and status not in RETRYABLE:
            log.warning("the service refused the survey of %s with HTTP %d: %s", module,
                        status, message)
            return REJECTED, message
        return KEPT, message


def module_files(module: str) -> list[Path]:
    """Where the module's ``module.yaml`` may be, most specific first."""
    files = [Path.cwd() / "module.yaml"]
    published = os.environ.get("BELAJAR_MODULES_DIR")
    if published:
        files.append(Path(published) / module / "module.yaml")
    return files


def is_last_lesson(module: str, lesson: str) -> bool:
    """True when the first readable ``module.yaml`` of ``module`` lists ``lesson`` last."""
    import yaml

    for path in module_files(module):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict) or data.get("id") != module:
            continue
        lessons = data.get("lessons")
        last = lessons[-1] if isinstance(lessons, list) and lessons else None
        return isinstance(last, dict) and last.get("id") == lesson
    return False


def survei_akhir_modul(lesson) -> "SurveiReaksi | None":
    """The survey for the end of ``lesson`` (a ``Pelajaran``) when it is its module's last
    lesson, else None. Never raises: a lesson must work without it."""
    try:
        if is_last_lesson(lesson.module, lesson.lesson):
            return SurveiReaksi(lesson)
    except Exception:
        log.exception("the reaction survey could not be prepared")
    return None


class SurveiReaksi:
    """The survey widget; display it as a cell's value. ``lesson``: the lesson's
    ``Pelajaran`` (its module id, and its client to send progress first) or a module id."""

    def __init__(self, lesson, *, pengirim: PengirimSurvei | None = None):
        module = lesson if isinstance(lesson, str) else getattr(lesson, "module", None)
        if not isinstance(module, str) or not SLUG.match(module):
            raise ValueError(f"modul {module!r} tidak valid: berikan Pelajaran pelajaran ini "
                             "(p) atau id modul seperti di module.yaml.")
        self.module = module
        self._lesson = None if isinstance(lesson, str) else lesson
        self.pengirim = pengirim or PengirimSurvei()
        self.ratings = {
            key: widgets.ToggleButtons(options=[(f"{v} · {label}", v) for v, label in SKALA],
                                       value=None, style={"button_width": "auto"})
            for key, _ in PERTANYAAN
        }
        self.saran = widgets.Textarea(
            placeholder="Contoh: tambahkan contoh kasus dari loket kelurahan; latihan 3 terlalu "
                        "panjang.", layout=widgets.Layout(width="100%", height="6em"))
        self.button = widgets.Button(description="Kirim survei", button_style="primary",
                                     icon="paper-plane", tooltip="Kirim jawaban survei Anda")
        self.button.on_click(self._submit)
        self.feedback = widgets.HTML()
        rows = []
        for number, (key, statement) in enumerate(PERTANYAAN, start=1):
            rows += [widgets.HTML(f"<b>{number}.</b> {_html.esc(statement)}"), self.ratings[key]]
        self.widget = widgets.VBox([
            widgets.HTML(_html.title("Survei reaksi: bagaimana modul ini bagi Anda?")),
            widgets.HTML(_html.paragraph(
                "Modul ini sudah selesai. Mohon nilai modul ini dengan jujur; jawaban Anda "
                "dipakai untuk memperbaiki pelatihan berikutnya. SDM hanya melihat ringkasan "
                "kelompok (paling sedikit 5 orang), tanpa nama.")),
            *rows,
            widgets.HTML(f"<b>{len(PERTANYAAN) + 1}.</b> Apa yang perlu diperbaiki dari modul "
                         f"ini? (boleh dikosongkan, paling banyak {MAX_SARAN} karakter; jangan "
                         "menulis nama atau data pribadi)"),
            self.saran, self.button, self.feedback,
        ])
        self.widget.add_class("belajar-survei")
        self.outcome = None
        if self.pengirim.configured:  # answers an earlier outage kept
            self.pengirim.flush()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def answer(self) -> dict:
        """The answer as the service takes it; :class:`Incomplete` says what is missing."""
        missing = [str(n) for n, (key, _) in enumerate(PERTANYAAN, start=1)
                   if self.ratings[key].value is None]
        if missing:
            raise Incomplete(f"Silakan pilih jawaban untuk pernyataan nomor {', '.join(missing)}, "
                             "lalu klik Kirim survei.")
        text = clean_saran(self.saran.value)
        if len(text) > MAX_SARAN:
            raise Incomplete(f"Saran paling banyak {MAX_SARAN} karakter; sekarang {len(text)}. "
                             "Silakan persingkat, lalu kirim lagi.")
        return {**{key: int(self.ratings[key].value) for key, _ in PERTANYAAN},
                "improvement": text}

    def _flush_progress(self) -> None:
        """Send the lesson's pending progress first: the service takes a survey only from
        someone whose progress in the module it has received."""
        try:
            if self._lesson is not None:
                client = self._lesson.client
            else:
                from belajar.progress import default_client

                client = default_client()
            flush = getattr(client, "flush", None)
            if flush is not None:
                flush()
        except Exception:  # progress must never break the survey
            log.exception("flushing progress events before the survey failed")

    def _submit(self, _button=None):
        try:
            answer = self.answer()
        except Incomplete as exc:
            self.feedback.value = _html.notice(str(exc))
            return
        if self.pengirim.configured:
            self._flush_progress()
        self.outcome, message = self.pengirim.submit(self.module, answer)
        self.feedback.value = self._message(self.outcome, message)

    @staticmethod
    def _message(outcome: str, message: str) -> str:
        if outcome == DELIVERED:
            return _html.box("ok", "Terima kasih! Jawaban survei Anda sudah tersimpan.",
                             _html.paragraph("Anda dapat mengubahnya: ubah jawaban lalu klik "
                                             "Kirim survei lagi."))
        if outcome == REJECTED:
            return _html.box("wrong", "Jawaban survei belum dapat disimpan.",
                             _html.paragraph(message or "Layanan menolak jawaban ini."),
                             _html.paragraph("Perbaiki jawaban lalu kirim lagi."))
        return _html.box("info", "Terima kasih! Jawaban Anda tersimpan di komputer ini.",
                         _html.paragraph("Jawaban akan dikirim otomatis saat layanan tersedia "
                                         "(ketika survei ini dibuka atau dikirim lagi). Anda "
                                         "tidak perlu melakukan apa pun."))
