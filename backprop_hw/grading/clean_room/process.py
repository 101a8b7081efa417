"""The audit's end of the clean room: the student's functions in a process of their own, called
through its pipes (protocol.Channel), each call bounded by the course's limits.

A hidden check receives a StudentFunction in place of the student's function: calling it
sends the arguments as plain data to the student's process (student.py), which runs the
student's code there and sends back the result and what the function did to its arguments.
While it runs, the student's code may ask for the answer key of another graded function or
call back a function argument: those run here, on plain data, within the call's time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from backprop_hw.checks import answer_key
from backprop_hw.checks.calling import HiddenTestFailure, OutsideFunction
from backprop_hw.checks.isolation import quiet
from backprop_hw.checks.messages import say
from backprop_hw.grading import limits, sandbox
from backprop_hw.grading.clean_room import protocol

STUDENT_PROCESS = Path(__file__).with_name("student.py")
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # far above any honest reply (the largest is a few arrays of 400 examples)


class StudentError(Exception):
    """What the student's function did instead of returning: raised, ran too long, ended its process."""


class _OutOfTime(BaseException):
    """A call's time ran out (the alarm of _alarm), wherever this process was: waiting for the
    student's process, or running the answer key on its behalf."""


def printable(text: str, limit: int = 500) -> str:
    """Text the student's code chose, safe to print in a report: one line, no control characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return text if len(text) <= limit else text[:limit] + "..."


class StudentProcess:
    """The student's functions in a process of their own, called through its pipes."""

    def __init__(self, code: list[dict], graded: list[str], workdir: Path, timeout: float, memory_mb: int,
                 wall_time: float = limits.WALL_TIME, policy: sandbox.Policy = sandbox.Policy()) -> None:
        self.code, self.graded, self.workdir, self.policy = code, graded, workdir, policy
        self.jail: sandbox.Jail | None = None
        self.timeout, self.memory_mb, self.wall_time = timeout, memory_mb, wall_time
        self.ends = time.monotonic() + wall_time  # all calls of one submission together
        self.process: subprocess.Popen | None = None
        self.channel: protocol.Channel | None = None
        self.load_errors: list[str] = []
        self.tested = ""  # the function under test: its own answer key stays out of reach

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> None:
        limit = self.memory_mb * 1024 * 1024

        command, cwd = [sys.executable, "-I", str(STUDENT_PROCESS)], self.workdir
        sandbox.check(self.policy)
        if self.policy.enabled:  # a sandbox of its own, with a working copy of workdir
            self.jail = sandbox.Jail(self.policy)
            self.jail.stage(self.workdir)
            command, cwd = self.jail.command(command), self.jail.folder

        def limits() -> None:
            import resource

            if self.jail is not None:
                self.jail.enter_cgroup()
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            # A backstop for the process outliving its audit worker unsandboxed (a worker ended by
            # Ctrl-C cannot kill it): it never needs more CPU than the submission's wall time.
            cpu = int(self.wall_time) + 60
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.workdir), "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=cwd, env=env, start_new_session=True, preexec_fn=limits)
        self.channel = protocol.Channel(self.process.stdout.fileno(), self.process.stdin.fileno(), MAX_MESSAGE_BYTES)
        self._send({"code": self.code, "graded": self.graded})
        loaded = self._receive(min(time.monotonic() + max(self.timeout, 60.0), self.ends))  # imports take a while
        errors = loaded.get("errors")
        self.load_errors = [printable(e) for e in errors][:20] if isinstance(errors, list) else []

    def close(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its children too
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()
        self.process = None
        if self.jail is not None:
            self.jail.close()
            self.jail = None

    # -- the pipe ----------------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        try:
            self.channel.send(message)
        except OSError:  # BrokenPipeError among them
            raise self._ended() from None

    def _receive(self, deadline: float) -> dict:
        try:
            return self.channel.receive(deadline)
        except protocol.Closed:
            raise self._ended() from None
        except protocol.TimedOut:
            self.close()
            raise self._out_of_time(deadline) from None
        except protocol.TooLong:
            self.close()
            raise StudentError(f"the student's process sent a message over {MAX_MESSAGE_BYTES >> 20} MB") from None
        except protocol.DataError as error:
            self.close()
            raise StudentError("the student's process sent something that is not plain data "
                               f"({printable(error, 200)})") from None

    def _ended(self) -> StudentError:
        try:
            code = self.process.wait(timeout=2) if self.process else None
        except subprocess.TimeoutExpired:  # it closed its pipe and lives on: close() ends it
            code = None
        self.close()  # its process group too, and our ends of the pipes
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        memory = " (out of memory?)" if code == -signal.SIGKILL or code == 1 else ""
        return StudentError(f"the student's process ended ({how}{memory})")

    # -- a call ------------------------------------------------------------------------------------

    def call(self, name: str, args: tuple, kwargs: dict, count_lines: bool = False) -> Any:
        if self.process is None:
            if time.monotonic() >= self.ends:  # no new process once the submission's time is spent
                raise self._out_of_time(self.ends)
            self.start()
        callbacks: list[Callable] = []

        def number(function: Callable) -> int:
            callbacks.append(function)
            return len(callbacks) - 1

        self.tested = name
        deadline = min(time.monotonic() + self.timeout, self.ends)
        # The answer key and callbacks run here, in between, on what the student's code asked for:
        # the alarm bounds them by the call's time, and whatever they print goes nowhere.
        try:
            with _alarm(deadline - time.monotonic()), open(os.devnull, "w") as nowhere, \
                    contextlib.redirect_stdout(nowhere), contextlib.redirect_stderr(nowhere):
                return self._call(name, args, kwargs, count_lines, deadline, callbacks, number)
        except _OutOfTime:
            self.close()
            raise self._out_of_time(deadline) from None

    def _out_of_time(self, deadline: float) -> StudentError:
        if deadline >= self.ends:
            return StudentError(f"the submission's functions ran longer than {self.wall_time:g} s in all "
                                f"(GradingLimits.wall_time)")
        return StudentError(f"the function ran longer than {self.timeout:g} s (Execute.timeout)")

    def _call(self, name: str, args: tuple, kwargs: dict, count_lines: bool, deadline: float,
              callbacks: list[Callable], number: Callable[[Callable], int]) -> Any:
        self._send({"op": "call", "name": name, "args": protocol.encode(list(args), number),
                    "kwargs": protocol.encode(kwargs, number), "count_lines": count_lines})
        while True:
            message = self._receive(deadline)
            op = message.get("op")
            if op in ("key", "callback"):
                self._answer(message, callbacks)
                continue
            try:
                if op == "raised":
                    raise StudentError(printable(f"{message.get('type')}: {message.get('message')}"))
                if op != "result":
                    raise protocol.DataError(f"unexpected message {op!r}")
                value = protocol.decode(message["value"])
                if not count_lines:
                    _copy_back(list(args), protocol.decode(message["args_after"]))
                    _copy_back(kwargs, protocol.decode(message["kwargs_after"]))
                return value
            except (protocol.DataError, KeyError, TypeError, RecursionError, OverflowError) as error:
                self.close()
                raise StudentError("the student's process sent something that is not plain data "
                                   f"({printable(error, 200)})") from None

    def _answer(self, message: dict, callbacks: list[Callable]) -> None:
        """A stand-in or a function argument called back from the student's side.

        The answer key runs here on arguments the student's code chose: within the call's alarm,
        printing nowhere (print_cost=True must not reach --json), in a worker whose memory is
        limited (clean_rooms)."""
        try:
            if message["op"] == "key":
                name = message.get("name")
                if name not in answer_key.GRADED_FUNCTIONS:
                    raise StudentError(f"there is no stand-in for {printable(name, 100)}")
                if name == self.tested:  # kept from another function's test (see harness.UNDER_TEST)
                    raise HiddenTestFailure(say("stand_in_refused", name=name))
                function = answer_key.GRADED_FUNCTIONS[name]
            else:
                function = callbacks[int(message["id"])]
            args, kwargs = protocol.decode(message["args"]), protocol.decode(message["kwargs"])
            if not isinstance(args, list) or not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
                raise protocol.DataError("a call's arguments must be a list and a dict")
            with quiet():
                value = function(*args, **kwargs)
            reply = {"op": "return", "value": protocol.encode(value)}
        except Exception as error:  # noqa: BLE001  (the student's side gets the error, as a call would)
            reply = {"op": "raise", "message": printable(f"{type(error).__name__}: {error}")}
        self._send(reply)


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in this thread after `seconds` (only the main thread can take signals:
    elsewhere, as in a test's thread, only the waits for the student's process are bounded)."""
    if threading.current_thread() is not threading.main_thread() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # no signals here, or an outer call's alarm already runs (the earlier deadline)
        return
    if seconds <= 0:
        raise _OutOfTime

    def out_of_time(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _copy_back(original: Any, after: Any) -> None:
    """What the student's function did to its arguments, done to ours (a check may look)."""
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


class StudentFunction(OutsideFunction):
    """What a hidden check receives instead of the student's function."""

    def __init__(self, process: StudentProcess, name: str) -> None:
        self.process, self.name = process, name
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.process.call(self.name, args, kwargs)

    def count_lines(self, name: str, *args: Any) -> int:
        return int(self.process.call(self.name, args, {}, count_lines=True))
