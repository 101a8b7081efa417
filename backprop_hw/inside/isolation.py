"""Swapping names in a namespace and silencing warnings: the one helper for each, on both sides.

Standard library and NumPy only: the kernel's end of the grader's channel (kernel_end.py) loads
this file by path inside the sandbox; the grader's checks import it as backprop_hw.inside.isolation.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any, Callable, Iterator

import numpy as np


def swap_in(namespace: dict, replacements: dict[str, Any]) -> Callable[[], None]:
    """Put `replacements` into `namespace`; the function returned puts back what was there before
    and removes what was not."""
    absent = object()
    saved = {name: namespace.get(name, absent) for name in replacements}
    namespace.update(replacements)

    def restore() -> None:
        for name, value in saved.items():
            if value is absent:
                namespace.pop(name, None)
            else:
                namespace[name] = value

    return restore


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings: nbgrader gives 0 to a test cell that writes to stderr,
    and a harmless RuntimeWarning from a correct answer must not cost points."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def silence() -> tuple[list, dict]:
    """Silence warnings until unsilence(): for a test cell's visible tests, which run as a notebook
    cell and not inside one `with` block. Returns what unsilence() puts back."""
    saved = warnings.filters[:], np.seterr(all="ignore")
    warnings.simplefilter("ignore")
    return saved


def unsilence(warning_filters: list, numpy_errors: dict) -> None:
    warnings.filters[:] = warning_filters
    np.seterr(**numpy_errors)
