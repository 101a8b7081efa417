"""The kernel's end of the grader's channel: it calls the student's functions for the hidden tests.

The grader never sends a hidden test to the kernel. Before the notebook's first cell it loads this
file (by path: inside the sandbox the backprop_hw package cannot be read) and register()s a comm
target. For a graded test cell it opens a comm to that target (a Jupyter message that no IPython
input transformer, AST transformer or cell event sees), and serve() connects to the grader's
socket and answers, one by one, the grader's calls of the student's functions: arguments in,
result out, as plain data (protocol.py). The checks, the answer key of every function not yet
graded and the verdicts stay in the grader's process.

Code in the notebook can change or replace all of this; the grader assumes it may. The most such
code can do is answer the calls, and only right answers pass the checks.

run_call() is the one way a student's function is called for a hidden test: here, in the kernel,
and in the grader's own process when the checks are tested on plain functions.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import linecache
import os
import socket
import sys
import traceback
from typing import Any, Callable

import numpy as np


def _sibling(name: str):
    """A module of this folder, loaded by path under a name of its own (no package needed)."""
    module_name = f"_backprop_hw_inside_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, os.path.join(os.path.dirname(__file__), f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


protocol = _sibling("protocol")
line_count = _sibling("line_count")
isolation = _sibling("isolation")

TARGET = "backprop-hw-hidden-tests"  # the comm target the grader opens for each graded cell
MAX_REQUEST_BYTES = 1 << 30  # the grader's requests are its own: any size it sends is fine
ERROR_TEXT = 300  # characters of an exception's text sent back
STDERR_TEXT = 1000  # characters of what a call wrote to stderr sent back


# --- one call ---------------------------------------------------------------------------------------

def student_line(tb) -> list | None:
    """[line number, source line] of the last line of the student's own code in a traceback."""
    library = line_count.library_paths() + (os.path.dirname(np.__file__) + os.sep,)
    found = None
    for frame, number in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if filename.startswith(library):
            continue
        line = linecache.getline(filename, number, frame.f_globals).strip()
        if line:
            found = [number, line if len(line) <= 160 else line[:157] + "..."]
    return found


def run_call(function: Callable, args: tuple, kwargs: dict, stand_ins: dict[str, Callable],
             count_lines: bool = False) -> dict:
    """Call function(*args, **kwargs) for a hidden test and say what happened, as plain data.

    While it runs, the names in `stand_ins` (the other graded functions) answer from the answer key
    in the function's own namespace, warnings are silenced and stderr is captured. Returns
    {"op": "result", "value", "stderr"}, {"op": "raised", "type", "message", "line", "interrupted"},
    or {"op": "tracing_changed"} when count_lines could not count (the value is then the count).
    """
    namespace = getattr(function, "__globals__", None)
    restore = isolation.swap_in(namespace, stand_ins) if isinstance(namespace, dict) else (lambda: None)
    stderr = io.StringIO()
    try:
        with isolation.quiet(), contextlib.redirect_stderr(stderr):
            if count_lines:
                value = line_count.count_lines(lambda: function(*args, **kwargs))
            else:
                value = function(*args, **kwargs)
    except line_count.TracingChanged:
        return {"op": "tracing_changed"}
    except BaseException as error:  # noqa: BLE001  (SystemExit, an interrupt: the function's outcome)
        text = " ".join(str(error).split())
        return {"op": "raised", "type": type(error).__name__, "message": text[:ERROR_TEXT],
                "line": student_line(error.__traceback__), "interrupted": isinstance(error, KeyboardInterrupt)}
    finally:
        restore()
    return {"op": "result", "value": value, "stderr": stderr.getvalue()[:STDERR_TEXT]}


# --- the answer key of the functions graded already --------------------------------------------------

def load_stand_ins(source: str, names: list[str]) -> dict[str, Callable]:
    """The stand-ins the grader sent as code: the answer key of the graded functions whose tests are
    over (never the function under test, never one whose test cells are still to come)."""
    namespace: dict = {"__name__": "backprop_hw_answer_key"}
    exec(compile(source, line_count.ANSWER_KEY_FILE, "exec"), namespace)
    return {name: namespace[name] for name in names}


def isolate(namespace: dict, tested: str, stand_ins: dict[str, Callable]) -> None:
    """Until the next notebook cell (the test cell's visible tests) ends, the other graded functions
    whose tests are over answer from the answer key, and warnings are silenced; an IPython
    post_run_cell callback puts everything back."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    put_back = isolation.swap_in(namespace, {name: f for name, f in stand_ins.items() if name != tested})
    warning_filters, numpy_errors = isolation.silence()

    def restore(result=None) -> None:
        put_back()
        isolation.unsilence(warning_filters, numpy_errors)
        shell.events.unregister("post_run_cell", restore)

    shell.events.register("post_run_cell", restore)


# --- the session ----------------------------------------------------------------------------------------

def _namespace() -> dict:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else sys.modules["__main__"].__dict__


class Session:
    """One graded cell's calls, as the grader sends them."""

    def __init__(self, channel) -> None:
        self.channel = channel
        self.namespace = _namespace()
        self.stand_ins: dict[str, Callable] = {}
        self.tested = ""

    def begin(self, message: dict) -> None:
        self.tested = message["tested"]
        self.stand_ins = load_stand_ins(message["keys"], message["key_names"])

    def callback(self, number: int) -> Callable:
        """A function the grader passed as an argument: calling it asks the grader to run it."""
        def call_back(*args: Any, **kwargs: Any) -> Any:
            self.channel.send({"op": "callback", "id": number, "args": list(args), "kwargs": kwargs})
            reply = self.channel.receive()
            if reply.get("op") != "return":
                raise RuntimeError(str(reply.get("message", "the grader's function failed"))[:ERROR_TEXT])
            return reply["value"]
        return call_back

    def call(self, message: dict) -> dict:
        function = self.namespace.get(message["name"])
        if not callable(function):
            return {"op": "not_defined"}
        stand_ins = {name: f for name, f in self.stand_ins.items() if name != message["name"]}
        reply = run_call(function, tuple(message["args"]), message["kwargs"], stand_ins,
                         bool(message.get("count_lines")))
        if reply["op"] == "result":  # what the function did to its arguments, for the checks to see
            reply.update(args_after=message["args"], kwargs_after=message["kwargs"])
        return reply

    def serve(self) -> dict:
        """Answer calls until the grader says it is done; returns that last message."""
        while True:
            message = self.channel.receive(callback=self.callback)
            op = message.get("op")
            if op == "done":
                return message
            if op == "begin":
                self.begin(message)
                continue
            reply = self.call(message)
            try:  # a result's own __iter__ or items() runs while it is encoded, and may raise
                self.channel.send(reply)
            except Exception as error:  # noqa: BLE001  (its failure is the call's result)
                self.channel.send({"op": "raised", "type": type(error).__name__,
                                   "message": str(error)[:ERROR_TEXT], "line": None, "interrupted": False})


def serve(path: str) -> None:
    """Connect to the grader at `path` (a Unix socket) and answer its calls. The notebook's random
    state is put back at the end, so the cells after a check see what they would have seen without it."""
    notebook_state = np.random.get_state()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        channel = protocol.Channel(sock, MAX_REQUEST_BYTES)
        channel.send({"op": "hello"})
        session = Session(channel)
        done = session.serve()
        if done.get("isolate"):
            isolate(session.namespace, session.tested, session.stand_ins)
    except (protocol.Closed, KeyboardInterrupt):
        pass  # the grader is gone, or gave up on us: nothing to answer
    finally:
        sock.close()
        np.random.set_state(notebook_state)


def register() -> None:
    """Before any student code runs: answer the grader's comms to TARGET by serving its calls."""
    from IPython import get_ipython

    get_ipython().kernel.comm_manager.register_target(TARGET, _opened)


def _opened(comm, message: dict) -> None:
    try:
        serve(str(message["content"]["data"]["path"]))
    finally:
        with contextlib.suppress(Exception):
            comm.close()
