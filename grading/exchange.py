"""nbgrader's exchange, hardened, for both sides: learners' servers and the course.

The platform lays the exchange out so that nothing is world-writable and the inbound
folder cannot be listed (see ``asnhub.assessments``). Stock nbgrader insists on a
world-writable root and leaves each submission 0777 behind a random name (#1225, #978); these
subclasses accept the locked-down root and make a submission readable only by its
author and the course's grader group (the inbound folder is setgid to that group).
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import stat

from nbgrader.exchange.default import (
    ExchangeCollect,
    ExchangeFetchAssignment,
    ExchangeFetchFeedback,
    ExchangeList,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
    ExchangeSubmit,
)
from traitlets import Integer, Unicode

SUBMISSION_DIR_MODE = 0o750
SUBMISSION_FILE_MODE = 0o640


class _LockedRoot:
    def ensure_root(self):
        """The root must exist and be searchable; it need not (and must not) be writable."""
        if not (os.path.isdir(self.root) and os.access(self.root, os.X_OK)):
            self.fail(f"Direktori pertukaran tidak dapat diakses (exchange not reachable): {self.root}")


class HardenedSubmit(_LockedRoot, ExchangeSubmit):
    def do_copy(self, src, dest):
        """Copy without copying modes: directories made here inherit the inbound folder's
        setgid group (shutil.copytree's copystat would drop it), so every file of the
        submission belongs to the grader's group."""
        ignore = shutil.ignore_patterns(*self.coursedir.ignore)
        for dirpath, dirnames, filenames in os.walk(src):
            skipped = ignore(dirpath, dirnames + filenames)
            dirnames[:] = [d for d in dirnames if d not in skipped]
            target = os.path.normpath(os.path.join(dest, os.path.relpath(dirpath, src)))
            os.makedirs(target, exist_ok=True)
            for name in filenames:
                if name not in skipped:
                    shutil.copyfile(os.path.join(dirpath, name), os.path.join(target, name))

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for dirpath, _dirnames, filenames in os.walk(dest):
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), SUBMISSION_FILE_MODE)
            os.chmod(dirpath, SUBMISSION_DIR_MODE)


class HardenedFetchAssignment(_LockedRoot, ExchangeFetchAssignment):
    pass


class HardenedFetchFeedback(_LockedRoot, ExchangeFetchFeedback):
    pass


class HardenedList(_LockedRoot, ExchangeList):
    pass


# The course side (formgrader, `python -m grading`) uses the same locked-down layout.


class HardenedReleaseAssignment(_LockedRoot, ExchangeReleaseAssignment):
    pass


class HardenedReleaseFeedback(_LockedRoot, ExchangeReleaseFeedback):
    pass


class HardenedCollect(_LockedRoot, ExchangeCollect):
    """Collect only submissions whose folder belongs to the Unix user of the student they
    name: a learner cannot submit in another learner's name (stock nbgrader only warns).

    Submissions are copied by `grading.safecopy`, never following links: a submission that
    holds a symlink, FIFO, device, hard link, a file or directory not owned by that learner,
    or an oversize file/notebook/folder is refused as a whole and logged as an error (stock
    copytree would copy a link's target: the answer keys, the gradebook, /dev/zero).
    One bad entry never stops the collect of the others.

    Every attempt is also kept under ``<course>/attempts/`` (stock keeps only the latest),
    and ``counts`` chooses which attempt is graded."""

    user_prefix = Unicode(
        "", config=True,
        help="Without learner_map: Unix name = user_prefix + student id (a course whose "
        "student ids are Unix names).",
    )
    learner_map = Unicode(
        "", config=True,
        help="JSON file {student id: Unix name} the platform writes for the course "
        "(asnhub.assessments.write_learner_maps); a student missing from it owns nothing.",
    )
    counts = Unicode("latest", config=True, help="Which attempt is graded: latest or first")
    max_notebook_size = Integer(10_000, config=True,
                                help="Largest notebook collected, in kilobytes")

    def _unix_user(self, student: str) -> str | None:
        if not self.learner_map:
            return f"{self.user_prefix}{student}"
        if not hasattr(self, "_learners"):
            try:
                with open(self.learner_map, encoding="utf-8") as f:
                    self._learners = json.load(f)
            except (OSError, ValueError) as e:
                self.log.error("Daftar peserta kursus tidak terbaca (learner map "
                               "unreadable): %s", e)
                self._learners = {}
        name = self._learners.get(student)
        return name if isinstance(name, str) else None

    def _student_uid(self, student: str) -> int | None:
        name = self._unix_user(student)
        try:
            return pwd.getpwnam(name).pw_uid if name else None
        except KeyError:
            return None

    def _limits(self):
        from grading import safecopy

        cd = self.coursedir
        return safecopy.CopyLimits(max_file_bytes=1000 * cd.max_file_size,
                                   max_notebook_bytes=1000 * self.max_notebook_size,
                                   max_total_bytes=1000 * cd.max_dir_size)

    def _owned_by_student(self, path: str, student: str) -> bool:
        try:
            st = os.lstat(path)
            owner = pwd.getpwuid(st.st_uid).pw_name if stat.S_ISDIR(st.st_mode) else None
        except (KeyError, OSError):
            owner = None
        if owner is None or owner != self._unix_user(student):
            self.log.error(
                "Kiriman %s ditolak: atas nama %s tetapi dimiliki %s (submission refused: "
                "not a folder owned by the student it names)", path, student, owner)
            return False
        return True

    def _unsafe(self, path: str, student: str) -> str | None:
        from grading import safecopy

        return safecopy.check_tree(path, owner_uid=self._student_uid(student),
                                   limits=self._limits(), ignore=self.coursedir.ignore)

    def init_src(self):
        """Stock paths and checks, then the submission per student chosen among the
        folders that student really owns (latest, or latest before the due date)."""
        from pathlib import Path

        from grading import attempts, safecopy

        super().init_src()
        student_id = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        allowed: dict[str, list[dict]] = {}
        refused: set[str] = set()
        self.refused = []
        for path in sorted(glob.glob(pattern)):
            try:
                rec = self._path_to_record(path)
            except Exception as exc:  # a malformed name must not stop the course's collect
                self.log.error("Kiriman %s ditolak: nama tidak valid (%s)", path, exc)
                refused.add(path)
                continue
            if not self._owned_by_student(path, rec["username"]):
                refused.add(path)
                continue
            why = self._unsafe(path, rec["username"])
            if why:
                self.log.error("Kiriman %s ditolak (submission refused): %s", path, why)
                self.refused.append((path, why))
                refused.add(path)
                continue
            allowed.setdefault(rec["username"], []).append(rec)
        self.src_records = []
        for recs in allowed.values():
            recs = self._sort_by_timestamp(recs)
            if self.duedate is not None and self.before_duedate:
                recs = [r for r in recs if r["timestamp"] <= self.duedate] or recs
            self.src_records.append(recs[0])
        limits, ignore = self._limits(), self.coursedir.ignore

        def copy(src, dest):
            student = Path(src).name.split("+", 1)[0]
            safecopy.copy_tree(str(src), str(dest), owner_uid=self._student_uid(student),
                               limits=limits, ignore=ignore)

        attempts.archive(
            Path(self.coursedir.root), Path(self.inbound_path), self.coursedir.assignment_id,
            allowed=lambda a: str(a.path) not in refused, copy=copy,
        )

    def do_copy(self, src, dest, log=None):
        """Never follows links; a submission that fails the checks now (it changed since
        init_src) is skipped with an error, the others are still collected."""
        from grading import safecopy

        student = os.path.basename(src).split("+", 1)[0]
        try:
            safecopy.copy_tree(src, dest, owner_uid=self._student_uid(student),
                               limits=self._limits(), ignore=self.coursedir.ignore)
        except (safecopy.UnsafeSubmission, OSError) as exc:
            self.log.error("Kiriman %s ditolak (submission refused): %s", src, exc)
            self.refused.append((src, str(exc)))

    def copy_files(self):
        from pathlib import Path

        from grading import attempts

        super().copy_files()
        attempts.apply_counting_rule(Path(self.coursedir.root), self.coursedir.assignment_id, self.counts)


FACTORY = {
    "submit": "grading.exchange.HardenedSubmit",
    "fetch_assignment": "grading.exchange.HardenedFetchAssignment",
    "fetch_feedback": "grading.exchange.HardenedFetchFeedback",
    "list": "grading.exchange.HardenedList",
    "release_assignment": "grading.exchange.HardenedReleaseAssignment",
    "release_feedback": "grading.exchange.HardenedReleaseFeedback",
    "collect": "grading.exchange.HardenedCollect",
}
