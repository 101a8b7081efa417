"""How the hidden tests call a student's function: quietly, in isolation, with clear failures."""

from __future__ import annotations

import contextlib
import functools
import warnings
from typing import Any, Callable, Iterator

import numpy as np

from backprop_hw.checks import answer_key
from backprop_hw.checks.gradient_check import relative_difference
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


def fail(message: str) -> None:
    raise HiddenTestFailure(message)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings: nbgrader gives 0 to a test cell that writes to stderr,
    and a harmless RuntimeWarning from a correct answer must not cost points."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


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


@contextlib.contextmanager
def stand_ins(tested: Callable, tested_name: str) -> Iterator[None]:
    """While ``tested`` runs, its calls to the other graded functions reach the answer key.

    So a mistake in, say, ``sigmoid`` costs sigmoid's points only, not those of
    every function that calls it. The student's namespace is restored after.
    """
    namespace = getattr(tested, "__globals__", None)
    if namespace is None:
        yield
        return
    saved = {}
    for name in answer_key.GRADED_FUNCTIONS:
        if name != tested_name and name in namespace:
            saved[name] = namespace[name]
            namespace[name] = stand_in(name)
    UNDER_TEST.append(tested_name)
    try:
        yield
    finally:
        UNDER_TEST.remove(tested_name)
        namespace.update(saved)


def call(function: Callable, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a student's function quietly, with the answer key standing in for the others."""
    with quiet(), stand_ins(function, name):
        return function(*args, **kwargs)


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
    cell's visible asserts, too, test ``tested_name`` alone, and silence warnings
    for the cell (nbgrader scores any stderr output as a failure). An IPython
    ``post_run_cell`` callback undoes both, also when the cell fails.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # not in a kernel: nothing to isolate
        return
    namespace = shell.user_ns
    saved = {name: namespace[name] for name in answer_key.GRADED_FUNCTIONS if name != tested_name and name in namespace}
    namespace.update({name: stand_in(name) for name in saved})
    UNDER_TEST.append(tested_name)
    warning_filters = warnings.filters[:]
    numpy_errors = np.seterr(all="ignore")
    warnings.simplefilter("ignore")

    def restore(result=None) -> None:
        UNDER_TEST.remove(tested_name)
        namespace.update(saved)
        warnings.filters[:] = warning_filters
        np.seterr(**numpy_errors)
        shell.events.unregister("post_run_cell", restore)

    shell.events.register("post_run_cell", restore)
