"""``grading analisis-butir ASSIGNMENT --course-dir DIR [--xlsx OUT] [--tabel-butir FILE]
[--json]``: the item analysis of one assignment (:mod:`grading.itemanalysis`) in the
terminal, as JSON, or as a workbook. Reads the course, writes only ``--xlsx``."""

from __future__ import annotations

import argparse
import json
import sys

from asncore.commands import CannotRun, CommandFailed

from .itemanalysis import FLAG_LABELS, KIND_LABELS, Analysis, number_text
from .report import table


def print_analysis(a: Analysis, out=None) -> None:
    out = out or sys.stdout
    t = a.total
    kind = KIND_LABELS.get(a.kind, a.kind)
    out.write(f"Analisis butir: {a.course} / {a.assignment}"
              f"{'' if kind == a.assignment else f' ({kind})'}\n")
    out.write(f"Peserta dihitung: {t.n_learners}; kiriman belum selesai dinilai: {a.excluded}\n")
    out.write(f"Skor rata-rata {number_text(t.mean)} dari {number_text(t.max_total, 0)}, simpangan baku "
              f"{number_text(t.sd)}; reliabilitas ({t.reliability_method}) {number_text(t.reliability)}; "
              f"SEM {number_text(t.sem)} poin\n\n")
    table(["no", "butir", "maks", "p", "r pbis", "atas", "bawah", "D", "kunci", "tanda"],
          [[s.position, s.grade_id, number_text(s.max_score, 0), number_text(s.difficulty),
            number_text(s.point_biserial), number_text(s.upper), number_text(s.lower),
            number_text(s.upper_lower), s.key or "", "; ".join(FLAG_LABELS[f] for f in s.flags)]
           for s in a.items], out)
    options = [[s.grade_id, o.option + (" (kunci)" if o.is_key else ""), o.count,
                number_text(o.share), number_text(o.upper_share), number_text(o.lower_share)]
               for s in a.items for o in s.options]
    if options:
        out.write("\nPengecoh (jumlah pemilih; proporsi semua peserta, kelompok atas, kelompok bawah)\n")
        table(["butir", "pilihan", "jumlah", "proporsi", "atas", "bawah"], options, out)
    if a.pre_post:
        b = a.pre_post
        out.write(f"\nPre/post: {b.pre_assignment} ({b.n_pre} peserta) dan {b.post_assignment} "
                  f"({b.n_post} peserta), pasangan butir {b.pairing}\n")
        table(["tujuan", "butir pre", "butir post", "p pre", "p post", "perubahan"],
              [[r.objective, r.pre_item, r.post_item, number_text(r.p_pre), number_text(r.p_post),
                number_text(r.change)] for r in b.rows], out)
    flagged = sum(1 for s in a.items if s.flags)
    out.write(f"\nButir bertanda: {flagged} dari {len(a.items)}\n")
    for note in a.notes:
        out.write(f"catatan: {note}\n")


def run(args: argparse.Namespace) -> int:
    from .itemanalysis_load import analyse_assignment

    course_dir = args.course_dir.resolve()
    if not course_dir.is_dir():
        raise CannotRun(f"{course_dir}: direktori kursus tidak ada")
    name = args.assignment
    if "/" in name or name in (".", "..") or not (course_dir / "source" / name).is_dir():
        raise CommandFailed(f"tugas '{name}' tidak ada di {course_dir / 'source'}: "
                            f"tulis nama folder tugas, mis. pre-test")
    if args.tabel_butir is not None and not args.tabel_butir.is_file():
        raise CannotRun(f"{args.tabel_butir}: berkas tabel butir tidak ada")
    analysis = analyse_assignment(course_dir, name, pairs_file=args.tabel_butir)
    if args.json:
        json.dump(analysis.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print_analysis(analysis)
    if args.xlsx is not None:
        from .itemanalysis_xlsx import write_xlsx

        path = write_xlsx(analysis, args.xlsx)
        print(f"buku kerja XLSX: {path}", file=sys.stderr)
    return 0
