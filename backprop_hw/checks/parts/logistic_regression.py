"""Part A. Logistic regression on one example: sigmoid, logistic_loss, logistic_backward.

What each part holds: see checks/parts/__init__.py.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_hw.checks import answer_key as key
from backprop_hw.checks.calling import (
    as_array,
    call,
    expect_close,
    expect_gradient,
    fail,
    get_key,
    hidden_test,
)
from backprop_hw.checks.messages import say
from backprop_hw.checks.mistakes import Mistake, mistake
from backprop_hw.checks.numerical import elementwise_derivative, numerical_gradient
from backprop_hw.checks.problems import Probe, probe_pool
from backprop_hw.checks.tolerances import NUMERICAL_STEP, VALUE_ATOL, VALUE_RTOL

__all__ = ["check_sigmoid", "check_logistic_loss", "check_logistic_backward"]


@hidden_test
def check_sigmoid(sigmoid: Callable) -> None:
    """σ(z) = 1 / (1 + e^(−z)): numbers and arrays of any shape, elementwise."""
    hint = say("hint_sigmoid")
    value = as_array(call(sigmoid, "sigmoid", 0.0), "sigmoid(0)")
    if value.size != 1 or not np.isclose(value.item(), 0.5):
        fail(say("sigmoid_of_zero", hint=hint))
    z = np.random.default_rng(11).uniform(-8, 8, (3, 7))
    expect_close(as_array(call(sigmoid, "sigmoid", z), "sigmoid(z)"), key.sigmoid(z), "sigmoid(z)", hint)


@hidden_test
def check_logistic_loss(logistic_loss: Callable) -> None:
    """L(a, y) = −y·log a − (1−y)·log(1−a), for y = 1, y = 0 and arrays."""
    rng = np.random.default_rng(12)
    for y in (1.0, 0.0):
        a = rng.uniform(0.05, 0.95)
        value = as_array(call(logistic_loss, "logistic_loss", a, y), f"logistic_loss(a, y={y:g})")
        if value.size != 1 or not np.isclose(value.item(), key.logistic_loss(a, y), rtol=VALUE_RTOL, atol=VALUE_ATOL):
            term = "−y·log a" if y == 1 else "−(1−y)·log(1−a)"
            fail(say("logistic_loss_wrong_for_y", y=y, term=term))
    a = rng.uniform(0.05, 0.95, (1, 6))
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0, 0.0]])
    expect_close(
        as_array(call(logistic_loss, "logistic_loss", a, y), "logistic_loss(A, Y)"),
        key.logistic_loss(a, y),
        say("logistic_loss_on_arrays"),
        say("hint_logistic_loss_arrays"),
    )


@hidden_test
def check_logistic_backward(logistic_backward: Callable) -> None:
    """da, dz, dw, db of one example against central differences of L(σ(wᵀx + b), y)."""
    rng = np.random.default_rng(13)
    for y in (1.0, 0.0):
        n_x = 3
        x = rng.normal(0, 1, (n_x, 1))
        w, b = rng.normal(0, 0.5, (n_x, 1)), float(rng.normal(0, 0.5))
        z = (w.T @ x + b).item()
        a = float(key.sigmoid(z))
        grads = call(logistic_backward, "logistic_backward", x, y, a)
        loss_of = lambda v: float(key.logistic_loss(key.sigmoid(v["w"].T @ x + v["b"]), y).item())
        numeric = numerical_gradient(loss_of, {"w": w, "b": np.array(b)}, NUMERICAL_STEP)
        checks = [
            ("da", elementwise_derivative(lambda v: key.logistic_loss(v, y), np.array(a), NUMERICAL_STEP),
             "L(a, y)", say("hint_da")),
            ("dz", elementwise_derivative(lambda v: key.logistic_loss(key.sigmoid(v), y), np.array(z), NUMERICAL_STEP),
             "L(σ(z), y)", say("hint_dz")),
            ("dw", numeric["w"], say("loss_with_respect_to_parameter", parameter="w"), say("hint_dw")),
            ("db", numeric["b"], say("loss_with_respect_to_parameter", parameter="b"), say("hint_db")),
        ]
        for name, numerical, of, hint in checks:
            value = as_array(get_key(grads, name, "logistic_backward"), name)
            if name != "dw":  # da, dz, db are single numbers: accept 0-d, (1,) or (1, 1)
                if value.size != 1:
                    fail(say("one_number_for_one_example", name=name, shape=value.shape, hint=hint))
                value = value.reshape(())
            expect_gradient(value, numerical, name, of, hint)


# --- What the checks say (messages.say), in English and Ukrainian ------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "hint_sigmoid": {
        "en": "σ(z) = 1 / (1 + e^(−z)), applied to every entry.",
        "uk": "σ(z) = 1 / (1 + e^(−z)) для кожного елемента окремо.",
    },
    "sigmoid_of_zero": {
        "en": "sigmoid(0) should be one number equal to 0.5: {hint}",
        "uk": "sigmoid(0) має бути одним числом, що дорівнює 0.5: {hint}",
    },
    "logistic_loss_wrong_for_y": {
        "en": "logistic_loss is wrong when y = {y:g}, where only the term {term} counts.",
        "uk": "logistic_loss дає неправильне значення при y = {y:g}, коли важить лише доданок {term}.",
    },
    "logistic_loss_on_arrays": {
        "en": "logistic_loss on arrays",
        "uk": "logistic_loss на масивах",
    },
    "hint_logistic_loss_arrays": {
        "en": "use NumPy's elementwise np.log and *, so that arrays work too.",
        "uk": "потрібні поелементні np.log і * з NumPy, щоб функція працювала й на масивах.",
    },
    "hint_da": {
        "en": "da = −y/a + (1−y)/(1−a); note the division in the second term.",
        "uk": "da = −y/a + (1−y)/(1−a); у другому доданку — ділення.",
    },
    "hint_dz": {
        "en": "by the chain rule dz = da·σ′(z) = a − y.",
        "uk": "за ланцюговим правилом dz = da·σ′(z) = a − y.",
    },
    "hint_dw": {
        "en": "dw = x·dz, one entry per input, the shape of w (n_x, 1).",
        "uk": "dw = x·dz, по одному елементу на кожен вхід, того самого розміру, що й w: (n_x, 1).",
    },
    "hint_db": {
        "en": "db = dz.",
        "uk": "db = dz.",
    },
    "loss_with_respect_to_parameter": {
        "en": "L with respect to {parameter}",
        "uk": "L за {parameter}",
    },
    "one_number_for_one_example": {
        "en": "{name} should be one number for one example, but has shape {shape}: {hint}",
        "uk": "{name} для одного зразка має бути одним числом, а має розмір {shape}: {hint}",
    },
}


# --- Inputs that tell a mutant from the reference (harness/mutation.py) -------------------

def _elementwise_probes() -> list[Probe]:
    return [((z,), {}, None) for z in probe_pool().arrays]


def _logistic_loss_probes() -> list[Probe]:
    pairs = [((a, y), {}, None) for a, y in probe_pool().probabilities]
    return pairs + [((0.8, 1), {}, None), ((0.3, 0), {}, None)]


def _logistic_backward_probes() -> list[Probe]:
    x = probe_pool().rng.normal(size=(3, 1))
    return [((x, y, a), {}, None) for y, a in [(1, 0.8), (0, 0.35), (1.0, 0.1)]]


PROBES: dict[str, Callable[[], list[Probe]]] = {
    "sigmoid": _elementwise_probes,
    "logistic_loss": _logistic_loss_probes,
    "logistic_backward": _logistic_backward_probes,
}

# --- Mistakes students make, which these checks must catch (harness/catalogue.py) ---------

MISTAKES: tuple[Mistake, ...] = (
    mistake("sigmoid-sign", "sigmoid", "e^(+z) instead of e^(−z)", ("np.exp(-z)", "np.exp(z)")),
    mistake("sigmoid-precedence", "sigmoid", "1 / 1 + e^(−z), a missing parenthesis",
            ("1 / (1 + np.exp(-z))", "1 / 1 + np.exp(-z)")),
    mistake("sigmoid-math-exp", "sigmoid", "math.exp, which fails on arrays",
            ("return 1 / (1 + np.exp(-z))", "import math\n    return 1 / (1 + math.exp(-z))")),
    mistake("loss-sign", "logistic_loss", "the minus sign forgotten",
            ("return -y * np.log(a) - (1 - y) * np.log(1 - a)", "return y * np.log(a) + (1 - y) * np.log(1 - a)")),
    mistake("loss-log-a-twice", "logistic_loss", "log(a) in the y = 0 term",
            ("(1 - y) * np.log(1 - a)", "(1 - y) * np.log(a)")),
    mistake("da-subtitle-typo", "logistic_backward", "da with (1−y)(1−a), the subtitles' typo",
            ("(1 - y) / (1 - a)", "(1 - y) * (1 - a)")),
    mistake("dw-subtitle-typo", "logistic_backward", "dw = da·x, from the subtitles' 'dw = dw·x'",
            ("dw = x * dz", "dw = x * da")),
    mistake("dz-sign", "logistic_backward", "dz = y − a", ("dz = a - y", "dz = y - a")),
    mistake("dw-row", "logistic_backward", "dw as a row, xᵀ·dz", ("dw = x * dz", "dw = x.T * dz")),
)
