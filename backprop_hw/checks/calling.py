"""How the hidden tests call a student's function: quietly, in isolation, with clear failures.

A check receives either a plain function (the tests of the checks, the mutation harness) or, when
a notebook is graded, an OutsideFunction: a name in the student's kernel, called through the
grader's channel (grading/channel.py). Both are called the one way of inside/kernel_end.run_call,
there or here, and their replies become the same verdicts and messages here, in the grader.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
from typing import Any, Callable, Iterator, NoReturn

import numpy as np

from backprop_hw.checks import answer_key
from backprop_hw.checks.messages import say
from backprop_hw.checks.numerical import relative_difference
from backprop_hw.inside import kernel_end
from backprop_hw.checks import loops
from backprop_hw.checks.tolerances import (
    GRADIENT_RTOL,
    LARGE_M,
    LOOP_LINES_ALLOWED,
    SMALL_M,
    VALUE_ATOL,
    VALUE_RTOL,
)


class HiddenTestFailure(AssertionError):
    """A hidden test found a mistake; the message says which quantity and which equation."""


# The student's call that the check made last, in words ("forward_propagation(X of shape (3, 1), ...)"):
# every failure names it, so a student reads which function failed on which input. Set by call(),
# scoped to one check by @hidden_test (a context variable, so nothing carries over between checks).
_LAST_CALL: contextvars.ContextVar[str] = contextvars.ContextVar("last_call", default="")


def fail(message: str) -> NoReturn:
    """Fail the hidden test with `message`, after the call it is about."""
    about = _LAST_CALL.get()
    raise HiddenTestFailure(f"{about}: {message}" if about and not message.startswith(about) else message)


def hidden_test(check: Callable[..., None]) -> Callable[..., None]:
    """A check of one graded cell: it starts with no call made, and none is remembered after it."""

    @functools.wraps(check)
    def run(*args: Any, **kwargs: Any) -> None:
        return contextvars.copy_context().run(check, *args, **kwargs)

    return run


@contextlib.contextmanager
def beyond_the_lecture(asks: str) -> Iterator[None]:
    """Checks of generality beyond the lecture's network (one output unit, m ≥ 2 examples).

    They run in a cell of their own, worth a small share of the function's points, so
    that code right on the lecture's network keeps most of them; a failure here says
    what was tested beyond it and where the notebook asks for it (`asks`).
    """
    try:
        yield
    except HiddenTestFailure as failure:
        said = str(failure).rstrip()
        said += "" if said.endswith((".", "!", "?", ":")) else "."
        raise HiddenTestFailure(say("beyond_the_lecture", failure=said, asks=asks)) from failure


# --- a call, in words -----------------------------------------------------------------------

def describe_value(name: str, value: Any) -> str:
    """One argument in words: shapes and sizes, never the numbers of an array."""
    if isinstance(value, (bool, np.bool_)):
        return f"{name}={bool(value)}"
    if isinstance(value, (int, np.integer)):
        return f"{name}={int(value)}"
    if isinstance(value, (float, np.floating)) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return f"{name}={float(value):.3g}"
    if isinstance(value, np.ndarray):
        return say("input_array", name=name, shape=value.shape)
    if isinstance(value, dict):
        if all(isinstance(value.get(k), np.ndarray) and value[k].ndim == 2 for k in ("W1", "W2")):
            (n_h, n_x), n_y = value["W1"].shape, value["W2"].shape[0]
            return say("input_parameters", name=name, n_x=n_x, n_h=n_h, n_y=n_y)
        if isinstance(value.get("Z1"), np.ndarray) and value["Z1"].ndim == 2:
            return say("input_cache", name=name, m=value["Z1"].shape[1])
        if any(str(k).startswith("d") for k in value):
            return say("input_grads", name=name)
        return name
    if callable(value):
        return f"{name}={getattr(value, 'description', None) or getattr(value, '__name__', 'a function')}"
    return name


def describe_call(name: str, args: tuple, kwargs: dict) -> str:
    """``name(...)`` with each argument in words, named as the notebook's docstring names it."""
    try:
        bound = inspect.signature(answer_key.GRADED_FUNCTIONS[name]).bind(*args, **kwargs).arguments
        arguments = list(bound.items())
    except (KeyError, TypeError):
        arguments = [(f"#{i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
    return f"{name}({', '.join(describe_value(k, v) for k, v in arguments)})"


def printable(text: Any, limit: int) -> str:
    """Text the student's kernel sent, safe in a message: one line, no control characters, at most `limit`."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def raised(described: str, reply: dict) -> str:
    """The message for a student's function that raised: the call, the exception and the line."""
    where = reply.get("line")
    if not (isinstance(where, list) and len(where) == 2 and type(where[0]) is int and isinstance(where[1], str)):
        where = None
    if reply.get("interrupted") is True:  # the grader interrupts a check that runs too long
        line = f"`{printable(where[1], 160)}` (line {where[0]})" if where else "?"
        return say("interrupted", call=described, line=line)
    text = printable(reply.get("message", ""), 300)
    error_text = printable(reply.get("type", "Exception"), 100) + (f": {text}" if text else "")
    if where is None:
        return say("raised", call=described, error=error_text)
    return say("raised_at", call=described, error=error_text, number=where[0], line=printable(where[1], 160))


class OutsideFunction:
    """A student's function that runs in the student's kernel, not here (grading/channel.py)."""

    __name__ = ""
    notebook_code: list[str] | None = None  # the code cells the kernel ran before this test, as the grader read them
    stand_ins: tuple[str, ...] = ()  # the graded functions the answer key stands in for during the test

    def run(self, args: tuple, kwargs: dict, count_lines: bool = False) -> dict:
        """What kernel_end.run_call said of this call."""
        raise NotImplementedError


def _run(function: Callable, name: str, args: tuple, kwargs: dict, count_lines: bool = False) -> dict:
    """Call the student's function the one way (kernel_end.run_call), in its kernel or here."""
    if isinstance(function, OutsideFunction):
        return function.run(args, kwargs, count_lines)
    stand_ins = {other: trusted for other, trusted in answer_key.GRADED_FUNCTIONS.items() if other != name}
    return kernel_end.run_call(function, args, kwargs, stand_ins, count_lines)


def call(function: Callable, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a student's function quietly, with the answer key standing in for the others.

    What the student's code raises becomes a HiddenTestFailure that names the function,
    the input in words and the line of the student's code that raised (nbgrader's
    feedback shows the message of a hidden test's error, not its traceback).
    """
    described = describe_call(name, args, kwargs)
    _LAST_CALL.set(described)
    reply = _run(function, name, args, kwargs)
    if reply.get("op") == "not_defined":
        fail(say("not_defined", name=name))
    if reply.get("op") == "raised":
        raise HiddenTestFailure(raised(described, reply))
    if reply.get("op") != "result":
        fail(say("tracing_changed", name=name))  # a count's reply where a value belongs: only a forged kernel sends it
    written = reply.get("stderr")
    if isinstance(written, str) and written.strip():  # nbgrader would give the cell 0 for it: say which call wrote it
        fail(say("wrote_to_stderr", text=printable(written, 100)))
    return reply.get("value")


def as_array(value: Any, what: str) -> np.ndarray:
    """The student's result as a float array, or a failure that says why it is not one."""
    if value is None:
        fail(say("returned_none", what=what))
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        fail(say("not_an_array", what=what, type=type(value).__name__))


def get_key(result: Any, key: str, function: str) -> Any:
    if not isinstance(result, dict):
        fail(say("not_a_dict", function=function, type=type(result).__name__))
    if key not in result:
        fail(say("missing_key", function=function, key=key, keys=sorted(result)))
    return result[key]


def expect_shape(value: np.ndarray, shape: tuple, what: str, hint: str) -> None:
    if value.shape != tuple(shape):
        fail(say("wrong_shape", what=what, actual=value.shape, expected=tuple(shape), hint=hint))


def expect_close(value: np.ndarray, trusted: np.ndarray, what: str, hint: str) -> None:
    """Values against the answer key (shape first, then VALUE_RTOL/ATOL)."""
    expect_shape(value, np.shape(trusted), what, hint)
    if not np.allclose(value, trusted, rtol=VALUE_RTOL, atol=VALUE_ATOL):
        fail(say("close_wrong_values", what=what, hint=hint))


def expect_gradient(value: np.ndarray, numerical: np.ndarray, what: str, of: str, hint: str) -> None:
    """A gradient against central differences, by relative_difference."""
    expect_shape(value, np.shape(numerical), what, say("same_shape_hint", hint=hint))
    difference = relative_difference(value, numerical)
    if not difference < GRADIENT_RTOL:
        fail(say("gradient_disagrees", what=what, of=of, difference=difference, allowed=GRADIENT_RTOL, hint=hint))


def lines_executed(function: Callable, name: str, *args: Any) -> int:
    """How many lines of the student's own code one call executes (library code not counted), as
    the process that ran it counted them: the student's kernel may lie, so a count can only fail a test."""
    described = describe_call(name, args, {})
    reply = _run(function, name, args, {}, count_lines=True)
    if reply.get("op") == "not_defined":
        fail(say("not_defined", name=name))
    if reply.get("op") == "raised":
        raise HiddenTestFailure(raised(described, reply))
    if reply.get("op") != "result" or type(reply.get("value")) is not int:
        fail(say("tracing_changed", name=name))
    return reply["value"]


def expect_no_loop_over_examples(function: Callable, name: str, make_args: Callable[[int], tuple], hint: str) -> None:
    """No Python loop runs over the examples in a vectorized function, by two measures.

    The grader reads the function's source in the notebook, and the helpers it reaches, for a loop
    whose length depends on the examples (checks/loops.py): what the kernel does cannot change that
    reading. Then the lines the function executes for LARGE_M examples and for SMALL_M are counted
    in its process, where a loop the reading could not see adds at least one line per example.
    """
    code = getattr(function, "notebook_code", None)
    if code is not None:
        positions = {p: i for i, p in enumerate(inspect.signature(answer_key.GRADED_FUNCTIONS[name]).parameters)}
        found = loops.loop_over_examples(code, name, answer_key.EXAMPLE_ARGUMENTS[name],
                                         frozenset(getattr(function, "stand_ins", ())), positions)
        if found is not None:
            line = printable(found.line, 120)
            why = say("uses", line=line, what=found.why) if found.message_key == "source_unreadable" and line else found.why
            fail(say(found.message_key, name=name, line=line, hint=hint, why=why))
    few = lines_executed(function, name, *make_args(SMALL_M))
    many = lines_executed(function, name, *make_args(LARGE_M))
    if many - few > LOOP_LINES_ALLOWED:
        fail(say("loop_over_examples", name=name, extra=many - few, large=LARGE_M, small=SMALL_M, hint=hint))
