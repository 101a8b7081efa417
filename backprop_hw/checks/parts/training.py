"""Part G. Training: initialize_parameters, update_parameters, nn_model, predict.

What each part holds: see checks/parts/__init__.py.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_hw.checks import answer_key as key
from backprop_hw.checks.calling import as_array, call, expect_shape, fail, get_key, hidden_test
from backprop_hw.inside.isolation import quiet
from backprop_hw.checks.messages import say
from backprop_hw.checks.mistakes import Mistake, mistake
from backprop_hw.checks.problems import Probe, flower, probe_pool, random_problem, rings
from backprop_hw.checks.tolerances import (
    FLOWER_ACCURACY_AT_LEAST,
    HIDDEN_SET_ACCURACY_AT_LEAST,
    TRAINING_ATOL,
    TRAINING_RTOL,
)

PARAMETERS = key.PARAMETER_NAMES

__all__ = ["check_initialize_parameters", "check_update_parameters", "check_nn_model", "check_predict"]


def _expect_same_parameters(value, trusted, function: str, hint: str) -> None:
    if not isinstance(value, dict):
        fail(say("not_parameters_dict", function=function, type=type(value).__name__))
    for name in PARAMETERS:
        entry = as_array(get_key(value, name, function), name)
        what = say("parameter_of", function=function, name=name)
        expect_shape(entry, trusted[name].shape, what, hint)
        if not np.allclose(entry, trusted[name], rtol=TRAINING_RTOL, atol=TRAINING_ATOL):
            fail(say("close_wrong_values", what=what, hint=hint))


@hidden_test
def check_initialize_parameters(initialize_parameters: Callable) -> None:
    """W = randn·0.01 from NumPy's global generator, W1 before W2, b = zeros; no reseeding."""
    hint = say("hint_initialize_parameters")
    # n_y is an argument: W2 of shape (n_y, n_h) for n_y = 2 is the function's job, not generality.
    for seed, sizes in [(91, (3, 5, 1)), (92, (4, 2, 2))]:
        state = np.random.get_state()
        np.random.seed(seed)
        value = call(initialize_parameters, "initialize_parameters", *sizes)
        np.random.seed(seed)
        trusted = key.initialize_parameters(*sizes)
        np.random.set_state(state)
        _expect_same_parameters(value, trusted, "initialize_parameters", hint)


@hidden_test
def check_update_parameters(update_parameters: Callable) -> None:
    """θ := θ − α·dθ for W1, b1, W2, b2, with the given learning rate and 1.2 by default."""
    hint = say("hint_update_parameters")
    problem = random_problem(101, m=4)
    grads = key.backward_propagation(problem.parameters, problem.cache, problem.X, problem.Y)
    for kwargs in ({"learning_rate": 0.37}, {}):
        fresh = {k: v.copy() for k, v in problem.parameters.items()}
        value = call(update_parameters, "update_parameters", fresh, dict(grads), **kwargs)
        trusted = key.update_parameters(problem.parameters, grads, **kwargs)
        which = say("default_learning_rate") if not kwargs else "learning_rate=0.37"
        _expect_same_parameters(value, trusted, "update_parameters", say("with_learning_rate", hint=hint, which=which))


@hidden_test
def check_nn_model(nn_model: Callable) -> None:
    """Seeded training equals the answer key's step for step, lowers the cost and
    separates the flower and a data set the notebook never shows."""
    hint = say("hint_nn_model")
    for (X, Y), n_h, seed, iterations, at_least, name in [
        (flower(), 4, 3, 1000, FLOWER_ACCURACY_AT_LEAST, say("the_flower")),
        (rings(), 3, 5, 300, HIDDEN_SET_ACCURACY_AT_LEAST, say("a_second_data_set")),
    ]:
        state = np.random.get_state()
        np.random.seed(seed)
        value = call(nn_model, "nn_model", X, Y, n_h, num_iterations=iterations)
        np.random.seed(seed)
        start = key.initialize_parameters(X.shape[0], n_h, Y.shape[0])
        np.random.seed(seed)
        with quiet():
            trusted = key.nn_model(X, Y, n_h, num_iterations=iterations)
        np.random.set_state(state)
        _expect_same_parameters(value, trusted, "nn_model", hint)
        with quiet():
            learned = {k: as_array(value[k], k) for k in PARAMETERS}
            if not key.cost(learned, X, Y) < key.cost(start, X, Y):
                fail(say("training_did_not_lower_cost", data=name))
            accuracy = float(np.mean(key.predict(learned, X) == Y))
        if accuracy < at_least:
            fail(say("accuracy_too_low", iterations=iterations, accuracy=accuracy, data=name, at_least=at_least,
                     hint=hint))


@hidden_test
def check_predict(predict: Callable) -> None:
    """A (1, m) array of 0/1: 1 where A2 > 0.5, for parameters and points it has not seen."""
    problem = random_problem(111, m=30, n_x=2, n_h=5)
    # b2 moved by the median of Z2: half the points on each side of 0.5, so a predict that always
    # says 0 (a threshold of 1) or always 1 (a threshold of 0) fails
    parameters = dict(problem.parameters, b2=problem.parameters["b2"] - np.median(problem.cache["Z2"]))
    A2, _ = key.forward_propagation(problem.X, parameters)
    margin = np.abs(A2 - 0.5) > 1e-6  # no ties at 0.5: > and >= are both right
    value = as_array(call(predict, "predict", parameters, problem.X), "predict(parameters, X)")
    expect_shape(value, (1, 30), "predict(parameters, X)", say("hint_predict_shape"))
    if not np.isin(value, (0, 1)).all():
        fail(say("predict_not_binary"))
    if not np.array_equal(value[margin], key.predict(parameters, problem.X)[margin]):
        fail(say("predict_wrong"))


# --- What the checks say (messages.say), in English and Ukrainian ------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "not_parameters_dict": {
        "en": "{function} should return the parameters dict, not {type}.",
        "uk": "{function} має повертати словник parameters, а не {type}.",
    },
    "parameter_of": {
        "en": "{function}'s {name}",
        "uk": "{name} у результаті {function}",
    },
    "hint_initialize_parameters": {
        "en": "W1 = np.random.randn(n_h, n_x) * 0.01 drawn before W2 = np.random.randn(n_y, n_h) * 0.01, "
              "b1 and b2 zeros of shapes (n_h, 1) and (n_y, 1); do not call np.random.seed inside.",
        "uk": "W1 = np.random.randn(n_h, n_x) * 0.01 генерується раніше за W2 = np.random.randn(n_y, n_h) * 0.01, "
              "b1 і b2 — нулі розміру (n_h, 1) і (n_y, 1); "
              "усередині не можна задавати зерно генератора (np.random.seed).",
    },
    "hint_update_parameters": {
        "en": "θ = θ − learning_rate·dθ for every parameter.",
        "uk": "θ = θ − learning_rate·dθ для кожного параметра.",
    },
    "default_learning_rate": {
        "en": "the default learning rate 1.2",
        "uk": "швидкості навчання за замовчуванням 1.2",
    },
    "with_learning_rate": {
        "en": "{hint} (with {which})",
        "uk": "{hint} (для {which})",
    },
    "hint_nn_model": {
        "en": "each iteration runs forward_propagation, compute_cost, backward_propagation and "
              "update_parameters once, starting from initialize_parameters(n_x, n_h, n_y); "
              "no np.random.seed inside.",
        "uk": "кожна ітерація один раз викликає forward_propagation, compute_cost, backward_propagation і "
              "update_parameters, а ініціалізацію робить initialize_parameters(n_x, n_h, n_y); "
              "усередині не можна задавати зерно генератора (np.random.seed).",
    },
    "the_flower": {
        "en": "the flower",
        "uk": "«квітки»",
    },
    "a_second_data_set": {
        "en": "a second data set",
        "uk": "другого набору даних",
    },
    "training_did_not_lower_cost": {
        "en": "Training did not lower the cost on {data}: gradient descent steps against the gradient.",
        "uk": "Тренування не зменшило значення функції витрат для {data}: "
              "градієнтний спуск робить кроки проти градієнта.",
    },
    "accuracy_too_low": {
        "en": "After {iterations} iterations the network classifies {accuracy:.0%} of {data} correctly; "
              "it should reach {at_least:.0%}: {hint}",
        "uk": "Після {iterations} ітерацій точність мережі для {data} становить {accuracy:.0%}, "
              "а має бути щонайменше {at_least:.0%}: {hint}",
    },
    "hint_predict_shape": {
        "en": "one prediction per column of X, as a (1, m) array.",
        "uk": "по одному передбаченню на кожен стовпець X, масив розміру (1, m).",
    },
    "predict_not_binary": {
        "en": "predict should return only 0 and 1: threshold A2 at 0.5.",
        "uk": "predict має повертати лише 0 і 1: поріг для A2 — 0.5.",
    },
    "predict_wrong": {
        "en": "predict is wrong: run forward_propagation, then predict 1 where A2 > 0.5 and 0 elsewhere.",
        "uk": "predict дає неправильні передбачення: спершу forward_propagation, потім мітка 1 там, "
              "де A2 > 0.5, і 0 в інших місцях.",
    },
}


# --- Inputs that tell a mutant from the reference (harness/mutation.py) -------------------

def _initialize_probes() -> list[Probe]:
    return [((3, 5, 2), {}, 1), ((2, 4, 1), {}, 2)]


def _update_probes() -> list[Probe]:
    p = probe_pool().problems[0]
    grads = key.backward_propagation(p.parameters, p.cache, p.X, p.Y)
    return [((p.parameters, grads), {}, None), ((p.parameters, grads), {"learning_rate": 0.3}, None)]


def _nn_model_probes() -> list[Probe]:
    p = probe_pool().problems[2]
    return [((p.X, p.Y[:1], 3), {"num_iterations": 30}, 3), ((p.X, p.Y[:1], 2), {"num_iterations": 7}, 4)]


def _predict_probes() -> list[Probe]:
    return [((p.parameters, p.X), {}, None) for p in probe_pool().problems]


PROBES: dict[str, Callable[[], list[Probe]]] = {
    "initialize_parameters": _initialize_probes,
    "update_parameters": _update_probes,
    "nn_model": _nn_model_probes,
    "predict": _predict_probes,
}

# --- Mistakes students make, which these checks must catch (harness/catalogue.py) ---------

MISTAKES: tuple[Mistake, ...] = (
    mistake("init-zeros", "initialize_parameters", "weights initialised to zero",
            ("W1 = np.random.randn(n_h, n_x) * 0.01", "W1 = np.zeros((n_h, n_x))"),
            ("W2 = np.random.randn(n_y, n_h) * 0.01", "W2 = np.zeros((n_y, n_h))")),
    mistake("init-reseeds", "initialize_parameters", "np.random.seed(2) inside",
            ("W1 = np.random.randn", "np.random.seed(2)\n    W1 = np.random.randn")),
    mistake("init-W2-first", "initialize_parameters", "W2 drawn before W1",
            ("W1 = np.random.randn(n_h, n_x) * 0.01\n    b1 = np.zeros((n_h, 1))\n    W2 = np.random.randn(n_y, n_h) * 0.01",
             "W2 = np.random.randn(n_y, n_h) * 0.01\n    W1 = np.random.randn(n_h, n_x) * 0.01\n    b1 = np.zeros((n_h, 1))")),
    mistake("init-scale", "initialize_parameters", "scale 0.1 instead of 0.01",
            ("randn(n_h, n_x) * 0.01", "randn(n_h, n_x) * 0.1"), ("randn(n_y, n_h) * 0.01", "randn(n_y, n_h) * 0.1")),
    mistake("update-plus", "update_parameters", "θ + α·dθ, climbing the cost", ("parameters[name] - learning_rate", "parameters[name] + learning_rate")),
    mistake("update-fixed-rate", "update_parameters", "the learning rate argument ignored",
            ("parameters[name] - learning_rate *", "parameters[name] - 1.2 *")),
    mistake("nn-model-reseeds", "nn_model", "np.random.seed(3) inside",
            ("    parameters = initialize_parameters", "    np.random.seed(3)\n    parameters = initialize_parameters")),
    mistake("nn-model-no-update", "nn_model", "the updated parameters thrown away",
            ("        parameters = update_parameters(parameters, grads)", "        update_parameters(parameters, grads)")),
    mistake("nn-model-ignores-n-h", "nn_model", "n_h taken from layer_sizes (always 4)",
            ("n_x, _, n_y = layer_sizes(X, Y)", "n_x, n_h, n_y = layer_sizes(X, Y)")),
    mistake("nn-model-one-step-short", "nn_model", "num_iterations − 1 steps",
            ("range(num_iterations)", "range(num_iterations - 1)")),
    mistake("predict-threshold-zero", "predict", "A2 > 0, always true", ("(A2 > 0.5)", "(A2 > 0)")),
    mistake("predict-inverted", "predict", "1 where A2 < 0.5", ("(A2 > 0.5)", "(A2 < 0.5)")),
    mistake("predict-probabilities", "predict", "A2 itself instead of 0/1", ("return (A2 > 0.5).astype(int)", "return A2")),
    mistake("predict-hard-coded", "predict", "the visible test's answer hard-coded",
            ("return (A2 > 0.5).astype(int)", "return np.array([[0, 0, 1]])")),
)
