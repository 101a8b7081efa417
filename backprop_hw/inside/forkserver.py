"""The fork server's own code, inside its sandbox: standard library, ipykernel, NumPy and matplotlib.

It has imported what every kernel imports, and forks a fresh kernel from itself on request (see
backprop_hw/grading/forkserver.py, the grader's handle on it, for why and how). It runs from this
folder, which the sandbox mounts, as `python .../inside/forkserver.py`: inside the sandbox the rest of
the backprop_hw package cannot be read.

Protocol (JSON lines over the server's stdin/stdout): {"argv": [...], "env": {...}}
answers {"pid": N} (N as the server sees it); {"stats": true} answers
{"peak_rss_mb": X}, the largest peak resident memory of the kernels ended so far;
{"clean": true} answers {"cleaned": K}, the number of processes it ended.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys

# What a kernel would set up itself, set before matplotlib reads it at import (ipykernel does the same).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
SANDBOX_ENVIRONMENT = ("HOME", "TMPDIR", "MPLCONFIGDIR")


def _entry():
    """entry.py of this folder (the sandbox's set-up of HOME and the working copy), loaded by path."""
    name = "_backprop_hw_inside_entry"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(os.path.abspath(__file__)), "entry.py"))
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def serve() -> None:
    """Run the server: import ahead, then fork a kernel for each request until stdin closes."""
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    import ipykernel.kernelapp  # noqa: F401  (imported ahead: this is the point)
    import matplotlib.pyplot  # noqa: F401  (the inline backend itself loads later, in the kernel's shell)
    import numpy  # noqa: F401

    peak_rss_kb = 0

    def reap(signum, frame) -> None:  # kernels are reaped as they end, and their peak memory noted
        nonlocal peak_rss_kb
        while True:
            try:
                pid, _, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            peak_rss_kb = max(peak_rss_kb, usage.ru_maxrss)

    signal.signal(signal.SIGCHLD, reap)
    sandboxed = os.getpid() == 1  # the init of a sandbox's pid namespace
    if sandboxed:
        _not_dumpable()
    requests, answers = sys.stdin, sys.stdout
    kernels: set[int] = set()
    try:
        for line in requests:
            request = json.loads(line)
            if request.get("stats"):
                answer = {"peak_rss_mb": peak_rss_kb / 1024}
            elif request.get("clean"):
                answer = {"cleaned": _clean_sandbox() if sandboxed else 0}
                kernels.clear()
            else:
                # the kernel watches the server as its parent, and ends if the server goes
                env = dict(request["env"], JPY_PARENT_PID=str(os.getpid()))
                if sandboxed:  # the sandbox's own HOME, TMPDIR and MPLCONFIGDIR, not the grader's
                    env.update({k: os.environ[k] for k in SANDBOX_ENVIRONMENT if k in os.environ})
                try:
                    pid = os.fork()
                except OSError as error:  # e.g. no memory left: this kernel fails, the server goes on
                    answer = {"error": f"fork failed: {error}"}
                else:
                    if pid == 0:
                        _become_kernel(request["argv"], env, [requests.fileno(), answers.fileno()])
                    kernels.add(pid)
                    answer = {"pid": pid}
            answers.write(json.dumps(answer) + "\n")
            answers.flush()
    finally:  # the worker is gone (its pipe closed): no kernel of ours outlives it
        for pid in kernels:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def _not_dumpable() -> None:
    """No process of the same user may trace this one or read its memory (prctl PR_SET_DUMPABLE 0)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def _clean_sandbox() -> int:
    """As the namespace's init: end every other process, reap them, empty /tmp and /dev/shm, set up HOME again."""
    import time

    sandbox_entry = _entry()
    ended = 0
    reaper = signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(-1, signal.SIGKILL)  # every process of the namespace but this one
            except ProcessLookupError:
                break
            try:
                pid, _ = os.waitpid(-1, 0)
                ended += pid > 0
            except ChildProcessError:
                break
    finally:
        signal.signal(signal.SIGCHLD, reaper)
    if shutil.which("ipcrm"):  # System V shared memory, semaphores, queues: they outlive their processes
        subprocess.run(["ipcrm", "--all"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
    keep = {k for k in os.environ.get("BACKPROP_HW_SANDBOX_KEEP", "").split(os.pathsep) if k}
    for folder in ("/tmp", "/dev/shm"):
        _empty(folder, keep)
    for runtime in os.environ.get("BACKPROP_HW_SANDBOX_WIPE", "").split(os.pathsep):
        if runtime and os.path.isdir(runtime):
            _empty(runtime, set())
    sandbox_entry.set_up_home(os.environ.get("BACKPROP_HW_SANDBOX_SEED", ""))
    sandbox_entry.copy_in("", os.environ.get("BACKPROP_HW_SANDBOX_WORKDIR", "/tmp/submission"))  # empty, and here
    return ended


def _empty(folder: str, keep: set[str]) -> None:
    """Remove everything in folder but the paths in keep (mount points of the sandbox) and their parents."""
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if path in keep:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            _make_removable(path)
            if any(k.startswith(path + "/") for k in keep):
                _empty(path, keep)
            else:
                shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


def _make_removable(path: str) -> None:
    """A kernel may have taken the write bit off its folders: give it back, so they can be removed."""
    if os.path.isdir(path) and not os.path.islink(path):
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass
        for root, dirs, _ in os.walk(path):  # top down: each folder is opened after it was made readable
            for name in dirs:
                try:
                    os.chmod(os.path.join(root, name), 0o700)
                except OSError:
                    pass


def _become_kernel(argv: list[str], env: dict[str, str], server_fds: list[int]) -> None:
    """In the forked child: become `python -m ipykernel_launcher ARGS` as if freshly started."""
    code = 1
    try:
        os.setsid()  # its own process group, as jupyter_client gives a kernel
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        for fd in server_fds:
            if fd > 2:
                os.close(fd)
        os.environ.clear()
        os.environ.update(env)
        for name in [m for m in sys.modules if m.startswith(("backprop_hw", "_backprop_hw"))]:
            del sys.modules[name]  # nothing of the server's own code stays in the kernel
        import random

        import numpy

        random.seed()  # a fresh process would draw fresh seeds; a fork copies the server's
        numpy.random.seed()
        sys.argv = [argv[2]] + argv[3:]
        here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
        sys.path[:] = [p for p in sys.path if not (p and os.path.realpath(p) == here)]  # the server's own folder
        if sys.path and (sys.path[0] == "" or os.path.realpath(sys.path[0]) == os.path.realpath(os.getcwd())):
            del sys.path[0]  # as ipykernel_launcher does: IPython puts the kernel's folder back first
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    finally:
        os._exit(code)


if __name__ == "__main__":
    serve()
