"""The student's side of the clean room: a process that holds only the student's functions.

Run by process.py as ``python -I student.py``, never imported. It reads one
request per line on stdin and answers on the stdout it was started with (the
student's own prints go to /dev/null). The first request holds the code: the
imports and definitions taken from the submission's cells. Each later one calls
a function; while it runs, the other graded functions are stand-ins that ask
the audit to run the answer key, and function arguments (gradient check's
``backward``) call back the same way.

Nothing here can reach the checks: they run in the audit's process and see
only the plain data this process sends back (protocol.py).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from pathlib import Path


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HERE = Path(__file__).resolve().parent
CHECKS = HERE.parents[1] / "checks"
protocol = _load(HERE / "protocol.py", "_clean_room_protocol")
line_count = _load(CHECKS / "line_count.py", "_clean_room_line_count")
isolation = _load(CHECKS / "isolation.py", "_clean_room_isolation")  # swap_in, quiet: as in the kernel
MAX_REQUEST_BYTES = 1 << 30  # the audit's requests are its own: any size it sends is fine


class _NoGraderPackage(importlib.abc.MetaPathFinder):
    """The grader's package (and its answer key) cannot be imported here: the audit grades what the
    student wrote. A tripwire, not a wall: the files stay readable (see the README)."""

    def find_spec(self, name, path=None, target=None):
        if name == "backprop_hw" or name.startswith("backprop_hw."):
            raise ImportError(f"No module named {name!r}")
        return None


def channel() -> "protocol.Channel":
    """The pipes the audit gave this process; fds 0-2 then point to /dev/null, so that the student's
    prints and warnings cannot corrupt the channel."""
    reader, writer = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    return protocol.Channel(reader, writer, MAX_REQUEST_BYTES)


class Student:
    def __init__(self, channel: protocol.Channel, code: list[dict], graded: list[str]) -> None:
        self.channel = channel
        self.graded = graded
        self.namespace: dict = {"__name__": "__main__"}
        self.load_errors = []
        for piece in code:  # each cell apart: a failing import costs what it costs in the notebook
            try:
                exec(compile(piece["source"], piece["filename"], "exec"), self.namespace)
            except BaseException as error:  # noqa: BLE001  (SystemExit too: the student's code stays the student's)
                self.load_errors.append(f"{piece['filename']}: {type(error).__name__}: {error}")

    def stand_in(self, name: str):
        def answer_key(*args, **kwargs):
            return self.ask({"op": "key", "name": name}, args, kwargs)
        answer_key.__name__ = name
        return answer_key

    def callback(self, number: int):
        def call_back(*args, **kwargs):
            return self.ask({"op": "callback", "id": number}, args, kwargs)
        return call_back

    def ask(self, request: dict, args: tuple, kwargs: dict):
        request.update(args=protocol.encode(list(args)), kwargs=protocol.encode(kwargs))
        self.channel.send(request)
        reply = self.channel.receive()
        if reply["op"] == "raise":
            raise RuntimeError(reply["message"])
        return protocol.decode(reply["value"])

    def call(self, request: dict) -> dict:
        name = request["name"]
        if name not in self.namespace:
            return {"op": "raised", "type": "NameError", "message": f"name {name!r} is not defined"}
        function = self.namespace[name]
        args = protocol.decode(request["args"], self.callback)
        kwargs = protocol.decode(request["kwargs"], self.callback)
        restore = isolation.swap_in(self.namespace, {other: self.stand_in(other) for other in self.graded
                                                     if other != name and other in self.namespace})
        try:
            with isolation.quiet():
                if request.get("count_lines"):
                    lines = line_count.count_lines(lambda: function(*args, **kwargs))
                    return {"op": "result", "value": lines}
                value = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001  (its exception is its result: a failed check)
            return {"op": "raised", "type": type(error).__name__, "message": str(error)[:2000]}
        finally:
            restore()
        try:  # a subclass's own __iter__ or items() runs here, and may raise
            return {"op": "result", "value": protocol.encode(value),
                    "args_after": protocol.encode(list(args)), "kwargs_after": protocol.encode(kwargs)}
        except BaseException as error:  # noqa: BLE001
            return {"op": "raised", "type": type(error).__name__, "message": str(error)[:2000]}


def main() -> None:
    sys.path.insert(0, os.getcwd())  # as in a kernel: planar_utils.py beside the notebook
    sys.meta_path.insert(0, _NoGraderPackage())
    for name in [m for m in sys.modules if m == "backprop_hw" or m.startswith("backprop_hw.")]:
        del sys.modules[name]
    pipes = channel()
    try:
        first = pipes.receive()
        student = Student(pipes, first["code"], first["graded"])
        pipes.send({"op": "loaded", "errors": student.load_errors})
        while True:
            serve(student, pipes.receive())
    except protocol.Closed:
        raise SystemExit(0) from None  # the audit is done with us


def serve(student: Student, request: dict) -> None:
    """One call of a student's function, answered."""
    try:
        reply = student.call(request)
    except protocol.DataError as error:
        reply = {"op": "raised", "type": "DataError", "message": str(error)}
    student.channel.send(reply)


if __name__ == "__main__":
    main()
