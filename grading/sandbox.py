"""Where and as whom student code runs during autograde.

`resolve_sandbox_user` picks the Unix account, `check_course_dir_private` refuses a course
directory the sandbox account could read, `make_workdir` builds the private working
directory, and `enter_sandbox` (called in the forked child, before any student byte is
read) applies resource limits and drops root. Nothing here runs at import time.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import os
import pwd
import resource
import secrets
import shutil
import stat
import tempfile

log = logging.getLogger(__name__)


class SandboxError(RuntimeError):
    """The sandbox cannot be set up safely; grading must not start."""


@dataclasses.dataclass(frozen=True)
class SandboxUser:
    name: str
    uid: int
    gid: int

    @property
    def is_current_user(self) -> bool:
        return self.uid == os.getuid()


@dataclasses.dataclass(frozen=True)
class Limits:
    """Per-notebook limits. Wall-clock limits per cell are enforced by the executor."""

    cell_timeout: float = 30.0
    output_limit: int = 100_000          # bytes of outputs per notebook
    memory_bytes: int = 2 * 1024 ** 3    # RLIMIT_AS
    file_bytes: int = 50 * 1024 ** 2     # RLIMIT_FSIZE: largest file student code may write
    nproc: int = 256                     # RLIMIT_NPROC: counted per uid, across workers
    nofile: int = 256
    cpu_seconds: int = 600               # RLIMIT_CPU for the whole notebook (backstop)


def resolve_sandbox_user(sandbox_user: str | None) -> SandboxUser:
    """Return the account student code runs as. Root without an account is refused."""
    if sandbox_user is None:
        if os.getuid() == 0:
            raise SandboxError(
                "sandbox_user wajib diisi saat dijalankan sebagai root: kode peserta tidak "
                "boleh berjalan sebagai root. Buat akun khusus, mis. `useradd --system "
                "--no-create-home --shell /usr/sbin/nologin nbgrader-sandbox`. "
                "(sandbox_user is required when running as root.)")
        me = pwd.getpwuid(os.getuid())
        log.warning(
            "PERINGATAN: kode peserta berjalan sebagai pengguna saat ini (%s) tanpa "
            "pemisahan hak akses; ia dapat membaca berkas yang dapat Anda baca. "
            "WARNING: student code runs as the current user %s, unisolated.",
            me.pw_name, me.pw_name)
        return SandboxUser(me.pw_name, me.pw_uid, me.pw_gid)
    try:
        entry = pwd.getpwnam(sandbox_user)
    except KeyError:
        raise SandboxError(f"akun sandbox '{sandbox_user}' tidak ada (sandbox user not found)")
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        raise SandboxError(f"akun sandbox '{sandbox_user}' tidak boleh root/grup root")
    if os.getuid() != 0 and entry.pw_uid != os.getuid():
        raise SandboxError(
            f"berpindah ke akun '{sandbox_user}' memerlukan root (switching user needs root)")
    if entry.pw_uid == os.getuid() and os.getuid() != 0:
        log.warning("PERINGATAN: akun sandbox sama dengan pengguna penilai (%s)", sandbox_user)
    return SandboxUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


def _can_access(st: os.stat_result, user: SandboxUser, want: int) -> bool:
    """Whether `user` (no supplementary groups: we drop them) has `want` (r=4, x=1) bits."""
    if st.st_uid == user.uid:
        bits = (st.st_mode >> 6) & 7
    elif st.st_gid == user.gid:
        bits = (st.st_mode >> 3) & 7
    else:
        bits = st.st_mode & 7
    return bits & want == want


def check_course_dir_private(course_dir: str, user: SandboxUser, extra_paths=()) -> None:
    """Refuse (never silently fix) a course directory the sandbox account can enter.

    The child drops all supplementary groups, so only owner/primary group/other bits of the
    course root matter: without search (x) permission nothing below it is reachable.
    """
    if user.is_current_user:
        return  # unisolated mode, already warned about loudly
    problems = []
    for path in [course_dir, *extra_paths]:
        path = os.path.realpath(path)
        st = os.stat(path)
        target = path if stat.S_ISDIR(st.st_mode) else os.path.dirname(path)
        tst = os.stat(target)
        if _can_access(tst, user, 1) or _can_access(tst, user, 4):
            problems.append(target)
    if problems:
        paths = ", ".join(sorted(set(problems)))
        raise SandboxError(
            f"direktori kursus dapat dibuka oleh akun sandbox '{user.name}': {paths}. "
            f"Tutup aksesnya dulu, mis. `chmod o-rwx {paths}` (dan pastikan grup direktori "
            f"bukan grup akun sandbox). Penilaian dibatalkan. (Course directory is "
            f"readable/traversable by the sandbox user; refusing to grade.)")


def make_run_root() -> str:
    """Root-owned 0711 directory: children can enter their own subdirectory, not list others."""
    root = tempfile.mkdtemp(prefix="asn-autograde-")
    os.chmod(root, 0o711)
    return root


def make_workdir(run_root: str, files_from: str, user: SandboxUser) -> str:
    """Private working dir (random name, 0700, owned by the sandbox user) with copies of the
    submission's non-notebook files only."""
    workdir = os.path.join(run_root, secrets.token_hex(16))
    shutil.copytree(files_from, workdir, symlinks=True, ignore=shutil.ignore_patterns("*.ipynb"))
    for dirpath, dirnames, filenames in os.walk(workdir):
        for name in dirnames + filenames:
            os.lchown(os.path.join(dirpath, name), user.uid, user.gid)
    os.chown(workdir, user.uid, user.gid)
    os.chmod(workdir, 0o700)
    return workdir


def remove_workdir(workdir: str) -> None:
    shutil.rmtree(workdir, ignore_errors=True)


def _set_rlimit(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def enter_sandbox(user: SandboxUser, workdir: str, limits: Limits) -> None:
    """Called in the forked child: limits, clean environment, then drop privileges for good."""
    os.setsid()
    os.umask(0o077)
    os.chdir(workdir)
    _set_rlimit(resource.RLIMIT_AS, limits.memory_bytes)
    _set_rlimit(resource.RLIMIT_FSIZE, limits.file_bytes)
    _set_rlimit(resource.RLIMIT_NOFILE, limits.nofile)
    _set_rlimit(resource.RLIMIT_CPU, limits.cpu_seconds)
    _set_rlimit(resource.RLIMIT_CORE, 0)
    if os.getuid() == 0:
        _set_rlimit(resource.RLIMIT_NPROC, limits.nproc)
        os.setgroups([])
        os.setgid(user.gid)
        os.setuid(user.uid)
        if os.getuid() == 0 or os.geteuid() == 0:
            os._exit(97)
        try:
            os.setuid(0)
        except PermissionError:
            pass
        else:
            os._exit(97)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)    # PR_SET_DUMPABLE 0: same-uid peers cannot ptrace/read us
        libc.prctl(38, 1, 0, 0, 0)   # PR_SET_NO_NEW_PRIVS: no setuid binaries
    except OSError:
        pass
    path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    os.environ.clear()
    os.environ.update({
        "HOME": workdir, "TMPDIR": workdir, "PATH": path, "LANG": "C.UTF-8",
        "NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1", "IPYTHONDIR": os.path.join(workdir, ".ipython"),
    })
