"""Part D. Forward propagation and the six equations on one example: forward_propagation, backward_propagation_one_example.

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
    expect_close,
    expect_gradient,
    expect_no_loop_over_examples,
    fail,
    get_key,
    hidden_test,
)
from backprop_hw.checks.messages import say
from backprop_hw.checks.mistakes import WHOLE_BODY, Mistake, mistake
from backprop_hw.checks.numerical import numerical_gradient
from backprop_hw.checks.problems import Probe, probe_pool, random_problem
from backprop_hw.checks.tolerances import NUMERICAL_STEP

__all__ = ["check_forward_propagation", "check_forward_propagation_general", "check_backward_propagation_one_example", "check_backward_propagation_one_example_general"]


def _check_forward_on(forward_propagation: Callable, problem) -> None:
    hints = {name: say("hint_" + name) for name in ("Z1", "A1", "Z2", "A2")}
    result = call(forward_propagation, "forward_propagation", problem.X, problem.parameters)
    if not isinstance(result, tuple) or len(result) != 2:
        fail(say("forward_not_a_pair"))
    A2, cache = result
    for name, hint in hints.items():
        entry = get_key(cache, name, say("cache_of", function="forward_propagation"))
        expect_close(as_array(entry, f"cache[{name!r}]"), problem.cache[name], f"cache[{name!r}]", hint)
    expect_close(as_array(A2, "A2"), problem.cache["A2"], say("returned_A2"), hints["A2"])


@hidden_test
def check_forward_propagation(forward_propagation: Callable) -> None:
    """The lecture's network (one output, m ≥ 2) of random sizes: A2 and the cache Z1, A1, Z2, A2;
    no loop over examples."""
    for seed in (40, 44):
        _check_forward_on(forward_propagation, random_problem(seed, n_y=1))

    def arguments(m):
        problem = random_problem(43, m=m, n_x=3, n_h=5)
        return problem.X, problem.parameters

    expect_no_loop_over_examples(forward_propagation, "forward_propagation", arguments, say("hint_forward_loop"))


@hidden_test
def check_forward_propagation_general(forward_propagation: Callable) -> None:
    """Everything check_forward_propagation checks, then two outputs and m = 1.

    A cell of its own with a small share of the points: the lecture's network has one
    output, and code right on it (say, with the original template's assert that A2 is
    (1, m)) keeps the points of check_forward_propagation. Everything that cell checks is
    checked here first, so a mistake on the lecture's network costs both cells, as before.
    """
    check_forward_propagation(forward_propagation)
    with beyond_the_lecture(say("forward_general_asks")):
        for seed, m, n_y in [(41, None, 2), (42, 1, 1), (45, 1, 2)]:
            _check_forward_on(forward_propagation, random_problem(seed, m=m, n_y=n_y))


# The message key of each one-example gradient's hint (said when a check fails, in the student's language).
_ONE_EXAMPLE_HINTS = {
    "dz2": "hint_dz2",
    "dW2": "hint_dW2_one",
    "db2": "hint_db2_one",
    "dz1": "hint_dz1",
    "dW1": "hint_dW1_one",
    "db1": "hint_db1_one",
}


def _one_example_gradients(problem) -> dict[str, np.ndarray]:
    """Central differences of the loss of one example: parameters, z2 and z1."""
    p, x, y = problem.parameters, problem.X, problem.Y
    grads = {"d" + k: v for k, v in numerical_gradient(lambda q: key.cost(q, x, y), p, NUMERICAL_STEP).items()}
    loss_of_z2 = lambda v: key.compute_cost(key.sigmoid(v["z2"]), y)
    loss_of_z1 = lambda v: key.compute_cost(key.sigmoid(p["W2"] @ np.tanh(v["z1"]) + p["b2"]), y)
    grads["dz2"] = numerical_gradient(loss_of_z2, {"z2": problem.cache["Z2"]}, NUMERICAL_STEP)["z2"]
    grads["dz1"] = numerical_gradient(loss_of_z1, {"z1": problem.cache["Z1"]}, NUMERICAL_STEP)["z1"]
    return grads


def _check_one_example_on(backward_propagation_one_example: Callable, problem) -> None:
    grads = call(backward_propagation_one_example, "backward_propagation_one_example",
                 problem.parameters, problem.cache, problem.X, problem.Y)
    numerical = _one_example_gradients(problem)
    for name, hint_key in _ONE_EXAMPLE_HINTS.items():
        hint = say(hint_key)
        value = as_array(get_key(grads, name, "backward_propagation_one_example"), name)
        twin = {"dz2": "z2", "dz1": "z1"}.get(name, name[1:])
        if value.shape != numerical[name].shape:
            fail(say("one_example_shape", name=name, actual=value.shape, twin=twin,
                     expected=numerical[name].shape, hint=hint))
        expect_gradient(value, numerical[name], name, say("loss_with_respect_to", twin=twin), hint)


@hidden_test
def check_backward_propagation_one_example(backward_propagation_one_example: Callable) -> None:
    """The six gradients of one example of the lecture's network (one output) against central
    differences of its loss, on random sizes."""
    for seed in (51, 53):
        _check_one_example_on(backward_propagation_one_example, random_problem(seed, m=1, n_y=1))


@hidden_test
def check_backward_propagation_one_example_general(backward_propagation_one_example: Callable) -> None:
    """Everything check_backward_propagation_one_example checks, then two outputs.

    With one output W2ᵀ·dz2 and the elementwise W2ᵀ * dz2 agree; with two they differ. A
    cell of its own with a small share of the points (see check_forward_propagation_general).
    """
    check_backward_propagation_one_example(backward_propagation_one_example)
    with beyond_the_lecture(say("one_example_general_asks")):
        _check_one_example_on(backward_propagation_one_example, random_problem(52, m=1, n_y=2))


# --- What the checks say (messages.say), in English and Ukrainian ------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "hint_Z1": {
        "en": "Z1 = W1·X + b1.",
        "uk": "Z1 = W1·X + b1.",
    },
    "hint_A1": {
        "en": "A1 = tanh(Z1).",
        "uk": "A1 = tanh(Z1).",
    },
    "hint_Z2": {
        "en": "Z2 = W2·A1 + b2.",
        "uk": "Z2 = W2·A1 + b2.",
    },
    "hint_A2": {
        "en": "A2 = σ(Z2), the sigmoid.",
        "uk": "A2 = σ(Z2), тобто сигмоїда.",
    },
    "forward_not_a_pair": {
        "en": "forward_propagation should return a pair (A2, cache).",
        "uk": "forward_propagation має повертати пару (A2, cache).",
    },
    "cache_of": {
        "en": "{function}'s cache",
        "uk": "{function} (кеш)",
    },
    "returned_A2": {
        "en": "the returned A2",
        "uk": "повернений результат A2",
    },
    "hint_forward_loop": {
        "en": "Z1 = W1·X + b1 takes every column of X.",
        "uk": "Z1 = W1·X + b1 бере всі стовпці X.",
    },
    "forward_general_asks": {
        "en": "the docstring of forward_propagation asks for A2 of shape (n_y, m) for any n_y and any m, "
              "including n_y = 2 outputs and m = 1 example.",
        "uk": "рядок документації forward_propagation вимагає A2 розміру (n_y, m) для будь-яких n_y і m, "
              "зокрема для n_y = 2 виходів і m = 1 зразка.",
    },
    "one_example_general_asks": {
        "en": "the docstring of backward_propagation_one_example asks for y of shape (n_y, 1) for any n_y, "
              "including n_y = 2 outputs, where W2ᵀ·dz2 is a matrix product.",
        "uk": "рядок документації backward_propagation_one_example вимагає y розміру (n_y, 1) для будь-якого n_y, "
              "зокрема для n_y = 2 виходів, де W2ᵀ·dz2 — матричний добуток.",
    },
    "hint_dz2": {
        "en": "dz2 = a2 − y.",
        "uk": "dz2 = a2 − y.",
    },
    "hint_dW2_one": {
        "en": "dW2 = dz2·a1ᵀ.",
        "uk": "dW2 = dz2·a1ᵀ.",
    },
    "hint_db2_one": {
        "en": "db2 = dz2.",
        "uk": "db2 = dz2.",
    },
    "hint_dz1": {
        "en": "dz1 = W2ᵀ·dz2 * g′(z1), with elementwise * and tanh′(z1) = 1 − a1².",
        "uk": "dz1 = W2ᵀ·dz2 * g′(z1), де * — поелементне множення, а tanh′(z1) = 1 − a1².",
    },
    "hint_dW1_one": {
        "en": "dW1 = dz1·xᵀ.",
        "uk": "dW1 = dz1·xᵀ.",
    },
    "hint_db1_one": {
        "en": "db1 = dz1.",
        "uk": "db1 = dz1.",
    },
    "one_example_shape": {
        "en": "{name} has shape {actual} but {twin} has shape {expected}: "
              "foo and dfoo always have the same shape. Check the transposes in {hint}",
        "uk": "{name} має розмір {actual}, а {twin} — розмір {expected}: "
              "foo і dfoo завжди мають однаковий розмір. Слід перевірити транспонування в {hint}",
    },
    "loss_with_respect_to": {
        "en": "the loss with respect to {twin}",
        "uk": "функції втрат за {twin}",
    },
}


# --- Inputs that tell a mutant from the reference (harness/mutation.py) -------------------

def _forward_probes() -> list[Probe]:
    return [((p.X, p.parameters), {}, None) for p in probe_pool().problems]


def _one_example_probes() -> list[Probe]:
    singles = [random_problem(s, m=1, n_y=n_y) for s, n_y in [(5, 1), (6, 2)]]
    return [((p.parameters, p.cache, p.X, p.Y), {}, None) for p in singles]


PROBES: dict[str, Callable[[], list[Probe]]] = {
    "forward_propagation": _forward_probes,
    "backward_propagation_one_example": _one_example_probes,
}

# --- Mistakes students make, which these checks must catch (harness/catalogue.py) ---------

LOOPED_FORWARD = '''
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    columns = {"Z1": [], "A1": [], "Z2": [], "A2": []}
    for i in range(X.shape[1]):
        z1 = np.dot(W1, X[:, [i]]) + b1
        a1 = np.tanh(z1)
        z2 = np.dot(W2, a1) + b2
        for name, value in zip(["Z1", "A1", "Z2", "A2"], [z1, a1, z2, sigmoid(z2)]):
            columns[name].append(value)
    cache = {name: np.hstack(values) for name, values in columns.items()}
    A2 = cache["A2"]
'''

MISTAKES: tuple[Mistake, ...] = (
    mistake("forward-sigmoid-hidden", "forward_propagation", "sigmoid in the hidden layer", ("A1 = np.tanh(Z1)", "A1 = sigmoid(Z1)")),
    mistake("forward-tanh-output", "forward_propagation", "tanh at the output", ("A2 = sigmoid(Z2)", "A2 = np.tanh(Z2)")),
    mistake("forward-X-W1", "forward_propagation", "Xᵀ·W1ᵀ instead of W1·X", ("np.dot(W1, X)", "np.dot(X.T, W1.T)")),
    mistake("forward-no-bias", "forward_propagation", "b1 left out", ("Z1 = np.dot(W1, X) + b1", "Z1 = np.dot(W1, X)")),
    mistake("forward-cache-incomplete", "forward_propagation", "Z1 missing from the cache",
            ('cache = {"Z1": Z1, "A1": A1', 'cache = {"A1": A1')),
    mistake("forward-template-assert", "forward_propagation", "the original template's assert that A2 is (1, m)",
            ("    cache = {", "    assert(A2.shape == (1, X.shape[1]))\n    cache = {"), beyond_lecture=True),
    mistake("forward-loop", "forward_propagation", "a Python loop over the examples (right values)",
            (WHOLE_BODY, LOOPED_FORWARD), loops_over_examples=True),
    mistake("one-example-sigmoid-for-tanh", "backward_propagation_one_example", "σ′ where tanh′ belongs in dz1",
            ("(1 - np.power(a1, 2))", 'sigmoid_derivative(cache["Z1"])')),
    mistake("one-example-dW2-transposed", "backward_propagation_one_example", "dW2 = a1·dz2ᵀ",
            ("dW2 = np.dot(dz2, a1.T)", "dW2 = np.dot(a1, dz2.T)")),
    mistake("one-example-dW1-with-a1", "backward_propagation_one_example", "dW1 with a1 instead of x",
            ("dW1 = np.dot(dz1, x.T)", "dW1 = np.dot(dz1, a1.T)")),
    mistake("one-example-dz2-sign", "backward_propagation_one_example", "dz2 = y − a2", ("dz2 = a2 - y", "dz2 = y - a2")),
    mistake("one-example-elementwise-for-dot", "backward_propagation_one_example", "W2ᵀ * dz2, elementwise instead of a product",
            ("np.dot(W2.T, dz2) * (1 - np.power(a1, 2))", "W2.T * dz2 * (1 - np.power(a1, 2))"),
            beyond_lecture=True),  # with one output W2ᵀ * dz2 equals W2ᵀ·dz2
    mistake("one-example-dot-for-elementwise", "backward_propagation_one_example", "np.dot where the elementwise * belongs",
            ("np.dot(W2.T, dz2) * (1 - np.power(a1, 2))", "np.dot(np.dot(W2.T, dz2).T, 1 - np.power(a1, 2)) * np.ones_like(a1)")),
)
