"""``asn-ambon grading SUBCOMMAND ASSIGNMENT --course-dir PATH [options]``
(``python -m grading ...`` is the same).

Works on any nbgrader course directory. Each subcommand is a thin call into nbgrader's
API or into this package; messages in Bahasa Indonesia first; exit codes as in
:mod:`asncore.commands` (1 also when a submission was flagged).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from asncore.commands import CannotRun, CommandFailed, settings_of

from . import attempts
from .report import ProgressBar, table

HIDDEN_MARK = "BEGIN HIDDEN TESTS"


class GradingError(CommandFailed):
    pass


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """``grading <subcommand>``."""
    grading = subparsers.add_parser("grading", help="penilaian nbgrader / nbgrader grading")
    add_grading_commands(grading.add_subparsers(dest="grading_command", required=True))


def add_grading_commands(sub: argparse._SubParsersAction) -> None:
    """The subcommands (``python -m grading`` registers them at the top)."""

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.set_defaults(run=run, grading_command=name)
        p.add_argument("assignment")
        p.add_argument("--course-dir", required=True, type=Path)
        p.add_argument("--course-id", help="nbgrader course id (default: from nbgrader_config.py)")
        p.add_argument("--exchange", help="exchange root (default: nbgrader's)")
        return p

    command("generate", "check the competency mapping, then nbgrader generate_assignment")
    rilis = command("rilis", "generate (mapping checked against --kode) and release in one run")
    rilis.add_argument("--kode", required=True,
                       help="the dictionary's competency codes, comma-separated (for a grader "
                       "account, which cannot read the platform database)")
    command("release", "release the assignment to the exchange")
    collect = command("collect", "collect submissions, keeping every attempt")
    collect.add_argument("--counts", choices=attempts.COUNTS, default="latest",
                         help="which attempt is graded (all are kept under attempts/)")
    auto = command("autograde", "grade submissions in parallel, sandboxed")
    auto.add_argument("--workers", type=int, default=2)
    auto.add_argument("--sandbox-user", help="Unix user that runs student code")
    auto.add_argument("--cell-timeout", type=int, default=30)
    auto.add_argument("--force", action="store_true", help="regrade already autograded submissions")
    auto.add_argument("--student", action="append", dest="students")
    command("feedback", "generate feedback (without hidden tests) and release it")
    sync = command("sync", "push item scores and competencies to the platform database")
    sync.add_argument("--platform-url", help="SQLAlchemy URL (default: from settings.yaml)")
    command("status", "who submitted, autograded, needs manual grading, scores")
    analysis = sub.add_parser("analisis-butir", help="analisis butir untuk pelatih: kesukaran, daya "
                              "beda, pengecoh, KR-20, pre/post (item analysis)")
    analysis.add_argument("assignment")
    analysis.add_argument("--course-dir", required=True, type=Path)
    analysis.add_argument("--xlsx", type=Path, help="tulis juga buku kerja XLSX ke berkas ini")
    analysis.add_argument("--tabel-butir", type=Path,
                          help="tabel bentuk paralel pre/post (default: <course-dir>/README-butir.md)")
    analysis.add_argument("--json", action="store_true", help="cetak hasil sebagai JSON")
    analysis.set_defaults(run=run_item_analysis, grading_command="analisis-butir")
    check = sub.add_parser("periksa-butir", help="periksa isyarat kunci dan bukti level butir "
                           "(item cue and evidence check of a course or an assignment)")
    check.add_argument("path", type=Path, help="assessments/<course> atau .../source/<assignment>")
    check.set_defaults(run=run_item_check, grading_command="periksa-butir")


def _course_id(api, args) -> str:
    course_id = args.course_id or api.coursedir.course_id
    if not course_id:
        raise GradingError("course id tidak diketahui: beri --course-id atau CourseDirectory.course_id")
    return course_id


def _check(result: dict, what: str) -> None:
    if not result.get("success"):
        raise GradingError(f"{what} gagal:\n{result.get('log')}\n{result.get('error')}")


def cmd_generate(api, args, codes=None) -> int:
    source = args.course_dir / "source"
    if any(source.glob("*/kompetensi.yaml")):
        from .mapping import mapping_errors

        if codes is None:
            from asncore.competencies import known_codes

            codes = known_codes(settings_of(args)["database"]["platform_url"])
        errors = mapping_errors(source / args.assignment, codes)
        if errors:
            raise GradingError("pemetaan kompetensi tidak valid:\n  " + "\n  ".join(errors))
    else:
        print("catatan: kursus ini tanpa kompetensi.yaml; pemetaan tidak diperiksa", file=sys.stderr)
    from .cues import cue_errors

    errors = cue_errors(source / args.assignment)
    if errors:
        raise GradingError("butir pilihan ganda memberi isyarat kunci:\n  " + "\n  ".join(errors))
    _check(api.generate_assignment(args.assignment, force=True), "generate")
    print(f"{args.assignment}: dibuat di {api.coursedir.format_path('release', '.', args.assignment)}")
    return 0


def cmd_release(api, args) -> int:
    _check(api.release_assignment(args.assignment), "release")
    print(f"{args.assignment}: dirilis ke {api.exchange_root}")
    return 0


def _attempt_count(course_dir: Path, assignment: str) -> int:
    return sum(1 for p in course_dir.glob(f"attempts/*/{assignment}/*")
               if not p.name.endswith(".partial"))


def cmd_rilis(api, args) -> int:
    """``generate`` then ``release``: the trainer page runs it as the course's grader."""
    cmd_generate(api, args, codes=frozenset(c for c in args.kode.split(",") if c))
    return cmd_release(api, args)


def cmd_collect(api, args) -> int:
    inbound = Path(api.exchange_root) / _course_id(api, args) / "inbound"
    before = _attempt_count(args.course_dir, args.assignment)
    factory = api.config.get("ExchangeFactory", {})
    hardened = "HardenedCollect" in str(factory.get("collect", ""))
    if not hardened:
        # stock collect (a course without the platform's config): keep the attempts here,
        # never following links; HardenedCollect archives only the owner-checked ones itself
        print("peringatan: kursus ini tidak memakai grading.exchange.HardenedCollect; "
              "pemilik kiriman tidak diperiksa", file=sys.stderr)
        attempts.archive(args.course_dir, inbound, args.assignment)
    result = api.collect(args.assignment)
    _check(result, "collect")
    changed = attempts.apply_counting_rule(args.course_dir, args.assignment, args.counts)
    kept = _attempt_count(args.course_dir, args.assignment) - before
    print(f"{args.assignment}: {kept} percobaan baru disimpan di attempts/; "
          f"dinilai: percobaan '{args.counts}' ({len(changed)} diganti)")
    refused = [line for line in (result.get("log") or "").splitlines() if "ditolak" in line]
    for line in refused:
        print(line, file=sys.stderr)
    return 1 if refused else 0


def cmd_autograde(api, args) -> int:
    from .autograde import autograde

    results = autograde(
        args.course_dir, args.assignment, students=args.students, workers=args.workers,
        sandbox_user=args.sandbox_user, cell_timeout=args.cell_timeout, force=args.force,
        progress=ProgressBar(f"autograde {args.assignment}"),
        announce=lambda line: print(line, file=sys.stderr),
    )
    table(["peserta", "status", "nilai", "maks", "alasan"],
          [[r.student, r.status, r.score, r.max_score, r.reason or ""] for r in results])
    return 1 if any(r.status == "flagged" for r in results) else 0


def cmd_feedback(api, args) -> int:
    _check(api.generate_feedback(args.assignment), "generate feedback")
    leaked = [p for p in (args.course_dir / "feedback").glob(f"*/{args.assignment}/*.html")
              if HIDDEN_MARK in p.read_text(encoding="utf-8", errors="replace")]
    if leaked:
        raise GradingError(f"umpan balik memuat tes tersembunyi, tidak dirilis: {leaked}")
    _check(api.release_feedback(args.assignment), "release feedback")
    print(f"{args.assignment}: umpan balik dirilis (tanpa tes tersembunyi)")
    return 0


def cmd_sync(api, args) -> int:
    from .sync import sync

    url = args.platform_url or settings_of(args)["database"]["platform_url"]
    count = sync(args.course_dir, _course_id(api, args), args.assignment, url)
    print(f"{args.assignment}: {count} nilai butir dikirim ke basis data kompetensi")
    return 0


def cmd_status(api, args) -> int:
    from .gradebook import STATUS_LABELS, assignment_overview

    rows = assignment_overview(args.course_dir, args.assignment)
    table(["peserta", "status", "nilai", "maks", "perlu manual", "waktu kumpul"],
          [[r.student, STATUS_LABELS[r.status], r.score, r.max_score, r.needs_manual, r.timestamp]
           for r in rows])
    return 0


COMMANDS = {
    "generate": cmd_generate, "rilis": cmd_rilis, "release": cmd_release, "collect": cmd_collect,
    "autograde": cmd_autograde, "feedback": cmd_feedback, "sync": cmd_sync, "status": cmd_status,
}


def run_item_check(args: argparse.Namespace) -> int:
    """``periksa-butir PATH``: the cue check (:mod:`grading.cues`) and the mapping's
    authoring rules (:func:`grading.mapping.evidence_errors`) of every assignment of a
    course (``PATH/source/*``) or of one assignment folder. Needs no settings or database
    (the codes are checked by ``generate``). Prints one line per test, then one line per
    problem, ``<file>: <grade_id>: <reason>`` with paths relative to PATH; exit 1 on any."""
    from .cues import notebook_errors, read_items, summary
    from .mapping import MAPPING_FILE, evidence_errors

    root = args.path
    if not root.is_dir():
        raise CannotRun(f"{root}: folder tidak ada")
    source = root / "source"
    folders = (sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))
               if source.is_dir() else [root])
    problems = []
    for folder in folders:
        prefix = folder.relative_to(root).as_posix() + "/" if folder != root else ""
        tests, errors = read_items(folder)
        for notebook, items in tests.items():
            print(f"{prefix}{notebook}: {summary(items)}")
            errors += notebook_errors(items)
        if (folder / MAPPING_FILE).is_file():
            errors += evidence_errors(folder)
        problems += [prefix + e for e in errors]
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"GAGAL (failed): {len(problems)} masalah butir (item problems)", file=sys.stderr)
        return 1
    print("butir: tidak ada masalah (no item problems)")
    return 0


def run_item_analysis(args: argparse.Namespace) -> int:
    """``analisis-butir``: :mod:`grading.itemanalysis_cmd` (reads the course, needs no
    nbgrader API)."""
    from .itemanalysis_cmd import run as run_analysis

    return run_analysis(args)


def run(args: argparse.Namespace) -> int:
    args.course_dir = args.course_dir.resolve()
    if not args.course_dir.is_dir():
        raise CannotRun(f"{args.course_dir}: direktori kursus tidak ada")
    from .course import open_api

    # nbgrader resolves relative paths in a course's config against the working directory,
    # and runs `alembic` (of this interpreter's environment) when it creates a gradebook
    os.chdir(args.course_dir)
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    try:
        api = open_api(args.course_dir, args.course_id, args.exchange)
        return COMMANDS[args.grading_command](api, args)
    finally:
        restore_ownership(args.course_dir)


def restore_ownership(course_dir: Path) -> None:
    """Run as root on a course owned by its grader, leave nothing root-owned behind
    (the course's formgrader runs as the grader and must keep working on these files)."""
    owner = course_dir.stat()
    if os.geteuid() != 0 or owner.st_uid == 0:
        return
    for dirpath, dirnames, filenames in os.walk(course_dir):
        for name in [*dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if st.st_uid != owner.st_uid:
                os.lchown(path, owner.st_uid, owner.st_gid)
