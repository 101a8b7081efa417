"""A fork server for kernels: a process that has already imported what every kernel imports,
and forks a fresh kernel from itself on request.

Starting a Python kernel costs about a second of CPU (the interpreter, IPython,
ipykernel, zmq, then NumPy and matplotlib in the notebook's first cell), and
on a 2-core machine grading is CPU-bound, so that second is paid for by every
submission. Forking a process that holds those modules costs a few
milliseconds. Each submission still gets a process of its own, started before
its notebook was seen, with a fresh address space (copy-on-write), its own
environment, folder, random seeds and session; nothing a kernel does reaches
the server or another kernel.

Only modules without side effects on an IPython shell are imported ahead
(NumPy, matplotlib and pyplot but not its backend, ipykernel's application
classes), so the kernel sets up its shell, its display hooks and the inline
backend exactly as a kernel started by `python -m ipykernel_launcher` does.

Protocol (JSON lines over the server's stdin/stdout): {"argv": [...], "env": {...}}
answers {"pid": N}; {"stats": true} answers {"peak_rss_mb": X}, the largest
peak resident memory of the kernels ended so far.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

# What a kernel would set up itself, set before matplotlib reads it at import (ipykernel does the same).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


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
    requests, answers = sys.stdin, sys.stdout
    kernels: set[int] = set()
    try:
        for line in requests:
            request = json.loads(line)
            if request.get("stats"):
                answer = {"peak_rss_mb": peak_rss_kb / 1024}
            else:
                # the kernel watches the server as its parent, and ends if the server goes
                env = dict(request["env"], JPY_PARENT_PID=str(os.getpid()))
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
        for name in [m for m in sys.modules if m == "backprop_hw" or m.startswith("backprop_hw.")]:
            del sys.modules[name]  # the kernel imports the checks afresh, as any kernel would
        import random

        import numpy

        random.seed()  # a fresh process would draw fresh seeds; a fork copies the server's
        numpy.random.seed()
        sys.argv = [argv[2]] + argv[3:]
        if sys.path and (sys.path[0] == "" or os.path.realpath(sys.path[0]) == os.path.realpath(os.getcwd())):
            del sys.path[0]  # as ipykernel_launcher does: IPython puts the kernel's folder back first
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    finally:
        os._exit(code)


class ForkServer:
    """The worker's handle on its fork server."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backprop_hw.grading.forkserver"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the kernel fork server stopped (exit status {self.process.poll()})")
        return json.loads(answer)

    def fork(self, argv: list[str], env: dict[str, str]) -> int:
        answer = self._ask({"argv": argv, "env": env})
        if "pid" not in answer:
            raise RuntimeError(f"the kernel fork server could not start a kernel: {answer.get('error')}")
        return answer["pid"]

    def alive(self) -> bool:
        return self.process.poll() is None

    def peak_rss_mb(self) -> float:
        return self._ask({"stats": True})["peak_rss_mb"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class ForkedProcess:
    """The Popen interface jupyter_client's LocalProvisioner uses, for a kernel the server forked
    (not our child: the server reaps it, so we poll whether it still exists)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # ended; its status went to the server, which reaped it
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        waited = 0.0
        while self.poll() is None:
            if timeout is not None and waited >= timeout:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
            waited += 0.02
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:  # as Popen does for a process that has ended
            return
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def forkable(cmd: list[str]) -> bool:
    """Is this `python -m ipykernel_launcher ...` of the very environment the server runs in?
    (Paths compared without resolving links: two virtual environments share one interpreter.)"""
    return (len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"]
            and os.path.abspath(cmd[0]) == os.path.abspath(sys.executable))


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel forked by a ForkServer instead of exec'd."""

    server: ForkServer | None = None  # set by the worker before the kernel starts

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        if not forkable(cmd):  # a kernel of another interpreter or kind: start it the ordinary way
            return await super().launch_kernel(cmd, **kwargs)
        env = kwargs.get("env") or dict(os.environ)
        pid = self.server.fork(cmd, env)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # the kernel leads its own process group (setsid)
        self.cwd = kwargs.get("cwd", os.getcwd())
        return self.connection_info


if __name__ == "__main__":
    serve()
