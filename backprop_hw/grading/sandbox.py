"""The sandbox that every process running student code is started in: bubblewrap.

bubblewrap (`bwrap`, the sandbox under Flatpak) puts a process in namespaces of
its own. Inside, the student's code

- sees the system and the Python environment read-only, and of the grader's package only
  backprop_hw/inside/ (what runs there beside it: no answer key, no checks);
- does not see the course root (source/, gradebook.db, the other students'
  submitted/ and autograded/ folders, feedback/), the repository, the
  instructor's home, the host's /tmp and /run: empty, read-only folders stand there;
- writes only to a private, size-capped /tmp, where its working copy of its
  submission folder lives (/tmp/submission/<the folder's name>, e.g. backprop_uk,
  whose name decides the language of the hidden tests' messages; filled from the
  files the grader staged; symlinks are never staged), and a capped /dev/shm;
- has no network (a network namespace of its own, loopback only), no further
  namespaces, a cap on processes (RLIMIT_NPROC in its own user namespace; when
  the grader runs as root, which that limit does not bind, a pids cgroup);
- lives in a pid namespace: when the kernel ends, everything it started ends too.

The kernel talks to the grader over IPC sockets (jupyter_client's transport="ipc")
in a runtime folder of this sandbox alone, and the hidden tests, which run in the grader, call the
student's functions over a Unix socket in that folder (grading/channel.py).

Where no sandbox can be made, grading stops with `SandboxUnavailable`, which says
how to install one; `c.Sandbox.enabled = False` (or `--no-sandbox`) grades without
it and warns on every run.
"""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer
from traitlets.config import Configurable

from backprop_hw import paths
from backprop_hw.grading.errors import SandboxUnavailable

PACKAGE = Path(__file__).resolve().parents[1]  # backprop_hw: hidden in the sandbox, but for INSIDE
INSIDE = PACKAGE / "inside"  # what runs in the sandbox beside the student's code (standard library and NumPy)
ENTRY = INSIDE / "entry.py"
WORKDIR = "/tmp/submission"  # the working copy, inside the sandbox
HOME = "/tmp/home"
MATPLOTLIB_SEED = "/tmp/.matplotlib-seed"  # the grader's matplotlib cache, read-only, copied into HOME
SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/dev", "/proc", "/sys")  # never hidden
HIDDEN_TMPFS_BYTES = 1 << 20  # the tmpfs that hides a folder is remounted read-only; this caps it before that
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`, Fedora: `sudo dnf install "
                "bubblewrap`) on Linux with unprivileged user namespaces enabled; or, at your own risk, grade "
                "without the sandbox: `c.Sandbox.enabled = False` in nbgrader_config.py, `--no-sandbox` for "
                "backprop-hw, `--Sandbox.enabled=False` for nbgrader")


class Sandbox(Configurable):
    """The sandbox of every process that runs student code (set these in nbgrader_config.py)."""

    enabled = Bool(True, help="Run student code in a bubblewrap sandbox. False grades without one (every "
                              "run warns): a submission can then read source/ and the answer key, write "
                              "the gradebook and reach the network.").tag(config=True)
    tmp_size_mb = Integer(512, help="Size of the sandbox's private /tmp, which holds the working copy of the "
                                    "submission (files the notebook writes count against it).").tag(config=True)
    max_processes = Integer(64, help="Processes and threads the student's code may have at once (a kernel "
                                     "needs about 10).").tag(config=True)


@dataclass(frozen=True)
class Policy:
    """What one sandbox allows, as plain data (it crosses to the grading workers)."""

    enabled: bool = Sandbox.enabled.default_value
    tmp_size_mb: int = Sandbox.tmp_size_mb.default_value
    max_processes: int = Sandbox.max_processes.default_value
    hidden: tuple[str, ...] = ()  # the course root and other folders to hide, with everything under them

    @classmethod
    def from_config(cls, parent: Configurable | None = None, config=None,
                    hidden: tuple[str | os.PathLike, ...] = ()) -> "Policy":
        settings = Sandbox(parent=parent) if parent is not None else Sandbox(config=config)
        return cls(settings.enabled, settings.tmp_size_mb, settings.max_processes, tuple(str(h) for h in hidden))

    def as_dict(self) -> dict:
        return asdict(self)


# -- can a sandbox be made here? ---------------------------------------------------------------------

def _pids_cgroup_root() -> Path | None:
    """A pids cgroup hierarchy that this (root) process may create groups in."""
    for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        procs = root / "cgroup.procs"
        if root == Path("/sys/fs/cgroup") and "pids" not in _read(root / "cgroup.controllers").split():
            continue
        if procs.exists() and os.access(root, os.W_OK):
            return root
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


@functools.lru_cache(maxsize=None)
def _availability() -> str:
    """'' when a sandbox can be made, else why not (checked once per process)."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux, and this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return "bubblewrap (`bwrap`) is not installed"
    try:
        trial = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                                "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                                "true"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap could not be run ({error})"
    if trial.returncode != 0:
        return f"bwrap cannot make a sandbox here ({trial.stderr.strip() or f'exit status {trial.returncode}'})"
    if os.geteuid() == 0 and _pids_cgroup_root() is None:
        return ("grading runs as root, where the process limit needs a pids cgroup, and none is writable "
                "here; grade as an ordinary user instead")
    return ""


def check(policy: Policy) -> None:
    """Raise SandboxUnavailable when the policy asks for a sandbox that cannot be made; warn when it asks for none."""
    if not policy.enabled:
        warn_unsandboxed()
        return
    reason = _availability()
    if reason:
        raise SandboxUnavailable(f"cannot grade in a sandbox: {reason}. To grade, {INSTALL_HINT}.")


def course_policy() -> Policy:
    """The sandbox as the repository's nbgrader_config.py sets it (for the commands that grade loose files)."""
    from backprop_hw.grading import limits

    return Policy.from_config(config=limits.course_config())


def warn_unsandboxed() -> None:
    message = ("grading WITHOUT a sandbox (Sandbox.enabled is False): student code runs with your rights and "
               "can read source/ and the answer key, write the gradebook and reach the network")
    warnings.warn(message, UserWarning, stacklevel=3)  # shown once per process: once per grading run


# -- one sandbox ---------------------------------------------------------------------------------------

def _home_dirs() -> set[str]:
    homes = {os.path.expanduser("~")}
    try:
        homes.add(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:
        pass
    return {h for h in homes if h and h != "/"}


def _environment_dirs() -> set[str]:
    """What the kernel must see (read-only) wherever it lies: the Python environment and backprop_hw/inside."""
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))), str(INSIDE)}
    return {os.path.realpath(d) for d in dirs if d}


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


@functools.lru_cache(maxsize=None)
def _matplotlib_cache() -> str:
    """The grader's matplotlib cache folder, with a font list in it (built once if missing)."""
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    has_font_list = os.path.isdir(folder) and any(n.startswith("fontlist-") for n in os.listdir(folder))
    if not has_font_list:  # matplotlib builds it on import, here where it can write its cache
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], capture_output=True, timeout=300)
    return folder if os.path.isdir(folder) else ""


class Jail:
    """One sandbox's folders on the host (runtime sockets, staged files), its command line and its cgroup."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.folder = Path(tempfile.mkdtemp(prefix="backprop-hw-sandbox-"))
        self.runtime = self.folder / "runtime"
        self.inbox = self.folder / "inbox"
        self.workdir = WORKDIR  # the working copy inside; stage() names it after the submission's folder
        self.runtime.mkdir()
        self.inbox.mkdir()
        self.cgroup: Path | None = None
        if os.geteuid() == 0:  # RLIMIT_NPROC does not bind root: a pids cgroup does
            root = _pids_cgroup_root()
            if root is not None:
                self.cgroup = root / f"backprop-hw-{uuid.uuid4().hex[:12]}"
                self.cgroup.mkdir()
                (self.cgroup / "pids.max").write_text(str(policy.max_processes))

    # -- the files ------------------------------------------------------------------------------------

    def stage(self, folder: str | os.PathLike) -> None:
        """Copy the submission's regular files (not links, not devices or pipes) where the sandbox reads them.

        The working copy keeps the folder's name (`.../backprop_uk` -> `/tmp/submission/backprop_uk`):
        the hidden tests speak the edition's language by the name of the folder they run in."""
        name = Path(folder).name
        self.workdir = f"{WORKDIR}/{name}" if name and name not in (".", "..") else WORKDIR
        for old in self.inbox.iterdir():  # emptied, not replaced: the sandbox sees this very folder
            shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        source = Path(folder)
        for root, dirs, files in os.walk(source):  # never follows a link to a folder
            relative = Path(root).relative_to(source)
            for name in dirs:
                if not (Path(root) / name).is_symlink():
                    (self.inbox / relative / name).mkdir(exist_ok=True)
            for name in files:
                path = Path(root) / name
                if not path.is_symlink() and path.is_file():  # no links, devices or pipes
                    shutil.copyfile(path, self.inbox / relative / name)

    # -- the command ----------------------------------------------------------------------------------

    def hidden_dirs(self) -> list[str]:
        """The folders covered by an empty, read-only tmpfs: the fewest that cover them all (the
        sandbox's own /tmp covers what lies under the host's)."""
        hidden = {paths.REPO_ROOT, PACKAGE, *_home_dirs(), tempfile.gettempdir(), "/run", "/var/tmp", "/var/run",
                  os.getcwd(), *self.policy.hidden}  # the grader's folder: a course root, or a folder of submissions
        real = {os.path.realpath(h) for h in hidden}
        real = {h for h in real if os.path.isdir(h) and not _under(h, "/tmp")
                and not any(_under(h, s) or _under(s, h) for s in SYSTEM_DIRS)}  # grading started in /usr?
        return sorted(h for h in real if not any(_under(h, other) and h != other for other in real))

    def command(self, command: list[str], as_pid_1: bool = False) -> list[str]:
        """`bwrap ... sandbox_entry.py ... -- command`: command as run in this sandbox (as the init of
        its pid namespace with `as_pid_1`: a fork server that cleans up after each kernel)."""
        hidden = self.hidden_dirs()
        covered = hidden + ["/tmp"]  # the private /tmp covers the host's too
        needed = sorted(d for d in _environment_dirs() if any(_under(d, h) for h in covered) and os.path.isdir(d))
        argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--size", str(64 << 20), "--tmpfs", "/dev/shm"]
        for folder in hidden:
            argv += ["--size", str(HIDDEN_TMPFS_BYTES), "--tmpfs", folder]
        for folder in (n for n in needed if not _under(n, "/tmp")):
            argv += ["--ro-bind", folder, folder]
        argv += ["--size", str(self.policy.tmp_size_mb << 20), "--tmpfs", "/tmp"]
        for folder in (n for n in needed if _under(n, "/tmp")):  # an environment under /tmp (a CI clone)
            argv += ["--ro-bind", folder, folder]
        seed = _matplotlib_cache()
        if seed:
            argv += ["--ro-bind", seed, MATPLOTLIB_SEED]
        argv += ["--ro-bind", str(self.inbox), str(self.inbox), "--bind", str(self.runtime), str(self.runtime)]
        for folder in hidden + ["/dev"]:
            argv += ["--remount-ro", folder]
        if as_pid_1:
            argv += ["--as-pid-1",
                     "--setenv", "BACKPROP_HW_SANDBOX_KEEP", os.pathsep.join(  # mount points: never emptied
                         [str(self.inbox), str(self.runtime), MATPLOTLIB_SEED] + [n for n in needed if _under(n, "/tmp")]),
                     "--setenv", "BACKPROP_HW_SANDBOX_WIPE", str(self.runtime),
                     "--setenv", "BACKPROP_HW_SANDBOX_WORKDIR", WORKDIR,
                     "--setenv", "BACKPROP_HW_SANDBOX_SEED", MATPLOTLIB_SEED if seed else ""]
        argv += ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                 "--unsetenv", "JPY_PARENT_PID",  # the kernel's parent is the sandbox's init; it ends with it
                 "--setenv", "HOME", HOME, "--setenv", "TMPDIR", "/tmp",
                 "--setenv", "MPLCONFIGDIR", f"{HOME}/.matplotlib", "--chdir", "/tmp",
                 sys.executable, str(ENTRY), "--nproc", str(self.policy.max_processes),
                 "--inbox", str(self.inbox), "--workdir", self.workdir, "--seed", MATPLOTLIB_SEED if seed else "",
                 "--", *command]
        return argv

    def enter_cgroup(self) -> None:
        """In the child, before bwrap runs (Popen's preexec_fn): join this sandbox's pids cgroup."""
        if self.cgroup is not None:
            with open(self.cgroup / "cgroup.procs", "w") as procs:
                procs.write(str(os.getpid()))

    def forks_refused(self) -> int:
        """How many forks the pids cgroup refused so far (0 without one: RLIMIT_NPROC keeps no count)."""
        if self.cgroup is None:
            return 0
        for line in _read(self.cgroup / "pids.events").splitlines():
            if line.startswith("max "):
                return int(line.split()[1])
        return 0

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.cgroup is not None:
            for _ in range(50):  # the last processes of the namespace may take a moment to go
                try:
                    self.cgroup.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)
            self.cgroup = None


def copy_in_code(jail: Jail) -> str:
    """Code for a kernel that booted before its submission was known: fill its working copy, work there."""
    return (f"import runpy as _r\n_r.run_path({str(ENTRY)!r})['copy_in']({str(jail.inbox)!r}, {jail.workdir!r})\n"
            "del _r")


# -- kernels -----------------------------------------------------------------------------------------

class SandboxedKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager with every kernel started in a sandbox of its own.

    nbgrader's `Execute` uses it when nbgrader_config.py says
    `c.Execute.kernel_manager_class = "backprop_hw.grading.sandbox.SandboxedKernelManager"`,
    so plain `nbgrader autograde` is sandboxed too; our workers use it directly.
    The kernel's files go to its working copy in the sandbox's /tmp, staged from the
    folder nbgrader runs it in (`cwd`), or later with `stage()` and `copy_in_code()`.
    """

    def __init__(self, *args, policy: Policy | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if policy is None:
            from nbgrader.coursedir import CourseDirectory

            root = CourseDirectory(config=self.config).root if self.config else os.getcwd()
            policy = Policy.from_config(config=self.config, hidden=(root,))
        self.policy = policy
        self.jail: Jail | None = None

    async def _async_pre_start_kernel(self, **kw):
        check(self.policy)
        if self.policy.enabled and self.jail is None:
            self.jail = Jail(self.policy)
            self.transport = "ipc"  # no network in the sandbox: the sockets are files in its runtime folder
            self.ip = str(self.jail.runtime / "kernel")
            self.connection_file = str(self.jail.runtime / "kernel.json")
            self.kernel_spec.interrupt_mode = "message"  # a signal to bwrap's process group would end the sandbox
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if self.jail is not None:
            cwd = kw.pop("cwd", None)
            if cwd and os.path.isdir(cwd):
                self.jail.stage(cwd)
            kw["cwd"] = str(self.jail.folder)
            if self.jail.cgroup is not None:
                kw["preexec_fn"] = self.jail.enter_cgroup
            kernel_cmd = self.jail.command(kernel_cmd)
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.jail is not None and not restart:
            self.jail.close()
            self.jail = None

    cleanup_resources = _async_cleanup_resources
