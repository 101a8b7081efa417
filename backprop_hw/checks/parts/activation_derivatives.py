"""Part B. Activation derivatives: sigmoid_derivative, tanh_derivative, relu_derivative.

What each part holds: see checks/parts/__init__.py.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_hw.checks import answer_key as key
from backprop_hw.checks.calling import (
    as_array,
    call,
    expect_gradient,
    expect_shape,
    fail,
    hidden_test,
)
from backprop_hw.checks.messages import say
from backprop_hw.checks.mistakes import Mistake, mistake
from backprop_hw.checks.numerical import elementwise_derivative
from backprop_hw.checks.problems import Probe, probe_pool
from backprop_hw.checks.tolerances import NUMERICAL_STEP

__all__ = ["check_sigmoid_derivative", "check_tanh_derivative", "check_relu_derivative"]


def _check_activation_derivative(function: Callable, name: str, g: Callable, hint: str, z: np.ndarray) -> None:
    value = as_array(call(function, name, z), f"{name}(z)")
    expect_shape(value, z.shape, f"{name}(z)", say("hint_elementwise_derivative"))
    expect_gradient(value, elementwise_derivative(g, z, NUMERICAL_STEP), f"{name}(z)", "g", hint)


@hidden_test
def check_sigmoid_derivative(sigmoid_derivative: Callable) -> None:
    """σ′(z) = σ(z)(1 − σ(z)) against central differences, elementwise."""
    z = np.random.default_rng(21).uniform(-5, 5, (4, 3))
    _check_activation_derivative(sigmoid_derivative, "sigmoid_derivative", key.sigmoid,
                                 say("hint_sigmoid_derivative"), z)


@hidden_test
def check_tanh_derivative(tanh_derivative: Callable) -> None:
    """tanh′(z) = 1 − tanh²(z) against central differences, elementwise."""
    z = np.random.default_rng(22).uniform(-3, 3, (3, 5))
    _check_activation_derivative(tanh_derivative, "tanh_derivative", np.tanh, say("hint_tanh_derivative"), z)


@hidden_test
def check_relu_derivative(relu_derivative: Callable) -> None:
    """relu′(z) is 1 where z > 0 and 0 elsewhere, including z = 0."""
    z = np.random.default_rng(23).uniform(-2, 2, (5, 4))
    z[0, :2] = 0.0
    value = as_array(call(relu_derivative, "relu_derivative", z), "relu_derivative(z)")
    expect_shape(value, z.shape, "relu_derivative(z)", say("hint_elementwise_derivative"))
    if not np.array_equal(value[z != 0], (z[z != 0] > 0).astype(float)):
        fail(say("relu_derivative_away_from_zero"))
    if not np.all(value[z == 0] == 0):
        fail(say("relu_derivative_at_zero"))


# --- What the checks say (messages.say), in English and Ukrainian ------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "hint_elementwise_derivative": {
        "en": "g′(z) is elementwise: the result has the shape of z.",
        "uk": "g′(z) обчислюється поелементно: результат має той самий розмір, що й z.",
    },
    "hint_sigmoid_derivative": {
        "en": "σ′(z) = σ(z)·(1 − σ(z)).",
        "uk": "σ′(z) = σ(z)·(1 − σ(z)).",
    },
    "hint_tanh_derivative": {
        "en": "tanh′(z) = 1 − tanh(z)².",
        "uk": "tanh′(z) = 1 − tanh(z)².",
    },
    "relu_derivative_away_from_zero": {
        "en": "relu_derivative(z) is wrong away from 0: relu′(z) = 1 where z > 0 and 0 where z < 0.",
        "uk": "relu_derivative(z) дає неправильні значення поза нулем: relu′(z) = 1 там, де z > 0, "
              "і 0 там, де z < 0.",
    },
    "relu_derivative_at_zero": {
        "en": "relu_derivative(0) should be 0: this assignment takes relu′(0) = 0.",
        "uk": "relu_derivative(0) має дорівнювати 0: у цьому завданні relu′(0) = 0.",
    },
}


# --- Inputs that tell a mutant from the reference (harness/mutation.py) -------------------

def _elementwise_probes() -> list[Probe]:
    return [((z,), {}, None) for z in probe_pool().arrays]


PROBES: dict[str, Callable[[], list[Probe]]] = {
    "sigmoid_derivative": _elementwise_probes,
    "tanh_derivative": _elementwise_probes,
    "relu_derivative": _elementwise_probes,
}

# --- Mistakes students make, which these checks must catch (harness/catalogue.py) ---------

MISTAKES: tuple[Mistake, ...] = (
    mistake("sigmoid-derivative-of-z", "sigmoid_derivative", "s·(1 − z) instead of s·(1 − s)",
            ("return s * (1 - s)", "return s * (1 - z)")),
    mistake("tanh-derivative-no-square", "tanh_derivative", "1 − tanh(z), the square forgotten",
            ("1 - np.tanh(z) ** 2", "1 - np.tanh(z)")),
    mistake("tanh-derivative-of-z", "tanh_derivative", "1 − z², as if z were a = tanh(z)",
            ("1 - np.tanh(z) ** 2", "1 - z ** 2")),
    mistake("relu-derivative-at-zero", "relu_derivative", "relu′(0) = 1", ("(z > 0)", "(z >= 0)")),
    mistake("relu-derivative-is-relu", "relu_derivative", "relu itself instead of its derivative",
            ("return (z > 0).astype(float)", "return np.maximum(0, z)")),
)
