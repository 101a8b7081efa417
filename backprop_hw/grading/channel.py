"""The grader's end of the channel to a student's kernel: the hidden tests call the student's
functions through it, and decide every verdict here, in the grader's process.

Before the notebook's first cell, the kernel loads the kernel's end of the channel
(backprop_hw/inside/kernel_end.py) and registers a comm target (prepare_code()). For one graded test
cell, a KernelSession listens on a Unix socket in the kernel's runtime folder (which its sandbox
sees), opens a comm to that target (a Jupyter message, not a cell: no input transformer, AST
transformer or cell event of the notebook's sees it), and then calls the student's functions
through the connection the kernel's end makes: plain data both ways (backprop_hw/inside/protocol.py), every wait bounded by
the cell's timeout, every reply by a size cap. The kernel receives the answer key of the graded
functions whose test cells are over, to stand in for them, and nothing else of the grader.

Whatever the kernel's code does to its end, the most it can do is answer the calls: a reply that
is not plain data, too large, late or out of turn fails the check; one that is plain data is
checked like any answer.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import socket
import time
import uuid
from queue import Empty
from typing import Any, Callable

from jupyter_core.utils import run_sync

from backprop_hw.checks.calling import OutsideFunction
from backprop_hw.inside import protocol

KERNEL_END = os.path.join(os.path.dirname(protocol.__file__), "kernel_end.py")
MAX_REPLY_BYTES = 64 * 1024 * 1024  # far above any honest reply (the largest: a few arrays of 400 examples)
GRACE = 5.0  # seconds a kernel has to answer after it was interrupted, or to finish the request


class KernelGone(Exception):
    """The kernel died, or stopped answering even after an interrupt: the cell is lost, as in a death."""


class ChannelBroken(Exception):
    """The kernel's end answered with something that is not a reply the grader asked for."""


def prepare_code() -> str:
    """What a fresh kernel runs before the notebook's first cell: the kernel's end, answering comms
    to its TARGET (one expression: it leaves no name in the notebook's namespace)."""
    return f"__import__('runpy').run_path({KERNEL_END!r}, run_name='_backprop_hw_kernel_end')['register']()"


TARGET = "backprop-hw-hidden-tests"  # kernel_end.TARGET (that file is not imported here: it runs in kernels)


class KernelSession:
    """One graded cell's hidden test: the student's functions in the kernel, called from here.

    `timeout` bounds the whole check (the cell's timeout): once it is spent, the kernel is
    interrupted, and a kernel that does not answer within GRACE seconds more is declared gone."""

    def __init__(self, kc, km, folder: str, timeout: float, tested: str, keys: str, key_names: list[str]) -> None:
        self.kc, self.km, self.folder = kc, km, folder
        self.timeout, self.tested, self.keys, self.key_names = timeout, tested, keys, key_names
        self.deadline = 0.0
        self.interrupted = False
        self.request: str | None = None
        self.channel: protocol.Channel | None = None
        self.seconds_waiting = 0.0  # in the kernel, for the benchmark's split of where time goes

    # -- opening and closing -------------------------------------------------------------------------

    def open(self) -> None:
        self.deadline = time.monotonic() + self.timeout
        path = os.path.join(self.folder, f"check-{uuid.uuid4().hex[:12]}.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(path)
            listener.listen(1)
            opening = self.kc.session.msg("comm_open", content={"comm_id": uuid.uuid4().hex, "target_name": TARGET,
                                                                "data": {"path": path}})
            self.kc.shell_channel.send(opening)
            self.request = opening["header"]["msg_id"]
            connection = self._accept(listener)
        finally:
            listener.close()
            with contextlib.suppress(OSError):
                os.unlink(path)
        self.channel = protocol.Channel(connection, MAX_REPLY_BYTES)
        hello = self._receive()
        if hello.get("op") != "hello":
            raise ChannelBroken("the kernel's end did not begin with hello")
        self.channel.send({"op": "begin", "tested": self.tested, "keys": self.keys, "key_names": self.key_names})

    def _accept(self, listener: socket.socket) -> socket.socket:
        """The kernel's connection; if the request ends first (code in the notebook changed it), the
        kernel will not connect: the check fails now, not at the deadline."""
        while True:
            ready, _, _ = select.select([listener], [], [], 0.02)
            if ready:
                connection, _ = listener.accept()
                return connection
            if self._request_finished(0):
                raise ChannelBroken("the kernel did not answer the grader's request (code in the notebook changed "
                                    "how the kernel handles it)")
            if time.monotonic() > self.deadline:
                self._interrupt_or_give_up()

    def close(self, isolate: bool) -> None:
        """Tell the kernel's end we are done (with `isolate`, it sets the stand-ins up for the cell's
        visible tests), and wait for the request to finish, so the next cell runs in a quiet kernel."""
        if self.channel is not None:
            with contextlib.suppress(OSError):
                self.channel.send({"op": "done", "isolate": isolate})
            self.channel.sock.close()
            self.channel = None
        self.finish_request()

    def finish_request(self) -> None:
        """Wait for the kernel to finish the grader's request; interrupt it, and at last give it up."""
        if self.request is None:
            return
        end = max(self.deadline, time.monotonic()) + GRACE
        while self.request is not None and not self._request_finished(0.05):
            if time.monotonic() > end:
                if self.interrupted:
                    raise KernelGone("the kernel did not finish the grader's request, even when interrupted")
                self._interrupt()
                end = time.monotonic() + GRACE

    def _request_finished(self, timeout: float) -> bool:
        """Whether the kernel is done with the grader's request: idle again after it (the kernel says
        so on IOPub; messages about anything else are not the grader's, and nbclient keeps only those
        answering its own requests)."""
        try:
            message = run_sync(self.kc.get_iopub_msg)(timeout=timeout)
        except Empty:
            if not run_sync(self.km.is_alive)():
                raise KernelGone("the kernel died") from None
            return False
        if message.get("parent_header", {}).get("msg_id") != self.request or message.get("msg_type") != "status" \
                or message.get("content", {}).get("execution_state") != "idle":
            return False
        self.request = None
        return True

    # -- waiting ---------------------------------------------------------------------------------------

    def _interrupt(self) -> None:
        self.interrupted = True
        with contextlib.suppress(Exception):
            run_sync(self.km.interrupt_kernel)()

    def _interrupt_or_give_up(self) -> None:
        """The check's time is spent: interrupt the kernel (the call in it raises KeyboardInterrupt,
        and says so), and if it was interrupted already, give it up."""
        if self.interrupted:
            raise KernelGone("the kernel did not answer, even when interrupted")
        self._interrupt()
        self.deadline = time.monotonic() + GRACE

    def _receive(self, callback: Callable[[int], Callable] | None = None) -> dict:
        started = time.perf_counter()
        try:
            while True:
                try:
                    return self.channel.receive(self.deadline, callback)
                except protocol.TimedOut:
                    if not run_sync(self.km.is_alive)():
                        raise KernelGone("the kernel died") from None
                    self._interrupt_or_give_up()
                except protocol.Closed:
                    if not run_sync(self.km.is_alive)():
                        raise KernelGone("the kernel died") from None
                    raise ChannelBroken("the kernel's end closed the channel") from None
                except protocol.TooLong:
                    raise ChannelBroken(f"the kernel sent a message over {MAX_REPLY_BYTES >> 20} MB") from None
                except protocol.DataError as error:
                    raise ChannelBroken(f"the kernel sent something that is not plain data ({error})") from None
        finally:
            self.seconds_waiting += time.perf_counter() - started

    # -- a call ----------------------------------------------------------------------------------------

    def call(self, name: str, args: tuple, kwargs: dict, count_lines: bool = False) -> dict:
        """Call the student's `name` in the kernel; the kernel's reply (see kernel_end.run_call).
        Functions among the arguments stay here: the kernel calls them back through the channel."""
        callbacks: list[Callable] = []

        def number(function: Callable) -> int:
            callbacks.append(function)
            return len(callbacks) - 1

        try:
            self.channel.send({"op": "call", "name": name, "args": list(args), "kwargs": kwargs,
                               "count_lines": count_lines}, callback_id=number)
        except OSError:
            raise ChannelBroken("the kernel's end closed the channel") from None
        while True:
            message = self._receive()
            op = message.get("op")
            if op == "callback":
                self._call_back(message, callbacks)
                continue
            if op not in ("result", "raised", "not_defined", "tracing_changed"):
                raise ChannelBroken(f"the kernel sent {str(op)[:40]!r} where a call's result belongs")
            if op == "result" and not count_lines:
                _copy_back(list(args), message.get("args_after"))
                _copy_back(kwargs, message.get("kwargs_after"))
            return message

    def _call_back(self, message: dict, callbacks: list[Callable]) -> None:
        """A function argument called back by the student's code: it runs here, on plain data, printing nowhere."""
        try:
            number, args, kwargs = message.get("id"), message.get("args"), message.get("kwargs")
            if type(number) is not int or not 0 <= number < len(callbacks) or not isinstance(args, list) \
                    or not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
                raise ChannelBroken("a call back that the grader never offered")
            from backprop_hw.inside.isolation import quiet

            with quiet(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                value = callbacks[number](*args, **kwargs)
            reply = {"op": "return", "value": value}
        except ChannelBroken:
            raise
        except Exception as error:  # noqa: BLE001  (the student's side gets the error, as a call would)
            reply = {"op": "raise", "message": f"{type(error).__name__}: {error}"[:300]}
        try:
            self.channel.send(reply)
        except OSError:
            raise ChannelBroken("the kernel's end closed the channel") from None


def _copy_back(original: Any, after: Any) -> None:
    """What the student's function did to its arguments, done to ours (a check may look)."""
    import numpy as np

    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape and original.flags.writeable:
            original[...] = after
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in list(original):
            if key not in after:
                del original[key]
        for key, value in after.items():
            mine = original.get(key)
            same_array = isinstance(mine, np.ndarray) and isinstance(value, np.ndarray) and mine.shape == value.shape
            if same_array or (isinstance(mine, dict) and isinstance(value, dict)) or (
                    isinstance(mine, list) and isinstance(value, list) and len(mine) == len(value)):
                _copy_back(mine, value)  # in place: the check may hold the inner object too
            else:
                original[key] = value  # added, or replaced by something else (another shape, another type)
    elif isinstance(original, list) and isinstance(after, list) and len(original) == len(after):
        for mine, theirs in zip(original, after):
            _copy_back(mine, theirs)


class KernelFunction(OutsideFunction):
    """What a hidden check receives instead of the student's function: a name in the kernel, called
    through the session, with the notebook's code as the grader read it (for the loop test)."""

    def __init__(self, session: KernelSession, name: str, notebook_code: list[str]) -> None:
        self.session, self.__name__, self.notebook_code = session, name, notebook_code
        self.stand_ins = tuple(session.key_names)

    def run(self, args: tuple, kwargs: dict, count_lines: bool = False) -> dict:
        return self.session.call(self.__name__, args, kwargs, count_lines)
