"""The graded functions' checks, one module per part of the notebook (A to G).

A part holds everything about its graded functions but their answer key
(``checks/answer_key.py``) and their notebook cells: the ``check_*`` hidden tests,
their ``MESSAGES`` in English and Ukrainian, the ``PROBES`` that tell a mutant from
the reference (harness/mutation.py) and the ``MISTAKES`` the checks must catch
(harness/catalogue.py). Changing a hidden test means changing its part and the notebook.
"""

from __future__ import annotations

from typing import Callable

from backprop_hw.checks.mistakes import Mistake
from backprop_hw.checks.parts import (
    activation_derivatives,
    dimensions,
    gradient_checking,
    logistic_regression,
    one_example,
    training,
    vectorized,
)
from backprop_hw.checks.problems import Probe

# In the notebook's order: the catalogue lists the mistakes in this order too.
PARTS = (logistic_regression, activation_derivatives, dimensions, one_example, vectorized, gradient_checking,
         training)


def _merged(attribute: str) -> dict:
    merged: dict = {}
    for part in PARTS:
        for key, value in getattr(part, attribute).items():
            assert key not in merged, f"{key!r} is in the {attribute} of two parts"
            merged[key] = value
    return merged


MESSAGES: dict[str, dict[str, str]] = _merged("MESSAGES")
PROBES: dict[str, Callable[[], list[Probe]]] = _merged("PROBES")
MISTAKES: tuple[Mistake, ...] = tuple(m for part in PARTS for m in part.MISTAKES)
