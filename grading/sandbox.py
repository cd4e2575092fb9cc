"""Where and as whom student code runs during autograde.

`resolve_sandbox_user` picks the Unix account, `check_course_dir_private` refuses a course
directory the sandbox account could read, `make_workdir` builds the private working
directory, and `enter_sandbox` (called in the forked child, before any student byte is
read) applies resource limits and drops root. Nothing here runs at import time.

One uid per worker: as root, `UidLeases` gives every worker of a run its own uid, leased
for the run from a pool of ids that no account uses (`UID_POOL_BASE`...; an flock under a
root-only directory keeps concurrent runs, e.g. two courses, apart). The uid shares the
sandbox account's primary group, so `check_course_dir_private` covers it. Before and after
each notebook the root supervisor kills every process of that uid (`kill_all_of`), so
nothing a notebook started -- a setsid()'d daemon included -- survives into the next one,
and no notebook can signal another worker's. Without root (the unisolated mode) workers
share the current user and nothing is swept.
"""

from __future__ import annotations

import ctypes
import dataclasses
import fcntl
import logging
import os
import pwd
import resource
import secrets
import shutil
import signal
import stat
import tempfile
import time

log = logging.getLogger(__name__)


class SandboxError(RuntimeError):
    """The sandbox cannot be set up safely; grading must not start."""


@dataclasses.dataclass(frozen=True)
class SandboxUser:
    name: str
    uid: int
    gid: int
    sweep: bool = False   # kill every process of this uid before and after each notebook

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
    notebook_timeout: float = 900.0      # wall clock for the whole notebook, however many cells


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


UID_POOL_BASE = 1_900_000_000
UID_POOL_SIZE = 50_000
LEASE_DIR = "/run/asn-autograde-uids"


def _lease_dir() -> str:
    path = LEASE_DIR if os.path.isdir(os.path.dirname(LEASE_DIR)) else os.path.join(
        tempfile.gettempdir(), os.path.basename(LEASE_DIR))
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0 or st.st_mode & 0o077:
        raise SandboxError(f"{path} harus folder milik root dengan mode 0700")
    return path


class UidLeases:
    """`count` sandbox users, one per worker, each with its own uid (see the module doc)."""

    def __init__(self, base: SandboxUser, count: int):
        self._fds: list[int] = []
        self.users: list[SandboxUser] = []
        if base.is_current_user or os.getuid() != 0:
            self.users = [base] * count
            return
        directory = _lease_dir()
        try:
            for step in range(UID_POOL_SIZE):  # lowest free first: few lock files, reused
                if len(self.users) == count:
                    break
                uid = UID_POOL_BASE + step
                try:
                    pwd.getpwuid(uid)
                    continue  # an account uses it
                except KeyError:
                    pass
                fd = os.open(os.path.join(directory, str(uid)),
                             os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                    continue
                self._fds.append(fd)
                self.users.append(SandboxUser(f"{base.name}-{uid}", uid, base.gid, sweep=True))
            if len(self.users) < count:
                raise SandboxError("tidak ada uid sandbox yang bebas (uid pool exhausted)")
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds = []


def become_subreaper() -> None:
    """Orphaned descendants (a setsid()'d daemon whose parent exited) become our children,
    so that we can reap them once killed (PR_SET_CHILD_SUBREAPER)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
    except OSError:
        pass


def _alive(uid: int) -> bool:
    """Whether a live (not zombie) process has `uid` as its real, effective or saved uid."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
        except (OSError, ValueError):
            continue
        uids = fields.get("Uid", "").split()[:3]
        if str(uid) in uids and fields.get("State", "").strip()[:1] not in ("Z", "X"):
            return True
    return False


def _reap_children() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_all_of(uid: int, gid: int, attempts: int = 30) -> bool:
    """As root, in the supervisor: kill every process of `uid` (a forked helper takes that
    uid and sends kill(-1, SIGKILL)), reap the ones that were our descendants, and repeat
    until no live process of `uid` is left. True when none is left."""
    if uid == 0 or os.getuid() != 0:
        return False
    for _ in range(attempts):
        pid = os.fork()
        if pid == 0:
            try:
                os.setgroups([])
                os.setresgid(gid, gid, gid)
                os.setresuid(uid, uid, uid)
                for _ in range(3):
                    try:
                        os.kill(-1, signal.SIGKILL)
                    except ProcessLookupError:
                        break
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        _reap_children()
        if not _alive(uid):
            return True
        time.sleep(0.005)
    log.warning("proses uid %s masih hidup setelah dibersihkan", uid)
    return False


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


CLONE_NEWNET = 0x40000000


def _no_network() -> bool:
    """As root: a new, empty network namespace (no interface up, not even loopback)."""
    try:
        return ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def guarantees(user: SandboxUser, limits: Limits, workers: int) -> list[str]:
    """What the sandbox guarantees on this machine, for the start of a run."""
    if user.is_current_user:
        return ["TIDAK terisolasi: kode peserta berjalan sebagai pengguna saat ini "
                "(no isolation: runs as the current user)"]
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _no_network() else 1)
    _, status = os.waitpid(pid, 0)
    network = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return [
        f"pengguna sandbox: {workers} uid terpisah, satu per pekerja; semua prosesnya "
        f"dibunuh setelah tiap notebook (one uid per worker, all its processes killed "
        f"after each notebook)",
        "jaringan: " + ("tidak ada (namespace jaringan kosong; no network)" if network else
                        "TERSEDIA, namespace jaringan tidak dapat dibuat (network NOT isolated)"),
        f"batas per proses: memori {limits.memory_bytes >> 20} MB, berkas "
        f"{limits.file_bytes >> 20} MB, CPU {limits.cpu_seconds} s; proses per uid "
        f"{limits.nproc}; waktu per sel {limits.cell_timeout:g} s",
    ]


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
        _no_network()
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
        "USER": user.name, "LOGNAME": user.name,
        "NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1", "IPYTHONDIR": os.path.join(workdir, ".ipython"),
    })
