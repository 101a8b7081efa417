"""Part E. Vectorized over m examples: compute_cost, backward_propagation.

What each part holds: see checks/parts/__init__.py.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_hw.checks import answer_key as key
from backprop_hw.checks.calling import (
    as_array,
    beyond_the_lecture,
    call,
    expect_gradient,
    expect_no_loop_over_examples,
    fail,
    get_key,
    hidden_test,
)
from backprop_hw.checks.messages import say
from backprop_hw.checks.mistakes import WHOLE_BODY, Mistake, mistake
from backprop_hw.checks.numerical import numerical_gradient, relative_difference
from backprop_hw.checks.problems import Probe, probe_pool, random_problem
from backprop_hw.checks.tolerances import NUMERICAL_STEP, VALUE_ATOL, VALUE_RTOL

PARAMETERS = key.PARAMETER_NAMES

__all__ = ["check_compute_cost", "check_backward_propagation", "check_backward_propagation_general", "check_backward_propagation_vectorized"]


@hidden_test
def check_compute_cost(compute_cost: Callable) -> None:
    """J = (1/m)·Σ L(a⁽ⁱ⁾, y⁽ⁱ⁾) as a Python float, for m it has not seen; no loop over examples."""
    hint = say("hint_compute_cost")
    rng = np.random.default_rng(61)
    for m in (3, 9):
        A2 = rng.uniform(0.05, 0.95, (1, m))
        Y = (rng.uniform(size=(1, m)) > 0.5).astype(float)
        Y[0, :2] = [0.0, 1.0]
        cost = call(compute_cost, "compute_cost", A2, Y)
        if not isinstance(cost, float):
            fail(say("compute_cost_not_a_float", type=type(cost).__name__, shape=getattr(cost, "shape", "")))
        if not np.isclose(cost, key.compute_cost(A2, Y), rtol=VALUE_RTOL, atol=VALUE_ATOL):
            fail(say("compute_cost_wrong", m=m, hint=hint))

    def arguments(m):
        return np.full((1, m), 0.3), np.ones((1, m))

    expect_no_loop_over_examples(compute_cost, "compute_cost", arguments, say("hint_cost_loop"))


# The message key of each vectorized gradient's hint: "hint_" + its name.
_VECTORIZED_HINTS = {name: "hint_" + name for name in ("dZ2", "dW2", "db2", "dZ1", "dW1", "db1")}


def _one_example_results(problem) -> list[dict[str, np.ndarray]]:
    results = []
    for i in range(problem.X.shape[1]):
        column = {k: v[:, i:i + 1] for k, v in problem.cache.items()}
        results.append(key.backward_propagation_one_example(
            problem.parameters, column, problem.X[:, i:i + 1], problem.Y[:, i:i + 1]))
    return results


def _vectorized_grads(backward_propagation, problem) -> dict[str, np.ndarray]:
    grads = call(backward_propagation, "backward_propagation", problem.parameters, problem.cache, problem.X, problem.Y)
    values = {}
    for name, hint_key in _VECTORIZED_HINTS.items():
        values[name] = as_array(get_key(grads, name, "backward_propagation"), name)
        twin = name[1:]
        shape = problem.cache[twin].shape if twin in problem.cache else problem.parameters[twin].shape
        if values[name].shape != shape:
            fail(say("vectorized_shape", name=name, actual=values[name].shape, twin=twin, expected=shape,
                     hint=say(hint_key)))
    return values


def _check_backward_on(backward_propagation: Callable, problem) -> None:
    grads = _vectorized_grads(backward_propagation, problem)
    numerical = numerical_gradient(lambda p: key.cost(p, problem.X, problem.Y), problem.parameters, NUMERICAL_STEP)
    for name in PARAMETERS:
        expect_gradient(grads["d" + name], numerical[name], "d" + name, say("the_cost_J"),
                        say(_VECTORIZED_HINTS["d" + name]))
    columns = _one_example_results(problem)
    for name in ("dZ2", "dZ1"):
        stacked = np.hstack([r[name.lower()] for r in columns])
        if relative_difference(grads[name], stacked) >= VALUE_RTOL:
            fail(say("columns_are_examples", name=name, one=name.lower(), hint=say(_VECTORIZED_HINTS[name])))


@hidden_test
def check_backward_propagation(backward_propagation: Callable) -> None:
    """The lecture's network (one output, m ≥ 2) of random sizes: shapes; dW1 db1 dW2 db2 against
    central differences of J; dZ1 and dZ2 column by column against the one-example equations."""
    for seed in (71, 72):
        _check_backward_on(backward_propagation, random_problem(seed, n_y=1))


@hidden_test
def check_backward_propagation_general(backward_propagation: Callable) -> None:
    """Everything check_backward_propagation checks, then two outputs (where W2ᵀ·dZ2 and the
    elementwise W2ᵀ * dZ2 differ). A cell of its own with a small share of the points (see
    check_forward_propagation_general)."""
    check_backward_propagation(backward_propagation)
    with beyond_the_lecture(say("backward_general_asks")):
        _check_backward_on(backward_propagation, random_problem(73, n_y=2))


@hidden_test
def check_backward_propagation_vectorized(backward_propagation: Callable) -> None:
    """For m = 50 the gradients equal the mean of the one-example results, with no Python loop over examples."""
    problem = random_problem(74, m=50, n_x=3, n_h=4)
    grads = _vectorized_grads(backward_propagation, problem)
    columns = _one_example_results(problem)
    for name in PARAMETERS:
        mean = np.mean([r["d" + name] for r in columns], axis=0)
        if relative_difference(grads["d" + name], mean) >= VALUE_RTOL:
            fail(say("mean_over_examples", name="d" + name, hint=say(_VECTORIZED_HINTS["d" + name])))

    def arguments(m):
        p = random_problem(75, m=m, n_x=3, n_h=5)
        return p.parameters, p.cache, p.X, p.Y

    expect_no_loop_over_examples(backward_propagation, "backward_propagation", arguments,
                                 say("hint_backward_loop"))


# --- What the checks say (messages.say), in English and Ukrainian ------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "hint_compute_cost": {
        "en": "J = −(1/m)·Σ [y·log a2 + (1−y)·log(1−a2)] over the m examples.",
        "uk": "J = −(1/m)·Σ [y·log a2 + (1−y)·log(1−a2)] за всіма m зразками.",
    },
    "compute_cost_not_a_float": {
        "en": "compute_cost should return a Python float, not {type} {shape}: "
              "float(...) turns a one-entry array into one.",
        "uk": "compute_cost має повертати Python float, а не {type} {shape}: "
              "float(...) перетворює масив з одного елемента на float.",
    },
    "compute_cost_wrong": {
        "en": "compute_cost is wrong for m = {m}: {hint}",
        "uk": "compute_cost дає неправильне значення для m = {m}: {hint}",
    },
    "hint_cost_loop": {
        "en": "np.sum or np.mean over the row.",
        "uk": "np.sum або np.mean по рядку.",
    },
    "hint_dZ2": {
        "en": "dZ2 = A2 − Y.",
        "uk": "dZ2 = A2 − Y.",
    },
    "hint_dW2": {
        "en": "dW2 = (1/m)·dZ2·A1ᵀ.",
        "uk": "dW2 = (1/m)·dZ2·A1ᵀ.",
    },
    "hint_db2": {
        "en": "db2 = (1/m)·np.sum(dZ2, axis=1, keepdims=True).",
        "uk": "db2 = (1/m)·np.sum(dZ2, axis=1, keepdims=True).",
    },
    "hint_dZ1": {
        "en": "dZ1 = W2ᵀ·dZ2 * g′(Z1), with elementwise * and tanh′(Z1) = 1 − A1².",
        "uk": "dZ1 = W2ᵀ·dZ2 * g′(Z1), де * — поелементне множення, а tanh′(Z1) = 1 − A1².",
    },
    "hint_dW1": {
        "en": "dW1 = (1/m)·dZ1·Xᵀ.",
        "uk": "dW1 = (1/m)·dZ1·Xᵀ.",
    },
    "hint_db1": {
        "en": "db1 = (1/m)·np.sum(dZ1, axis=1, keepdims=True).",
        "uk": "db1 = (1/m)·np.sum(dZ1, axis=1, keepdims=True).",
    },
    "vectorized_shape": {
        "en": "{name} has shape {actual} but {twin} has shape {expected}: foo and dfoo "
              "always have the same shape. Check the transposes and keepdims in {hint}",
        "uk": "{name} має розмір {actual}, а {twin} — розмір {expected}: foo і dfoo "
              "завжди мають однаковий розмір. Слід перевірити транспонування та keepdims у {hint}",
    },
    "the_cost_J": {
        "en": "the cost J",
        "uk": "функції витрат J",
    },
    "columns_are_examples": {
        "en": "{name} should hold, in column i, example i's {one}; it does not: {hint}",
        "uk": "{name} має містити в стовпці i значення {one} для i-го зразка, а це не так: {hint}",
    },
    "mean_over_examples": {
        "en": "{name} should be the mean over the m examples of the one-example {name}: {hint}",
        "uk": "{name} має бути середнім арифметичним {name}, обчислених для кожного з m зразків окремо: {hint}",
    },
    "backward_general_asks": {
        "en": "the docstring of backward_propagation asks for Y of shape (n_y, m) for any n_y, "
              "including n_y = 2 outputs, where W2ᵀ·dZ2 is a matrix product.",
        "uk": "рядок документації backward_propagation вимагає Y розміру (n_y, m) для будь-якого n_y, "
              "зокрема для n_y = 2 виходів, де W2ᵀ·dZ2 — матричний добуток.",
    },
    "hint_backward_loop": {
        "en": "matrix products such as dZ1·Xᵀ sum over the examples for you.",
        "uk": "матричні добутки на кшталт dZ1·Xᵀ самі підсумовують по зразках.",
    },
}


# --- Inputs that tell a mutant from the reference (harness/mutation.py) -------------------

def _cost_probes() -> list[Probe]:
    return [((a, y), {}, None) for a, y in probe_pool().probabilities]


def _backward_probes() -> list[Probe]:
    return [((p.parameters, p.cache, p.X, p.Y), {}, None) for p in probe_pool().problems]


PROBES: dict[str, Callable[[], list[Probe]]] = {
    "compute_cost": _cost_probes,
    "backward_propagation": _backward_probes,
}

# --- Mistakes students make, which these checks must catch (harness/catalogue.py) ---------

BACKWARD_CELLS = ("test_backward_propagation", "test_backward_propagation_vectorized")

LOOPED_COST = '''
    m = Y.shape[1]
    cost = 0.0
    for i in range(m):
        cost += -(Y[0, i] * np.log(A2[0, i]) + (1 - Y[0, i]) * np.log(1 - A2[0, i])) / m
'''

LOOPED_BACKWARD = '''
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW2, dW1 = np.zeros_like(W2), np.zeros_like(parameters["W1"])
    for i in range(m):
        dW2 += np.dot(dZ2[:, [i]], A1[:, [i]].T) / m
        dW1 += np.dot(dZ1[:, [i]], X[:, [i]].T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
'''

MISTAKES: tuple[Mistake, ...] = (
    mistake("cost-no-1-over-m", "compute_cost", "the 1/m forgotten", ("cost = -np.sum(logprobs) / m", "cost = -np.sum(logprobs)")),
    mistake("cost-log-A2-twice", "compute_cost", "log(A2) in the y = 0 term", ("(1 - Y) * np.log(1 - A2)", "(1 - Y) * np.log(A2)")),
    mistake("cost-array", "compute_cost", "a (1, 1) array returned instead of a float",
            ("cost = -np.sum(logprobs) / m", "cost = -np.sum(logprobs, axis=1, keepdims=True) / m\n    return cost")),
    mistake("cost-loop", "compute_cost", "a Python loop over the examples (right value)", (WHOLE_BODY, LOOPED_COST)),
    mistake("cost-undefined-global", "compute_cost", "m read from a global the notebook never defines (NameError)",
            ("m = Y.shape[1]", "m = num_examples")),
    mistake("cost-hard-coded", "compute_cost", "the visible test's answer hard-coded",
            ("cost = -np.sum(logprobs) / m", "cost = 0.6485870841048391")),
    mistake("backward-dW1-no-1-over-m", "backward_propagation", "dW1 without the 1/m",
            ("dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(dZ1, X.T)"), must_fail=BACKWARD_CELLS),
    mistake("backward-db2-no-1-over-m", "backward_propagation", "db2 without the 1/m",
            ("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", "db2 = np.sum(dZ2, axis=1, keepdims=True)"), must_fail=BACKWARD_CELLS),
    mistake("backward-no-keepdims", "backward_propagation", "keepdims lost in db1",
            ("db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = np.sum(dZ1, axis=1) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-axis-0", "backward_propagation", "db1 summed over axis 0",
            ("db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = np.sum(dZ1, axis=0, keepdims=True) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-missing-transpose", "backward_propagation", "A1 not transposed in dW2",
            ("dW2 = np.dot(dZ2, A1.T) / m", "dW2 = np.dot(dZ2, A1) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-extra-transpose", "backward_propagation", "dW1 = (1/m)·Xᵀ·dZ1ᵀ, transposed",
            ("dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(X, dZ1.T) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-sign", "backward_propagation", "dZ2 = Y − A2", ("dZ2 = A2 - Y", "dZ2 = Y - A2"), must_fail=BACKWARD_CELLS),
    mistake("backward-sigmoid-for-tanh", "backward_propagation", "σ′(Z1) where tanh′ belongs",
            ("(1 - np.power(A1, 2))", 'sigmoid_derivative(cache["Z1"])'), must_fail=BACKWARD_CELLS),
    mistake("backward-tanh-derivative-of-Z1", "backward_propagation", "1 − Z1² instead of 1 − A1²",
            ("(1 - np.power(A1, 2))", '(1 - np.power(cache["Z1"], 2))'), must_fail=BACKWARD_CELLS),
    mistake("backward-dW1-with-A1", "backward_propagation", "dW1 with A1 instead of X",
            ("dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(dZ1, A1.T) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-elementwise-for-dot", "backward_propagation", "W2ᵀ * dZ2, elementwise instead of a product",
            ("np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))", "W2.T * dZ2 * (1 - np.power(A1, 2))"),
            beyond_lecture=True),  # with one output W2ᵀ * dZ2 equals W2ᵀ·dZ2
    mistake("backward-one-output-reshape", "backward_propagation", "dZ2 reshaped to one row, as if n_y were always 1",
            ("dZ2 = A2 - Y", "dZ2 = (A2 - Y).reshape(1, m)"), beyond_lecture=True),
    mistake("backward-dot-for-elementwise", "backward_propagation", "np.dot where the elementwise * belongs",
            ("np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))", "np.dot(np.dot(W2.T, dZ2), (1 - np.power(A1, 2)).T)"), must_fail=BACKWARD_CELLS),
    mistake("backward-loop", "backward_propagation", "a Python loop over the examples (right values)",
            (WHOLE_BODY, LOOPED_BACKWARD), must_fail=("test_backward_propagation_vectorized",),
            loops_over_examples=True),
    mistake("backward-mean-dZ-in-db", "backward_propagation", "db2 = np.mean(dZ2), a number",
            ("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", "db2 = np.mean(dZ2)"), must_fail=BACKWARD_CELLS),
)
