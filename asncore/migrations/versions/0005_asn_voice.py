"""ASN's voice (issue 11, point 3): the reaction survey at the end of a module and the
training-needs self-assessment, with the level descriptions ASN rate themselves against.

Tables:

- ``competency_levels``: what each level 1-5 of a competency looks like, seeded below with
  frozen rows: the level descriptions of the managerial and socio-cultural competencies
  of PermenPANRB 38/2017 (Lampiran, "Kamus Kompetensi"; the short deskripsi of each level,
  to be checked against the regulation's own wording by HR) and the agency's wording for
  its three technical competencies;
- ``reaction_surveys``: one answer per learner and module (Likert 1-5 x 3, a capped text);
- ``needs_assessments`` (one per learner and year) with ``needs_ratings`` (self-rated
  level per competency) and ``needs_module_requests`` (modules asked for).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen seed (2026-12-02): competency -> descriptions of levels 1..5. Never import live code.
SEED_LEVEL_DESCRIPTIONS = {
    "M.01": (  # Integritas
        "Bertindak sesuai nilai, norma, dan etika organisasi dalam kapasitas pribadi.",
        "Mengingatkan dan mengajak rekan kerja untuk bertindak sesuai nilai, norma, dan "
        "etika organisasi.",
        "Memastikan dan menanamkan keyakinan bersama agar anggota yang dipimpin bertindak "
        "sesuai nilai, norma, dan etika organisasi, dalam lingkup formal.",
        "Menciptakan situasi kerja yang membuat rekan kerja patuh pada nilai, norma, dan "
        "etika organisasi dalam segala situasi dan kondisi.",
        "Menjadi teladan (role model) dalam penerapan standar keadilan dan etika di tingkat "
        "nasional.",
    ),
    "M.02": (  # Kerjasama
        "Berpartisipasi dalam kelompok kerja.",
        "Menumbuhkan tim kerja yang partisipatif dan efektif.",
        "Efektif membangun tim kerja untuk peningkatan kinerja organisasi.",
        "Membangun komitmen dan sinergi tim.",
        "Menciptakan situasi kerja sama secara konsisten, baik di dalam maupun di luar "
        "instansi.",
    ),
    "M.03": (  # Komunikasi
        "Menyampaikan informasi dengan jelas, lengkap, dan dengan pemahaman yang sama.",
        "Aktif berkomunikasi secara formal dan informal; bersedia mendengarkan orang lain, "
        "menafsirkan pesan dengan tanggapan yang sesuai, menyusun materi presentasi, naskah, "
        "dan laporan.",
        "Berkomunikasi secara asertif; terampil berkomunikasi lisan dan tertulis untuk "
        "menyampaikan informasi yang sensitif, rumit, atau kompleks.",
        "Mengemukakan pemikiran multidimensi secara lisan dan tertulis untuk mendorong "
        "kesepakatan demi meningkatkan kinerja secara keseluruhan.",
        "Menggagas sistem komunikasi yang terbuka secara strategis untuk mencari solusi "
        "demi meningkatkan kinerja.",
    ),
    "M.04": (  # Orientasi pada Hasil
        "Bertanggung jawab untuk memenuhi standar kerja.",
        "Berupaya meningkatkan hasil kerja pribadi di atas standar yang ditetapkan; mencari "
        "dan mencoba metode lain untuk peningkatan kinerja.",
        "Menetapkan target kerja yang menantang bagi unit kerja; memberi apresiasi dan "
        "teguran untuk mendorong kinerja.",
        "Mendorong unit kerja mencapai target yang ditetapkan atau melebihi hasil kerja "
        "sebelumnya.",
        "Menciptakan budaya kerja yang mendorong organisasi mencapai kinerja tinggi secara "
        "berkelanjutan.",
    ),
    "M.05": (  # Pelayanan Publik
        "Menjalankan tugas pelayanan publik secara bertanggung jawab, etis, dan objektif.",
        "Menyelia dan menjelaskan proses pelaksanaan tugas pemerintahan dan pelayanan publik "
        "secara transparan.",
        "Memanfaatkan kekuatan kelompok serta memperbaiki standar pelayanan publik di "
        "lingkup unit kerja.",
        "Memantau, mengevaluasi, dan mengantisipasi dampak isu jangka panjang terhadap "
        "pelayanan kebutuhan pemangku kepentingan secara transparan, objektif, dan "
        "profesional.",
        "Menciptakan kebijakan pelayanan publik yang menjamin pelayanan yang objektif, "
        "netral, tidak memihak, dan tidak diskriminatif.",
    ),
    "M.06": (  # Pengembangan Diri dan Orang Lain
        "Mengembangkan diri sendiri.",
        "Meningkatkan kemampuan bawahan dengan memberi contoh dan penjelasan cara "
        "melaksanakan suatu pekerjaan.",
        "Memberikan umpan balik dan membimbing.",
        "Menyusun program pengembangan jangka panjang untuk mendorong manajemen "
        "pembelajaran.",
        "Menciptakan situasi yang mendorong organisasi mengembangkan kemampuan belajar "
        "secara berkelanjutan untuk mendukung pencapaian hasil.",
    ),
    "M.07": (  # Mengelola Perubahan
        "Menyesuaikan diri dengan perubahan.",
        "Proaktif beradaptasi mengikuti perubahan.",
        "Membantu orang lain mengikuti perubahan dan mengantisipasi perubahan secara tepat.",
        "Memimpin perubahan pada unit kerja.",
        "Mengelola perubahan yang berdampak luas pada organisasi.",
    ),
    "M.08": (  # Pengambilan Keputusan
        "Mengumpulkan informasi untuk bertindak sesuai kewenangan.",
        "Menganalisis masalah secara mendalam.",
        "Membandingkan berbagai alternatif dan menyeimbangkan risiko keberhasilan dalam "
        "pelaksanaan.",
        "Menyelesaikan masalah yang mengandung risiko tinggi, mengantisipasi dampak "
        "keputusan, dan menyiapkan langkah mitigasi risiko.",
        "Menghasilkan solusi dan mengambil keputusan untuk masalah jangka panjang atau "
        "strategis yang berdampak luas.",
    ),
    "SK.01": (  # Perekat Bangsa
        "Peka memahami dan menerima kemajemukan.",
        "Aktif mengembangkan sikap saling menghargai, menekankan persamaan dan persatuan.",
        "Mempromosikan dan mengembangkan sikap toleransi dan persatuan.",
        "Mendayagunakan perbedaan secara konstruktif dan kreatif untuk meningkatkan "
        "efektivitas organisasi.",
        "Menjadi wakil pemerintah dalam membangun hubungan sosial psikologis di tengah "
        "kemajemukan masyarakat.",
    ),
    "T.SPBE": (  # E-Government/SPBE (the agency's own)
        "Menggunakan aplikasi layanan dan aplikasi kerja instansi sesuai petunjuk.",
        "Melayani warga melalui kanal digital secara mandiri dan menjaga data pribadi warga.",
        "Membimbing rekan kerja dan memperbaiki proses layanan digital di unit kerja.",
        "Merancang dan memimpin penerapan layanan digital lintas unit sesuai arsitektur SPBE.",
        "Merumuskan kebijakan SPBE instansi dan menjadi rujukan penerapannya.",
    ),
    "T.PENGADUAN": (  # Pengelolaan Pengaduan (the agency's own)
        "Menerima pengaduan dengan sopan dan mencatatnya sesuai alur SP4N-LAPOR!.",
        "Memverifikasi dan menindaklanjuti pengaduan secara mandiri dalam batas waktu.",
        "Menangani pengaduan yang rumit dan membimbing rekan kerja di unit.",
        "Menganalisis pola pengaduan dan memimpin perbaikan layanan lintas unit.",
        "Merumuskan kebijakan pengelolaan pengaduan instansi.",
    ),
    "T.WAKTU": (  # Manajemen Waktu (the agency's own)
        "Menyelesaikan tugas sesuai tenggat dengan arahan atasan.",
        "Menentukan prioritas dan merencanakan pekerjaan sendiri agar tenggat layanan "
        "terpenuhi.",
        "Mengatur beban kerja dan jadwal tim agar standar waktu pelayanan tercapai.",
        "Menata proses kerja lintas unit untuk mempersingkat waktu penyelesaian layanan.",
        "Menetapkan standar waktu pelayanan instansi dan memantau pemenuhannya.",
    ),
}


def seed_level_descriptions() -> list[dict]:
    return [{"competency": code, "level": level, "description": text}
            for code, texts in SEED_LEVEL_DESCRIPTIONS.items()
            for level, text in enumerate(texts, start=1)]


def upgrade() -> None:
    levels = op.create_table(
        "competency_levels",
        sa.Column("competency", sa.String(32), sa.ForeignKey("competencies.code"),
                  primary_key=True),
        sa.Column("level", sa.Integer, primary_key=True),
        sa.Column("description", sa.String(500), nullable=False),
    )
    op.create_table(
        "reaction_surveys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("module", sa.String(64), nullable=False),
        sa.Column("module_version", sa.Integer, nullable=False),
        sa.Column("relevance", sa.Integer, nullable=False),
        sa.Column("clarity", sa.Integer, nullable=False),
        sa.Column("usefulness", sa.Integer, nullable=False),
        sa.Column("improvement", sa.String(1000), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("username", "module"),
    )
    for column in ("username", "module", "year"):
        op.create_index(f"ix_reaction_surveys_{column}", "reaction_surveys", [column])
    op.create_table(
        "needs_assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("username", "year"),
    )
    for column in ("username", "year"):
        op.create_index(f"ix_needs_assessments_{column}", "needs_assessments", [column])
    op.create_table(
        "needs_ratings",
        sa.Column("assessment_id", sa.Integer,
                  sa.ForeignKey("needs_assessments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("competency", sa.String(32), sa.ForeignKey("competencies.code"),
                  primary_key=True),
        sa.Column("level", sa.Integer, nullable=False),
    )
    op.create_table(
        "needs_module_requests",
        sa.Column("assessment_id", sa.Integer,
                  sa.ForeignKey("needs_assessments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("module", sa.String(64), primary_key=True),
    )
    # only for codes the dictionary holds (HR may have changed it since 0002)
    known = {row[0] for row in op.get_bind().execute(sa.text("SELECT code FROM competencies"))}
    op.bulk_insert(levels, [r for r in seed_level_descriptions() if r["competency"] in known])


def downgrade() -> None:
    op.drop_table("needs_module_requests")
    op.drop_table("needs_ratings")
    op.drop_table("needs_assessments")
    op.drop_table("reaction_surveys")
    op.drop_table("competency_levels")
