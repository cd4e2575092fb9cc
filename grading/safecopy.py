"""Copy a learner-made folder without trusting anything in it.

Used by collect (`grading.exchange.HardenedCollect`), the attempts archive
(`grading.attempts`) and the CLI. The source is walked through directory file
descriptors (``openat``), so a learner who swaps a file for a link while we copy cannot
redirect us: links are refused, never followed; every entry is ``lstat``/``fstat``-ed on
the descriptor actually read. Refused (the whole folder, with the reason):

- symbolic links, FIFOs, sockets, devices (anything but regular files and directories);
- files with more than one hard link (a hard link to someone else's file);
- with ``owner_uid``: any file or directory not owned by that uid (the owner check covers
  every entry, not only the top folder);
- files over ``max_file_bytes``, notebooks over ``max_notebook_bytes``, a total over
  ``max_total_bytes``, more than ``max_entries`` entries (counted as read, so a file that
  grows while we copy is caught too).

Names matching ``ignore`` (fnmatch globs) are skipped without being opened.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import shutil
import stat

CHUNK = 1 << 16


class UnsafeSubmission(ValueError):
    """The folder holds something collect must not copy; nothing of it was kept."""


@dataclasses.dataclass(frozen=True)
class CopyLimits:
    max_file_bytes: int = 100 * 1000 * 1000       # nbgrader's max_file_size default (100 MB)
    max_notebook_bytes: int = 10 * 1000 * 1000    # a learner's notebook is far smaller
    max_total_bytes: int = 100 * 1000 * 1000      # nbgrader's max_dir_size default
    max_entries: int = 2000
    max_depth: int = 20


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "tautan simbolik (symlink)"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "soket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "berkas perangkat (device)"
    return "berkas khusus"


class _Copier:
    def __init__(self, owner_uid, limits: CopyLimits, ignore, file_mode, dir_mode):
        self.owner_uid = owner_uid
        self.limits = limits
        self.ignore = list(ignore or [])
        self.file_mode = file_mode
        self.dir_mode = dir_mode
        self.total = 0
        self.entries = 0

    def refuse(self, rel: str, why: str):
        raise UnsafeSubmission(f"{rel or '.'}: {why}")

    def check_owner(self, rel: str, st: os.stat_result) -> None:
        if self.owner_uid is not None and st.st_uid != self.owner_uid:
            self.refuse(rel, f"bukan milik pengirim (uid {st.st_uid}, not owned by the submitter)")

    def check_depth(self, rel: str, depth: int) -> None:
        if depth > self.limits.max_depth:
            self.refuse(rel, "folder terlalu dalam (too deep)")

    def listing(self, dirfd: int, rel: str):
        """``(name, path in the submission, lstat)`` of each entry of a folder, by name,
        ignored names skipped; refuses a submission with too many entries."""
        with os.scandir(dirfd) as it:
            names = sorted(e.name for e in it)
        for name in names:
            if any(fnmatch.fnmatch(name, g) for g in self.ignore):
                continue
            self.entries += 1
            if self.entries > self.limits.max_entries:
                self.refuse(rel, "terlalu banyak berkas (too many files)")
            yield (name, f"{rel}/{name}" if rel else name,
                   os.stat(name, dir_fd=dirfd, follow_symlinks=False))

    def check_file(self, name: str, rel: str, st: os.stat_result) -> int:
        """One link only, and within the size limit of its kind; returns that limit (a
        file may still grow while it is read)."""
        if st.st_nlink != 1:
            self.refuse(rel, "tautan keras (hard link) tidak diterima")
        limit = self.limits.max_file_bytes
        if name.endswith(".ipynb"):
            limit = min(limit, self.limits.max_notebook_bytes)
        if st.st_size > limit:
            self.refuse(rel, f"terlalu besar ({st.st_size} > {limit} byte)")
        return limit

    def copy_dir(self, dirfd: int, dest: str, rel: str, depth: int) -> None:
        self.check_depth(rel, depth)
        os.mkdir(dest, self.dir_mode)
        for name, sub, st in self.listing(dirfd, rel):
            if stat.S_ISDIR(st.st_mode):
                self.check_owner(sub, st)
                fd = os.open(name, _DIR_FLAGS, dir_fd=dirfd)
                try:
                    fst = os.fstat(fd)
                    if (fst.st_ino, fst.st_dev) != (st.st_ino, st.st_dev):
                        self.refuse(sub, "berubah saat disalin (changed while copying)")
                    self.copy_dir(fd, os.path.join(dest, name), sub, depth + 1)
                finally:
                    os.close(fd)
            elif stat.S_ISREG(st.st_mode):
                self.copy_file(dirfd, name, os.path.join(dest, name), sub)
            else:
                self.refuse(sub, _kind(st.st_mode) + " tidak diterima (not accepted)")

    def copy_file(self, dirfd: int, name: str, dest: str, rel: str) -> None:
        try:
            fd = os.open(name, _FILE_FLAGS, dir_fd=dirfd)
        except OSError as exc:  # ELOOP: it became a link after the lstat
            self.refuse(rel, f"tidak dapat dibuka ({exc.strerror})")
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                self.refuse(rel, _kind(st.st_mode) + " tidak diterima (not accepted)")
            self.check_owner(rel, st)
            limit = self.check_file(name, rel, st)
            out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                          self.file_mode)
            try:
                size = 0
                while True:
                    chunk = os.read(fd, CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    self.total += len(chunk)
                    if size > limit:
                        self.refuse(rel, f"terlalu besar (> {limit} byte)")
                    if self.total > self.limits.max_total_bytes:
                        self.refuse(rel, f"kiriman terlalu besar (> {self.limits.max_total_bytes} byte)")
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(out, view):]
            finally:
                os.close(out)
            os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))
        finally:
            os.close(fd)


def copy_tree(src: str, dest: str, *, owner_uid: int | None = None,
              limits: CopyLimits | None = None, ignore=None,
              file_mode: int = 0o644, dir_mode: int = 0o755) -> None:
    """Copy the folder `src` to the new folder `dest`, or raise UnsafeSubmission (then
    `dest` does not exist). `src` itself must be a real directory (not a link)."""
    limits = limits or CopyLimits()
    if os.path.lexists(dest):
        raise FileExistsError(dest)
    try:
        fd = os.open(src, _DIR_FLAGS)
    except OSError as exc:
        raise UnsafeSubmission(f".: bukan folder biasa ({exc.strerror}; a link or not a folder)")
    copier = _Copier(owner_uid, limits, ignore, file_mode, dir_mode)
    try:
        copier.check_owner("", os.fstat(fd))
        copier.copy_dir(fd, dest, "", 0)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    finally:
        os.close(fd)


def check_tree(src: str, *, owner_uid: int | None = None, limits: CopyLimits | None = None,
               ignore=None) -> str | None:
    """Why `src` would be refused (None if it would be copied): a dry run without writing.

    Only a first filter: `copy_tree` checks again on what it reads."""
    limits = limits or CopyLimits()
    copier = _Copier(owner_uid, limits, ignore, 0, 0)
    try:
        fd = os.open(src, _DIR_FLAGS)
    except OSError as exc:
        return f".: bukan folder biasa ({exc.strerror})"
    try:
        copier.check_owner("", os.fstat(fd))
        _check_dir(copier, fd, "", 0)
    except UnsafeSubmission as exc:
        return str(exc)
    except OSError as exc:
        return f"tidak dapat dibaca ({exc})"
    finally:
        os.close(fd)
    return None


def _check_dir(copier: _Copier, dirfd: int, rel: str, depth: int) -> None:
    limits = copier.limits
    copier.check_depth(rel, depth)
    for name, sub, st in copier.listing(dirfd, rel):
        copier.check_owner(sub, st)
        if stat.S_ISDIR(st.st_mode):
            fd = os.open(name, _DIR_FLAGS, dir_fd=dirfd)
            try:
                _check_dir(copier, fd, sub, depth + 1)
            finally:
                os.close(fd)
        elif stat.S_ISREG(st.st_mode):
            copier.check_file(name, sub, st)
            copier.total += st.st_size
            if copier.total > limits.max_total_bytes:
                copier.refuse(sub, f"kiriman terlalu besar (> {limits.max_total_bytes} byte)")
        else:
            copier.refuse(sub, _kind(st.st_mode) + " tidak diterima (not accepted)")
