"""Part C. Dimensions: layer_sizes, backprop_shapes.

What each part holds: see checks/parts/__init__.py.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_hw.checks import answer_key as key
from backprop_hw.checks.calling import call, fail, get_key, hidden_test
from backprop_hw.checks.messages import say
from backprop_hw.checks.mistakes import Mistake, mistake
from backprop_hw.checks.problems import Probe, probe_pool

__all__ = ["check_layer_sizes", "check_backprop_shapes"]


@hidden_test
def check_layer_sizes(layer_sizes: Callable) -> None:
    """(n_x, 4, n_y) read off the shapes of X (n_x, m) and Y (n_y, m)."""
    rng = np.random.default_rng(31)
    # Two outputs here are not generality beyond the lecture: reading n_y off Y is what layer_sizes is for.
    for n_x, n_y, m in [(5, 2, 3), (3, 1, 7)]:
        sizes = call(layer_sizes, "layer_sizes", rng.normal(size=(n_x, m)), rng.normal(size=(n_y, m)))
        try:
            sizes = tuple(int(s) for s in sizes)
        except (TypeError, ValueError):
            fail(say("layer_sizes_not_a_tuple", sizes=sizes))
        if sizes != (n_x, 4, n_y):
            fail(say("layer_sizes_wrong"))


@hidden_test
def check_backprop_shapes(backprop_shapes: Callable) -> None:
    """Shape of every W1 b1 Z1 A1 W2 b2 Z2 A2 and of its d-twin, for sizes it has not seen."""
    # n_y is one of the arguments, so n_y = 2 is part of the function's job, not generality beyond the lecture.
    for n_x, n_h, n_y, m in [(3, 5, 2, 7), (6, 2, 1, 4)]:
        shapes = call(backprop_shapes, "backprop_shapes", n_x, n_h, n_y, m)
        expected = key.backprop_shapes(n_x, n_h, n_y, m)
        for name, shape in expected.items():
            value = get_key(shapes, name, "backprop_shapes")
            try:
                value = tuple(int(s) for s in value)
            except (TypeError, ValueError):
                fail(say("shape_not_a_tuple", name=name, value=value))
            if value != shape:
                twin = name[1:] if name.startswith("d") else name
                fail(say("backprop_shape_wrong_twin" if twin != name else "backprop_shape_wrong",
                         name=name, twin=twin, n_x=n_x, n_h=n_h, n_y=n_y, m=m))


# --- What the checks say (messages.say), in English and Ukrainian ------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "layer_sizes_not_a_tuple": {
        "en": "layer_sizes should return a tuple (n_x, n_h, n_y), not {sizes!r}.",
        "uk": "layer_sizes має повертати кортеж (n_x, n_h, n_y), а не {sizes!r}.",
    },
    "layer_sizes_wrong": {
        "en": "layer_sizes is wrong: n_x is the number of rows of X, n_h = 4, n_y the number of rows of Y.",
        "uk": "layer_sizes повертає неправильні розміри шарів: n_x — кількість рядків X, n_h = 4, "
              "n_y — кількість рядків Y.",
    },
    "shape_not_a_tuple": {
        "en": "The shape of {name} should be a tuple of ints, not {value!r}.",
        "uk": "Розмір {name} має бути кортежем цілих чисел, а не {value!r}.",
    },
    "backprop_shape_wrong": {
        "en": "The shape of {name} is wrong for n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] is n[l]×n[l−1], b[l] is n[l]×1, Z[l] and A[l] are n[l]×m.",
        "uk": "Розмір {name} неправильний для n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] має розмір n[l]×n[l−1], b[l] — n[l]×1, Z[l] і A[l] — n[l]×m.",
    },
    "backprop_shape_wrong_twin": {
        "en": "The shape of {name} is wrong for n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] is n[l]×n[l−1], b[l] is n[l]×1, Z[l] and A[l] are n[l]×m, and {name} has the shape of {twin}.",
        "uk": "Розмір {name} неправильний для n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] має розмір n[l]×n[l−1], b[l] — n[l]×1, Z[l] і A[l] — n[l]×m, "
              "а {name} має той самий розмір, що й {twin}.",
    },
}


# --- Inputs that tell a mutant from the reference (harness/mutation.py) -------------------

def _layer_sizes_probes() -> list[Probe]:
    rng = probe_pool().rng
    return [((rng.normal(size=(n_x, m)), rng.normal(size=(n_y, m))), {}, None) for n_x, n_y, m in [(5, 2, 3), (2, 1, 7)]]


def _backprop_shapes_probes() -> list[Probe]:
    return [((3, 5, 2, 7), {}, None), ((6, 2, 1, 4), {}, None)]


PROBES: dict[str, Callable[[], list[Probe]]] = {
    "layer_sizes": _layer_sizes_probes,
    "backprop_shapes": _backprop_shapes_probes,
}

# --- Mistakes students make, which these checks must catch (harness/catalogue.py) ---------

MISTAKES: tuple[Mistake, ...] = (
    mistake("layer-sizes-m", "layer_sizes", "n_x read from the number of columns", ("n_x = X.shape[0]", "n_x = X.shape[1]")),
    mistake("layer-sizes-hard-coded", "layer_sizes", "the visible test's answer hard-coded",
            ("n_x = X.shape[0]", "n_x = 2"), ("n_y = Y.shape[0]", "n_y = 1")),
    mistake("shapes-W1-transposed", "backprop_shapes", "W1 as n_x × n_h", ('"W1": (n_h, n_x)', '"W1": (n_x, n_h)')),
    mistake("shapes-b1-per-example", "backprop_shapes", "b1 as n_h × m", ('"b1": (n_h, 1)', '"b1": (n_h, m)')),
    mistake("shapes-no-twins", "backprop_shapes", "the d-twins left out",
            ('    for name in list(shapes):\n        shapes["d" + name] = shapes[name]\n', "")),
)
