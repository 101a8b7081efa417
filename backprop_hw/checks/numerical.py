"""Numerical gradients and the one measure of disagreement the checks use."""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(
    f: Callable[[dict[str, np.ndarray]], float],
    variables: dict[str, np.ndarray],
    epsilon: float,
) -> dict[str, np.ndarray]:
    """Two-sided differences (f(v + ε) − f(v − ε)) / 2ε for every entry of every variable.

    ``variables`` is left as it was; ``f`` gets a fresh dict of float64 copies.
    """
    point = {name: np.array(value, dtype=float) for name, value in variables.items()}
    gradient = {}
    for name, value in point.items():
        slope = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + epsilon
            f_plus = f(point)
            value[index] = saved - epsilon
            f_minus = f(point)
            value[index] = saved
            slope[index] = (f_plus - f_minus) / (2 * epsilon)
        gradient[name] = slope
    return gradient


def elementwise_derivative(g: Callable, z: np.ndarray, epsilon: float) -> np.ndarray:
    """Two-sided differences (g(z + ε) − g(z − ε)) / 2ε of an elementwise function."""
    return (g(z + epsilon) - g(z - epsilon)) / (2 * epsilon)


def relative_difference(a, b) -> float:
    """‖a − b‖₂ / (‖a‖₂ + ‖b‖₂): 0 when equal, 1 when opposite, scale-free.

    A norm over the whole array rather than entry by entry, so entries that
    are nearly zero cannot blow the ratio up.
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)
