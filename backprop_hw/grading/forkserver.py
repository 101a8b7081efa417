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

In a sandbox (`SandboxedForkServer`), the server is the init process of the
sandbox's pid namespace and holds one kernel at a time: before each fork, a
"clean" request kills every other process of the namespace (whatever the last
kernel left behind) and empties the sandbox's /tmp and /dev/shm, so that the next
kernel starts as in a fresh sandbox. The server cannot be signalled from inside
(the init of a namespace ignores signals it does not handle) nor traced (it is not
dumpable), so a kernel cannot change what the next one is forked from. A worker
keeps two such servers and alternates, so a kernel boots in one while the other's
runs a notebook: two submissions never share a sandbox at the same time.

The server's own code is backprop_hw/inside/forkserver.py (it runs inside the sandbox, where only
that folder of the package can be read); this module is the grader's handle on it, and the
provisioner that makes jupyter_client use it. Protocol: see that file.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

SERVER = Path(__file__).resolve().parents[1] / "inside" / "forkserver.py"


class ForkServer:
    """The worker's handle on its fork server."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER)], stdin=subprocess.PIPE,
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
    (not our child: the server reaps it). Held by a pidfd, so that once the kernel has ended, its
    pid, even when the system gives it to another process, is never polled or signalled again."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except OSError:  # it has ended already
            self.pidfd, self.returncode = None, 0

    def poll(self) -> int | None:
        if self.returncode is None and self.pidfd is not None:
            readable, _, _ = select.select([self.pidfd], [], [], 0)
            if readable:  # ended; its status went to the server, which reaped it
                self._ended()
        return self.returncode

    def _ended(self) -> None:
        self.returncode = 0
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self.pidfd is not None:
            readable, _, _ = select.select([self.pidfd], [], [], timeout)
            if not readable:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            self._ended()
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:  # as Popen does for a process that has ended
            return
        try:
            signal.pidfd_send_signal(self.pidfd, signum)
        except ProcessLookupError:
            self._ended()

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self) -> None:
        if getattr(self, "pidfd", None) is not None:
            os.close(self.pidfd)


class SandboxedForkServer(ForkServer):
    """A fork server in a sandbox of its own (see sandbox.py), as the init of its pid namespace,
    holding one kernel at a time. `kernel_ended()` cleans the sandbox as soon as its kernel has
    been shut down, so that nothing a notebook started outlives its grading (on a Dask worker the
    servers stay up between runs); `clean()` before each fork makes sure of it whatever happened."""

    def __init__(self, policy) -> None:
        from backprop_hw.grading import sandbox

        self.jail = sandbox.Jail(policy)
        command = self.jail.command([sys.executable, str(SERVER)], as_pid_1=True)
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            bufsize=1, cwd=self.jail.folder, start_new_session=True,
            preexec_fn=self.jail.enter_cgroup if self.jail.cgroup is not None else None)
        self.server_outer_pid: int | None = None  # the server, as the host sees it
        self.kernels = 0
        self.dirty = False  # a kernel was forked since the last clean (or may have been)
        self.last_kernel: int | None = None  # the kernel forked last, as the host sees it

    def clean(self) -> None:
        """End every process of the sandbox but the server, and empty its /tmp (once is enough:
        with no kernel, nothing in the sandbox can start a process)."""
        if self.dirty:
            self._ask({"clean": True})
            self.dirty, self.last_kernel = False, None

    def kernel_ended(self, pid: int | None) -> None:
        """The kernel `pid` was shut down: if it is the one this server holds, clean up after it now,
        not at the next fork (a kernel booting ahead in it since then is left alone)."""
        if pid is not None and pid == self.last_kernel and self.alive():
            self.clean()

    def fork(self, argv: list[str], env: dict[str, str]) -> int:
        self.dirty = True
        inner = super().fork(argv, env)
        self.last_kernel = _outer_pid(self._server_pid(), inner)
        return self.last_kernel

    def _server_pid(self) -> int:
        if self.server_outer_pid is None:
            self.server_outer_pid = _outer_pid(self.process.pid, 1)
        return self.server_outer_pid

    def connection(self) -> tuple[str, str]:
        """(ipc path prefix, connection file) for the next kernel, in the runtime folder the sandbox sees."""
        self.kernels += 1
        stem = self.jail.runtime / f"kernel-{self.kernels}"
        return f"{stem}-ipc", f"{stem}.json"

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.jail.close()


def _outer_pid(parent: int, inner: int) -> int:
    """The pid, as this process sees it, of the child of `parent` whose pid in its own namespace is `inner`."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(parent) and fields.get("NSpid", "").split()[-1:] == [str(inner)]:
            return int(status.parent.name)
    raise RuntimeError(f"the sandboxed fork server's process {inner} is not to be found")


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

    async def send_signal(self, signum: int) -> None:
        """Signal the kernel's process group only while the kernel lives (the pidfd says so): a group
        id, like a pid, may belong to another process once the kernel has ended."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.pgid, signum)
        except OSError:
            self.process.send_signal(signum)
