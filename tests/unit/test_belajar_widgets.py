"""Drive every exercise widget as a learner would (set values, click) without a browser."""

import html

import pytest

from asncore.events import FIELDS
from belajar.lesson import Pelajaran
from belajar.widgets import CekMandiri, IsianBebas, Matriks, PilihanGanda, Skenario, Urutkan
from belajar.widgets.urutkan import pairwise_order_score

MODULE, LESSON = "komunikasi-pelayanan", "01-mendengar-aktif"


class FakeClient:
    def __init__(self, delivered=True):
        self.events = []
        self.delivered = delivered

    def send(self, event):
        self.events.append(event)
        return self.delivered

    def flush(self):
        return self.delivered


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def client():
    return FakeClient()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def lesson(client, clock):
    return Pelajaran(MODULE, LESSON, client=client, clock=clock)


def assert_event(event, exercise, score, kind="exercise"):
    assert set(event) == set(FIELDS)  # exactly these keys: no user name, ever
    assert event["kind"] == kind
    assert event["module"] == MODULE
    assert event["lesson"] == LESSON
    assert event["exercise"] == exercise
    assert event["score"] == pytest.approx(score)
    assert len(event["event_id"]) == 32
    assert event["client_ts"].endswith("+00:00")


# --- PilihanGanda -------------------------------------------------------------------

SIKAP = dict(
    question="Seorang warga mengeluh antrean lama. Apa langkah pertama yang paling tepat?",
    options=["Menjelaskan aturan antrean", "Mendengarkan keluhannya sampai selesai",
             "Memanggil atasan"],
    correct=1,
    explanations=["Penjelasan aturan terasa membela diri sebelum warga merasa didengar.",
                  "Mendengar aktif membuat warga merasa dihargai dan meredakan emosi.",
                  "Eskalasi terlalu dini; petugas di loket masih dapat menangani."],
)


def make_pg(lesson, **changes):
    return lesson.pilihan_ganda("sikap-awal", **{**SIKAP, **changes})


def test_pilihan_ganda_without_choice_asks_to_choose(lesson, client):
    pg = make_pg(lesson)
    pg.button.click()
    assert "pilih salah satu jawaban" in pg.feedback.value
    assert pg.score is None
    assert client.events == []


def test_pilihan_ganda_wrong_then_right(lesson, client, clock):
    pg = make_pg(lesson)
    clock.now += 42
    pg.choice.value = 0
    pg.button.click()
    assert pg.score == 0.0
    assert "Belum tepat" in pg.feedback.value
    assert html.escape(SIKAP["explanations"][0]) in pg.feedback.value
    assert html.escape(SIKAP["explanations"][1]) not in pg.feedback.value  # answer not revealed
    assert len(client.events) == 1
    assert_event(client.events[0], "sikap-awal", 0.0)
    assert client.events[0]["duration_s"] == 42.0

    clock.now += 10
    pg.choice.value = 1
    pg.button.click()
    assert pg.score == 1.0 and pg.best_score == 1.0 and pg.attempts == 2
    assert "Tepat sekali" in pg.feedback.value
    assert SIKAP["explanations"][1] in pg.feedback.value
    assert len(client.events) == 2  # improved: sent again
    assert_event(client.events[1], "sikap-awal", 1.0)
    assert client.events[1]["duration_s"] == 52.0
    assert client.events[0]["event_id"] != client.events[1]["event_id"]


def test_pilihan_ganda_retry_without_improvement_sends_nothing(lesson, client):
    pg = make_pg(lesson)
    pg.choice.value = 1
    pg.button.click()
    pg.choice.value = 2
    pg.button.click()
    pg.choice.value = 1
    pg.button.click()
    assert pg.score == 1.0
    assert [e["score"] for e in client.events] == [1.0]


def test_display_restarts_the_timer(lesson, client, clock):
    pg = make_pg(lesson)
    clock.now += 300  # created long before it was shown
    bundle = pg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    clock.now += 5
    pg.choice.value = 1
    pg.button.click()
    assert client.events[0]["duration_s"] == 5.0


@pytest.mark.parametrize("changes, message", [
    ({"correct": 3}, "correct=3 di luar rentang"),
    ({"correct": -1}, "di luar rentang"),
    ({"correct": True}, "di luar rentang"),
    ({"explanations": ["a", "b"]}, "explanations berisi 2 butir"),
    ({"options": ["x", "x", "y"]}, "butir ganda"),
    ({"options": ["hanya satu"], "explanations": ["a"], "correct": 0}, "minimal 2 butir"),
    ({"question": "  "}, "question harus berupa teks"),
])
def test_pilihan_ganda_rejects_bad_arguments(lesson, changes, message):
    with pytest.raises(ValueError, match=message):
        make_pg(lesson, **changes)


def test_bad_exercise_id_is_rejected():
    with pytest.raises(ValueError, match="exercise_id"):
        PilihanGanda("latihan satu", **SIKAP)


def test_widget_works_without_a_lesson():
    pg = PilihanGanda("mandiri", **SIKAP)
    pg.choice.value = 1
    pg.button.click()
    assert pg.score == 1.0


# --- Skenario -----------------------------------------------------------------------

DUKCAPIL = dict(
    steps={
        "awal": {
            "situation": "Seorang warga membentak di loket Dukcapil: KTP-el saya belum jadi!",
            "choices": [
                {"label": "Mendengarkan dan meminta maaf atas ketidaknyamanannya",
                 "next": "tenang", "note": "Warga mulai menurunkan suaranya."},
                {"label": "Meminta warga berbicara pelan atau keluar", "next": "ribut"},
            ],
        },
        "tenang": {
            "situation": "Warga menunjukkan bukti pendaftaran tiga bulan lalu.",
            "choices": [
                {"label": "Memeriksa status berkas dan memberi tanggal jadi yang pasti",
                 "next": "tuntas"},
                {"label": "Menyarankan datang lagi minggu depan", "next": "mengambang"},
            ],
        },
    },
    endings={
        "tuntas": {"score": 1.0, "title": "Masalah selesai",
                   "explanation": "Warga mendapat kepastian; kepercayaan pulih."},
        "mengambang": {"score": 0.5, "explanation": "Emosi reda, tetapi tanpa kepastian."},
        "ribut": {"score": 0.0, "explanation": "Menegur warga yang marah memperburuk situasi."},
    },
)


def test_skenario_good_path(lesson, client):
    sk = lesson.skenario("warga-marah", **DUKCAPIL)
    assert "membentak" in sk.situation.value
    sk.choices.value = 0
    sk.button.click()
    assert sk.current == "tenang" and not sk.finished
    assert "Warga mulai menurunkan suaranya." in sk.feedback.value
    assert "bukti pendaftaran" in sk.situation.value
    assert client.events == []
    sk.choices.value = 0
    sk.button.click()
    assert sk.finished and sk.ending == "tuntas"
    assert sk.score == 1.0
    assert "Masalah selesai" in sk.feedback.value
    assert "kepercayaan pulih" in sk.feedback.value
    assert "Memeriksa status berkas" in sk.feedback.value  # the path recap
    assert_event(client.events[0], "warga-marah", 1.0)


def test_skenario_bad_path_then_restart_improves(lesson, client):
    sk = lesson.skenario("warga-marah", **DUKCAPIL)
    sk.choices.value = 1
    sk.button.click()
    assert sk.ending == "ribut" and sk.score == 0.0
    assert "memperburuk situasi" in sk.feedback.value
    assert sk.restart_button.layout.display is None
    sk.button.click()  # ignored once finished
    assert len(client.events) == 1
    sk.restart_button.click()
    assert sk.current == "awal" and sk.path == [] and sk.feedback.value == ""
    sk.choices.value = 0
    sk.button.click()
    sk.choices.value = 1
    sk.button.click()
    assert sk.ending == "mengambang" and sk.score == 0.5 and sk.best_score == 0.5
    assert "tanpa kepastian" in sk.feedback.value
    assert [e["score"] for e in client.events] == [0.0, 0.5]


def test_skenario_requires_a_choice(lesson, client):
    sk = lesson.skenario("warga-marah", **DUKCAPIL)
    sk.button.click()
    assert "pilih salah satu tindakan" in sk.feedback.value
    assert sk.current == "awal"


def _bad_dukcapil(**override):
    data = {"steps": {k: {**v, "choices": [dict(c) for c in v["choices"]]}
                      for k, v in DUKCAPIL["steps"].items()},
            "endings": {k: dict(v) for k, v in DUKCAPIL["endings"].items()}}
    for path, value in override.items():
        target = data
        *parents, last = path.split("/")
        for key in parents:
            target = target[int(key) if key.isdigit() else key]
        target[last] = value
    return data


@pytest.mark.parametrize("override, message", [
    ({"steps/awal/choices/1/next": "hilang"}, "'hilang', yang bukan langkah maupun akhir"),
    ({"endings/tuntas/score": 1.5}, r"\['score'\] harus berupa angka antara 0 dan 1"),
    ({"steps/awal/choices/1/nxt": "ribut"}, "kunci yang tidak dikenal"),
    ({"steps/tenang/choices": [{"label": "Kembali", "next": "tenang"}]},
     "tidak dapat dicapai"),
    ({"endings/awal": {"score": 0, "explanation": "x"}}, "langkah dan sekaligus akhir"),
])
def test_skenario_rejects_bad_graphs(override, message):
    with pytest.raises(ValueError, match=message):
        Skenario("warga-marah", **_bad_dukcapil(**override))


def test_skenario_rejects_a_loop_without_ending():
    steps = {"a": {"situation": "A", "choices": [{"label": "ke b", "next": "b"},
                                                 {"label": "selesai", "next": "akhir"}]},
             "b": {"situation": "B", "choices": [{"label": "ke c", "next": "c"}]},
             "c": {"situation": "C", "choices": [{"label": "ke b", "next": "b"}]}}
    with pytest.raises(ValueError, match=r"dari langkah \['b', 'c'\] tidak ada jalan"):
        Skenario("putar", steps, {"akhir": {"score": 1, "explanation": "x"}})


def test_skenario_rejects_unknown_start():
    with pytest.raises(ValueError, match="start='mulai' bukan id langkah"):
        Skenario("s", **DUKCAPIL, start="mulai")


# --- Urutkan ------------------------------------------------------------------------

LAPOR = ["Laporan diterima", "Verifikasi (3 hari kerja)", "Diteruskan ke OPD",
         "Tindak lanjut (5 hari kerja)", "Laporan ditutup"]
LAPOR_WHY = ["Semua laporan masuk lebih dulu.", "Admin memverifikasi dalam 3 hari kerja.",
             "Setelah terverifikasi, laporan diteruskan ke OPD berwenang.",
             "OPD menindaklanjuti dalam 5 hari kerja.", "Laporan ditutup setelah tuntas."]


def make_urutkan(lesson, **kwargs):
    return lesson.urutkan("alur-lapor", "Urutkan alur SP4N-LAPOR!", LAPOR, LAPOR_WHY, **kwargs)


def set_order(exercise, order):
    for position, item in enumerate(order):
        exercise.positions[position].value = item


def test_urutkan_shuffle_is_deterministic_and_never_the_answer(lesson):
    first, again = make_urutkan(lesson), make_urutkan(lesson)
    assert first.order == again.order == first.shuffled
    assert first.order != LAPOR
    assert sorted(first.order) == sorted(LAPOR)
    assert make_urutkan(lesson, seed=7).order != LAPOR
    two = Urutkan("dua", "?", ["a", "b"], seed=0)
    assert two.order == ["b", "a"]


def test_urutkan_choosing_an_item_swaps_it(lesson):
    ex = make_urutkan(lesson)
    before = ex.order
    ex.positions[0].value = before[3]
    assert ex.order[0] == before[3] and ex.order[3] == before[0]
    assert sorted(ex.order) == sorted(LAPOR)


def test_urutkan_right_order_scores_one(lesson, client):
    ex = make_urutkan(lesson)
    set_order(ex, LAPOR)
    assert ex.order == LAPOR
    ex.button.click()
    assert ex.score == 1.0
    assert "sudah tepat" in ex.feedback.value
    assert "5 dari 5 item" in ex.feedback.value
    assert_event(client.events[0], "alur-lapor", 1.0)


def test_urutkan_adjacent_swap_keeps_most_pairs(lesson, client):
    ex = make_urutkan(lesson)
    order = [LAPOR[0], LAPOR[2], LAPOR[1], LAPOR[3], LAPOR[4]]
    set_order(ex, order)
    ex.button.click()
    assert ex.score == pytest.approx(9 / 10)
    assert "3 dari 5 item" in ex.feedback.value
    assert "✗ 2. Diteruskan ke OPD (belum di posisi yang tepat)" in ex.feedback.value
    assert LAPOR_WHY[2] in ex.feedback.value
    assert_event(client.events[0], "alur-lapor", 0.9)


def test_pairwise_order_score():
    assert pairwise_order_score(["c", "b", "a"], ["a", "b", "c"]) == 0.0
    assert pairwise_order_score(["b", "a", "c"], ["a", "b", "c"]) == pytest.approx(2 / 3)


@pytest.mark.parametrize("items, explanations, message", [
    (["a", "a", "b"], None, "butir ganda"),
    (["a"], None, "minimal 2 butir"),
    (["a", "b"], ["hanya satu"], "explanations berisi 1 butir"),
])
def test_urutkan_rejects_bad_arguments(items, explanations, message):
    with pytest.raises(ValueError, match=message):
        Urutkan("u", "?", items, explanations)


# --- Matriks ------------------------------------------------------------------------

KUADRAN = ["Penting & mendesak", "Penting, tidak mendesak", "Tidak penting, mendesak",
           "Tidak penting, tidak mendesak"]
TUGAS = [
    {"text": "Server layanan perizinan mati saat jam pelayanan", "answer": KUADRAN[0],
     "explanation": "Warga tidak bisa dilayani sekarang: tangani segera."},
    {"text": "Menyusun SOP pelayanan baru", "answer": KUADRAN[1],
     "explanation": "Berdampak besar tetapi bisa dijadwalkan."},
    {"text": "Telepon undangan rapat seremonial", "answer": KUADRAN[2],
     "explanation": "Mendesak tetapi bisa didelegasikan."},
    {"text": "Membaca grup percakapan yang tidak terkait tugas", "answer": KUADRAN[3],
     "explanation": "Tidak berdampak pada layanan: tinggalkan."},
]


def test_matriks_requires_all_placements(lesson, client):
    mx = lesson.matriks("eisenhower", "Tempatkan tugas berikut", KUADRAN, TUGAS)
    mx.placements[0].value = KUADRAN[0]
    mx.button.click()
    assert "belum ditempatkan (nomor 2, 3, 4)" in mx.feedback.value
    assert client.events == []


def test_matriks_partial_then_full(lesson, client):
    mx = lesson.matriks("eisenhower", "Tempatkan tugas berikut", KUADRAN, TUGAS)
    for dropdown, item in zip(mx.placements, TUGAS):
        dropdown.value = item["answer"]
    mx.placements[2].value = KUADRAN[0]
    mx.button.click()
    assert mx.score == 0.75
    assert "3 dari 4 item" in mx.feedback.value
    assert "Anda menempatkan di: Penting &amp; mendesak" in mx.feedback.value
    assert "bisa didelegasikan" in mx.feedback.value
    assert_event(client.events[0], "eisenhower", 0.75)
    mx.placements[2].value = KUADRAN[2]
    mx.button.click()
    assert mx.score == 1.0
    assert "Semua item sudah ditempatkan dengan tepat" in mx.feedback.value
    assert [e["score"] for e in client.events] == [0.75, 1.0]


def test_matriks_rejects_answer_outside_categories():
    bad = TUGAS[:1] + [{**TUGAS[1], "answer": "Penting sekali"}]
    with pytest.raises(ValueError,
                       match=r"items\[1\]\['answer'\]='Penting sekali' bukan salah satu"):
        Matriks("m", "?", KUADRAN, bad)


def test_matriks_rejects_duplicate_items_and_missing_keys():
    with pytest.raises(ValueError, match="butir ganda"):
        Matriks("m", "?", KUADRAN, [TUGAS[0], dict(TUGAS[0])])
    with pytest.raises(ValueError, match=r"tidak memiliki kunci \['explanation'\]"):
        Matriks("m", "?", KUADRAN, [{"text": "x", "answer": KUADRAN[0]}])


# --- IsianBebas ---------------------------------------------------------------------

KRITERIA = [
    {"label": "Menyapa dengan sopan", "keywords": ["selamat pagi", "selamat siang", "bapak",
                                                   "ibu"], "hint": "Awali dengan salam."},
    {"label": "Meminta maaf", "keywords": ["maaf"], "hint": "Akui ketidaknyamanan warga."},
    {"label": "Memberi waktu yang pasti", "patterns": [r"\b\d+\s*(hari|jam|menit)\b"],
     "hint": "Sebutkan kapan masalah selesai, misalnya '2 hari kerja'."},
]


def make_isian(lesson, **kwargs):
    return lesson.isian_bebas("balas-keluhan", "Tulis balasan untuk keluhan warga.", KRITERIA,
                              **kwargs)


def test_isian_bebas_too_short(lesson, client):
    ex = make_isian(lesson)
    ex.text.value = "  Maaf.  "
    ex.button.click()
    assert "baru 5 karakter" in ex.feedback.value
    assert "minimal 40 karakter" in ex.feedback.value
    assert ex.score is None and client.events == []


def test_isian_bebas_partial_with_self_check_mismatch(lesson, client):
    ex = make_isian(lesson)
    ex.text.value = "Selamat pagi Ibu, kami mohon MAAF atas keterlambatan berkas Anda."
    ex.self_checks[2].value = True  # learner believes a deadline is given
    ex.button.click()
    assert ex.score == pytest.approx(2 / 3)
    assert "2 dari 3 kriteria" in ex.feedback.value
    assert "✓ <b>Meminta maaf</b>" in ex.feedback.value
    assert "✗ <b>Memberi waktu yang pasti</b>" in ex.feedback.value
    assert "misalnya &#x27;2 hari kerja&#x27;" in ex.feedback.value
    assert "Anda mencentang kriteria ini, tetapi kami belum menemukannya" in ex.feedback.value
    assert "Anda belum mencentangnya" in ex.feedback.value  # criteria 1 and 2 not ticked
    assert_event(client.events[0], "balas-keluhan", 2 / 3)


def test_isian_bebas_all_criteria(lesson, client):
    ex = make_isian(lesson, min_chars=10)
    ex.text.value = "Selamat siang Bapak, mohon maaf. KTP-el Anda selesai dalam 2 hari kerja."
    for box in ex.self_checks:
        box.value = True
    ex.button.click()
    assert ex.score == 1.0
    assert "Semua kriteria tampak terpenuhi" in ex.feedback.value
    assert "coba tuliskan" not in ex.feedback.value
    assert_event(client.events[0], "balas-keluhan", 1.0)


@pytest.mark.parametrize("criteria, message", [
    ([{"label": "x", "patterns": ["(tidak ditutup"], "hint": "h"}], "regex tidak valid"),
    ([{"label": "x", "hint": "h"}], "membutuhkan 'keywords' atau 'patterns'"),
    ([{"label": "x", "keywords": ["a"], "hint": "h"}] * 2, "butir ganda"),
    ([], "criteria harus berupa daftar yang tidak kosong"),
])
def test_isian_bebas_rejects_bad_criteria(criteria, message):
    with pytest.raises(ValueError, match=message):
        IsianBebas("i", "?", criteria)


# --- CekMandiri ---------------------------------------------------------------------

PERNYATAAN = [
    {"text": "Saya mampu mendengarkan keluhan tanpa memotong.",
     "revisit": "Pelajaran 1: Mendengar aktif"},
    "Saya mampu menyampaikan informasi dengan bahasa yang mudah dipahami.",
    {"text": "Saya mampu menenangkan warga yang marah.",
     "revisit": "Pelajaran 3: Menghadapi warga yang marah"},
]


def test_cek_mandiri_requires_every_rating(lesson, client):
    ex = lesson.cek_mandiri("cek-akhir", PERNYATAAN)
    ex.ratings[0].value = 3
    ex.button.click()
    assert "pernyataan nomor 2, 3" in ex.feedback.value
    assert client.events == []


def test_cek_mandiri_low_items_suggest_a_lesson(lesson, client):
    ex = lesson.cek_mandiri("cek-akhir", PERNYATAAN)
    for rating, value in zip(ex.ratings, [4, 1, 2]):
        rating.value = value
    ex.button.click()
    assert ex.score == pytest.approx((1 + 0 + 1 / 3) / 3)
    assert "Pelajaran 3: Menghadapi warga yang marah" in ex.feedback.value
    assert "Anda menilai 1 (Belum mampu)" in ex.feedback.value
    assert "Pelajaran 1: Mendengar aktif" not in ex.feedback.value  # rated 4
    assert_event(client.events[0], "cek-akhir", (1 + 0 + 1 / 3) / 3)


def test_cek_mandiri_all_high(lesson, client):
    ex = lesson.cek_mandiri("cek-akhir", PERNYATAAN)
    for rating in ex.ratings:
        rating.value = 4
    ex.button.click()
    assert ex.score == 1.0
    assert "Bagus!" in ex.feedback.value and "Skor cek mandiri: 100%" in ex.feedback.value


@pytest.mark.parametrize("statements, kwargs, message", [
    (["Saya mampu A", "Saya mampu A"], {}, "pernyataan ganda"),
    ([], {}, "tidak kosong"),
    ([{"text": "A", "lesson": "x"}], {}, "kunci yang tidak dikenal"),
    (["A"], {"low_threshold": 4}, "low_threshold"),
])
def test_cek_mandiri_rejects_bad_arguments(statements, kwargs, message):
    with pytest.raises(ValueError, match=message):
        CekMandiri("c", statements, **kwargs)


# --- Pelajaran and the "selesai" button ---------------------------------------------

def test_lesson_event_is_mean_of_best_scores(lesson, client, clock):
    pg = make_pg(lesson)
    mx = lesson.matriks("eisenhower", "?", KUADRAN, TUGAS)
    lesson.cek_mandiri("cek-akhir", PERNYATAAN)  # never checked: counts 0
    pg.choice.value = 1
    pg.button.click()
    for dropdown, item in zip(mx.placements, TUGAS):
        dropdown.value = item["answer"]
    mx.placements[0].value = KUADRAN[3]
    mx.button.click()
    clock.now += 600
    done = lesson.selesai()
    assert "application/vnd.jupyter.widget-view+json" in done._repr_mimebundle_()
    done.button.click()
    lesson_event = client.events[-1]
    assert_event(lesson_event, None, (1.0 + 0.75 + 0.0) / 3, kind="lesson")
    assert lesson_event["duration_s"] == 600.0
    assert "telah ditandai selesai" in done.feedback.value
    assert "2 dari 3 latihan" in done.feedback.value
    assert "Kemajuan Anda sudah tercatat" in done.feedback.value
    done.button.click()  # nothing new: no second lesson event
    assert sum(e["kind"] == "lesson" for e in client.events) == 1


def test_lesson_without_exercises_scores_zero_and_reports_offline(clock):
    client = FakeClient(delivered=False)
    lesson = Pelajaran(MODULE, LESSON, client=client, clock=clock)
    done = lesson.selesai()
    done.button.click()
    assert_event(client.events[0], None, 0.0, kind="lesson")
    assert "akan dikirim otomatis" in done.feedback.value


def test_rerun_cell_keeps_best_score(lesson, client):
    first = make_pg(lesson)
    first.choice.value = 1
    first.button.click()
    again = make_pg(lesson)  # the learner re-runs the cell
    again.choice.value = 0
    again.button.click()
    assert lesson.exercises == {"sikap-awal": again}
    assert lesson.score() == 1.0
    assert [e["score"] for e in client.events] == [1.0]


def test_a_failing_client_does_not_break_the_widget(clock):
    class Broken:
        def send(self, event):
            raise RuntimeError("boom")

    lesson = Pelajaran(MODULE, LESSON, client=Broken(), clock=clock)
    pg = make_pg(lesson)
    pg.choice.value = 1
    pg.button.click()
    assert pg.score == 1.0 and "Tepat sekali" in pg.feedback.value


@pytest.mark.parametrize("module, lesson_id", [("Komunikasi", "01"), ("ok", "01 spasi"),
                                               ("", "x")])
def test_lesson_rejects_bad_ids(module, lesson_id):
    with pytest.raises(ValueError, match="tidak valid"):
        Pelajaran(module, lesson_id, client=FakeClient())


def test_default_client_is_created_lazily(monkeypatch, tmp_path):
    import belajar.progress as progress

    monkeypatch.setattr(progress, "_default_client", None)
    monkeypatch.setenv("BELAJAR_OUTBOX", str(tmp_path / "outbox.jsonl"))
    monkeypatch.delenv("KOMPETENSI_URL", raising=False)
    lesson = Pelajaran(MODULE, LESSON)
    assert progress._default_client is None
    pg = make_pg(lesson)
    pg.choice.value = 1
    pg.button.click()
    assert progress._default_client is not None
    assert [e["exercise"] for e in progress._default_client.pending()] == ["sikap-awal"]
