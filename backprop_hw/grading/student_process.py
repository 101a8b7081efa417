"""The student's side of the clean-room audit: a process that holds only the student's functions.

Run by audit.py as ``python -I student_process.py``, never imported. It reads
one request per line on stdin and answers on the stdout it was started with
(the student's own prints go to /dev/null). The first request holds the code:
the imports and definitions taken from the submission's cells. Each later one
calls a function; while it runs, the other graded functions are stand-ins
that ask the audit to run the answer key, and function arguments (gradient
check's ``backward``) call back the same way. NumPy's global random state
travels with every message, so seeding works as in one process.

Nothing here can reach the checks: they run in the audit's process and see
only the plain data this process sends back (plain_data.py).
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
plain_data = _load(HERE / "plain_data.py", "_audit_plain_data")
line_count = _load(HERE.parent / "checks" / "line_count.py", "_audit_line_count")
isolation = _load(HERE.parent / "checks" / "isolation.py", "_audit_isolation")  # swap_in, quiet: as in the kernel

import numpy as np  # noqa: E402  (after the three helpers, which need nothing but NumPy)



class _NoGraderPackage(importlib.abc.MetaPathFinder):
    """The grader's package (and its answer key) cannot be imported here: the audit grades what the
    student wrote. A tripwire, not a wall: the files stay readable (see the README)."""

    def find_spec(self, name, path=None, target=None):
        if name == "backprop_hw" or name.startswith("backprop_hw."):
            raise ImportError(f"No module named {name!r}")
        return None


class Channel:
    """Lines of JSON on the pipes the audit gave this process."""

    def __init__(self) -> None:
        self.reader = os.fdopen(os.dup(0), "rb")
        self.writer = os.fdopen(os.dup(1), "wb")
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the student's prints and warnings must not corrupt the channel
            os.dup2(null, fd)
        self.rng_seen = None  # the random state last sent or received

    def send(self, message: dict) -> None:
        state = np.random.get_state()
        if self.rng_seen is None or not plain_data.same_random_state(state, self.rng_seen):
            message["rng"] = plain_data.encode(state)
            self.rng_seen = state
        self.writer.write(plain_data.dumps(message))
        self.writer.flush()

    def receive(self) -> dict:
        line = self.reader.readline()
        if not line:
            raise SystemExit(0)  # the audit is done with us
        message = plain_data.loads(line)
        if "rng" in message:
            np.random.set_state(plain_data.decode(message["rng"]))
            self.rng_seen = np.random.get_state()
        return message


class Student:
    def __init__(self, channel: Channel, code: list[dict], graded: list[str]) -> None:
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
        request.update(args=plain_data.encode(list(args)), kwargs=plain_data.encode(kwargs))
        self.channel.send(request)
        reply = self.channel.receive()
        if reply["op"] == "raise":
            raise RuntimeError(reply["message"])
        return plain_data.decode(reply["value"])

    def call(self, request: dict) -> dict:
        name = request["name"]
        if name not in self.namespace:
            return {"op": "raised", "type": "NameError", "message": f"name {name!r} is not defined"}
        function = self.namespace[name]
        args = plain_data.decode(request["args"], self.callback)
        kwargs = plain_data.decode(request["kwargs"], self.callback)
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
            return {"op": "result", "value": plain_data.encode(value),
                    "args_after": plain_data.encode(list(args)), "kwargs_after": plain_data.encode(kwargs)}
        except BaseException as error:  # noqa: BLE001
            return {"op": "raised", "type": type(error).__name__, "message": str(error)[:2000]}


def main() -> None:
    sys.path.insert(0, os.getcwd())  # as in a kernel: planar_utils.py beside the notebook
    sys.meta_path.insert(0, _NoGraderPackage())
    for name in [m for m in sys.modules if m == "backprop_hw" or m.startswith("backprop_hw.")]:
        del sys.modules[name]
    channel = Channel()
    first = channel.receive()
    student = Student(channel, first["code"], first["graded"])
    channel.send({"op": "loaded", "errors": student.load_errors})
    while True:
        request = channel.receive()
        try:
            reply = student.call(request)
        except plain_data.DataError as error:
            reply = {"op": "raised", "type": "DataError", "message": str(error)}
        channel.send(reply)


if __name__ == "__main__":
    main()
