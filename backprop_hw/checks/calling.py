"""How the hidden tests call a student's function: quietly, in isolation, with clear failures."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import io
import linecache
import os
import sys
import traceback
import warnings
from types import TracebackType
from typing import Any, Callable, Iterator, NoReturn

import numpy as np

from backprop_hw.checks import answer_key
from backprop_hw.checks.isolation import quiet, swap_in
from backprop_hw.checks.numerical import relative_difference
from backprop_hw.checks.line_count import TracingChanged, count_lines
from backprop_hw.checks.messages import say
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


# The graded functions whose tests are running now: a stand-in for one of them refuses to answer,
# so a student's function cannot keep a stand-in from another function's test to answer its own.
UNDER_TEST: list[str] = []


def stand_in(name: str) -> Callable:
    """The answer key's ``name``, for the student's other functions to call while they are tested."""
    trusted = answer_key.GRADED_FUNCTIONS[name]

    @functools.wraps(trusted)
    def answer(*args: Any, **kwargs: Any) -> Any:
        if name in UNDER_TEST:
            fail(say("stand_in_refused", name=name))
        return trusted(*args, **kwargs)

    return answer


class NotDefined:
    """What a hidden test receives for a graded function the notebook does not define (its cell
    raised, or was deleted): calling it fails with a message that says so, as a wrong answer would."""

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fail(say("not_defined", name=self.__name__))


@contextlib.contextmanager
def stand_ins(tested: Callable, tested_name: str) -> Iterator[None]:
    """While ``tested`` runs, its calls to the other graded functions reach the answer key.

    So a mistake in, say, ``sigmoid`` costs sigmoid's points only, not those of
    every function that calls it (nor does a sigmoid the notebook never defined).
    The student's namespace is restored after.
    """
    namespace = getattr(tested, "__globals__", None)
    if namespace is None:
        yield
        return
    restore = swap_in(namespace, {name: stand_in(name) for name in answer_key.GRADED_FUNCTIONS if name != tested_name})
    UNDER_TEST.append(tested_name)
    try:
        yield
    finally:
        UNDER_TEST.remove(tested_name)
        restore()


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


# Where the grader's own code and the libraries live: a frame elsewhere is the student's.
_NOT_STUDENT_CODE = tuple(sorted({os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
                                  os.path.dirname(np.__file__) + os.sep, sys.prefix + os.sep,
                                  sys.base_prefix + os.sep, sys.exec_prefix + os.sep, "<frozen"}))


def student_line(tb: TracebackType | None) -> tuple[int, str] | None:
    """(line number, source line) of the last line of the student's own code in a traceback."""
    found = None
    for frame, number in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if filename.startswith(_NOT_STUDENT_CODE):
            continue
        line = linecache.getline(filename, number, frame.f_globals).strip()
        if line:
            found = (number, line if len(line) <= 160 else line[:157] + "...")
    return found


def raised(described: str, error: BaseException) -> str:
    """The message for a student's function that raised: the call, the exception and the line."""
    where = student_line(error.__traceback__)
    if isinstance(error, KeyboardInterrupt):  # the grader interrupts a cell that runs too long
        line = f"`{where[1]}` (line {where[0]})" if where else "?"
        return say("interrupted", call=described, line=line)
    text = " ".join(str(error).split())
    error_text = type(error).__name__ + (f": {text[:300]}" if text else "")
    if where is None:
        return say("raised", call=described, error=error_text)
    return say("raised_at", call=described, error=error_text, number=where[0], line=where[1])


def call(function: Callable, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a student's function quietly, with the answer key standing in for the others.

    What the student's code raises becomes a HiddenTestFailure that names the function,
    the input in words and the line of the student's code that raised (nbgrader's
    feedback shows the message of a hidden test's error, not its traceback).
    """
    described = describe_call(name, args, kwargs)
    _LAST_CALL.set(described)
    try:
        with quiet(), stand_ins(function, name), contextlib.redirect_stderr(io.StringIO()) as stderr:
            result = function(*args, **kwargs)
    except HiddenTestFailure:  # a stand-in refused to answer: its message names the call already
        raise
    except (Exception, SystemExit, KeyboardInterrupt) as error:
        if isinstance(function, OutsideFunction):  # the clean-room audit reports what its process did
            raise
        raise HiddenTestFailure(raised(described, error)) from error
    if written := stderr.getvalue().strip():  # nbgrader would give the cell 0 for it: say which call wrote it
        fail(say("wrote_to_stderr", text=" ".join(written.split())[:100]))
    return result


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


class OutsideFunction:
    """A student's function that runs in another process (the clean-room audit): it counts its
    own lines there, where its code is."""

    def count_lines(self, name: str, *args: Any) -> int:
        raise NotImplementedError


def lines_executed(function: Callable, name: str, *args: Any) -> int:
    """How many lines of the student's own code one call executes (library code not counted)."""
    if isinstance(function, OutsideFunction):
        return function.count_lines(name, *args)
    try:
        return count_lines(lambda: call(function, name, *args))
    except TracingChanged:
        fail(say("tracing_changed", name=name))


def expect_no_loop_over_examples(function: Callable, name: str, make_args: Callable[[int], tuple], hint: str) -> None:
    """A vectorized function executes as many lines for LARGE_M examples as for SMALL_M."""
    few = lines_executed(function, name, *make_args(SMALL_M))
    many = lines_executed(function, name, *make_args(LARGE_M))
    if many - few > LOOP_LINES_ALLOWED:
        fail(say("loop_over_examples", name=name, extra=many - few, large=LARGE_M, small=SMALL_M, hint=hint))


def isolate(tested_name: str) -> None:
    """Until the current notebook cell ends, the other graded functions answer from the key.

    Called by the hidden line at the top of each graded test cell, so that the
    cell's visible asserts, too, test ``tested_name`` alone (a ``tested_name`` the notebook
    does not define becomes a NotDefined, which says so when called), and silence warnings
    for the cell (nbgrader scores any stderr output as a failure). An IPython
    ``post_run_cell`` callback undoes both, also when the cell fails.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # not in a kernel: nothing to isolate
        return
    namespace = shell.user_ns
    replacements = {name: stand_in(name) for name in answer_key.GRADED_FUNCTIONS if name != tested_name}
    if not callable(namespace.get(tested_name)):  # so that the hidden test says so, instead of a bare NameError
        replacements[tested_name] = NotDefined(tested_name)
    put_back = swap_in(namespace, replacements)
    UNDER_TEST.append(tested_name)
    warning_filters = warnings.filters[:]
    numpy_errors = np.seterr(all="ignore")
    warnings.simplefilter("ignore")

    def restore(result=None) -> None:
        UNDER_TEST.remove(tested_name)
        put_back()
        warnings.filters[:] = warning_filters
        np.seterr(**numpy_errors)
        shell.events.unregister("post_run_cell", restore)

    shell.events.register("post_run_cell", restore)
