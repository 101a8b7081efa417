"""Inputs for the hidden tests: random problems and a data set students never see.

Every generator takes a seed, so the hidden tests are deterministic; the
seeds differ from anything in the notebook, so hard-coded answers fail.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from backprop_hw.checks import answer_key


@dataclass
class Problem:
    """A two-layer network with data: what a forward or backward pass needs."""

    parameters: dict[str, np.ndarray]
    X: np.ndarray
    Y: np.ndarray
    cache: dict[str, np.ndarray]

    @property
    def sizes(self) -> tuple[int, int, int, int]:
        """(n_x, n_h, n_y, m)"""
        n_h, n_x = self.parameters["W1"].shape
        return n_x, n_h, self.parameters["W2"].shape[0], self.X.shape[1]


def random_problem(seed: int, m: int | None = None, n_x: int | None = None, n_h: int | None = None,
                   n_y: int = 1) -> Problem:
    """A random network and data: n_x in 2..5, n_h in 2..6, n_y outputs (1 unless given), m in 2..7.

    With n_y = 2, W2ᵀ·dZ2 and the elementwise W2ᵀ * dZ2 differ (with one output they agree).
    No two of n_x, n_h and m are equal, so a transpose in the wrong place
    always shows as a wrong shape. Weights of scale 0.5 keep tanh and the
    sigmoid away from saturation, where every gradient would be near zero.
    """
    rng = np.random.default_rng(seed)
    while True:
        sizes = (
            n_x or int(rng.integers(2, 6)),
            n_h or int(rng.integers(2, 7)),
            m or int(rng.integers(2, 8)),
        )
        if len(set(sizes)) == 3 or (n_x and n_h and m):
            break
    n_x, n_h, m = sizes
    parameters = {
        "W1": rng.normal(0, 0.5, (n_h, n_x)),
        "b1": rng.normal(0, 0.5, (n_h, 1)),
        "W2": rng.normal(0, 0.5, (n_y, n_h)),
        "b2": rng.normal(0, 0.5, (n_y, 1)),
    }
    X = rng.normal(0, 1, (n_x, m))
    Y = rng.integers(0, 2, (n_y, m)).astype(float)
    if m >= 2:
        Y[:, :2] = [0.0, 1.0]  # both classes, so both terms of the loss count
    _, cache = answer_key.forward_propagation(X, parameters)
    return Problem(parameters, X, Y, cache)


# (args, kwargs, global seed or None): one call that compares a mutant with the reference
Probe = tuple[tuple, dict, int | None]


@dataclass
class ProbePool:
    """Inputs the parts' PROBES share (harness/mutation.py calls every mutant on them)."""

    rng: np.random.Generator  # drawn from after the pool, by a part that needs more
    problems: list[Problem]
    arrays: list[np.ndarray]
    probabilities: list[tuple[np.ndarray, np.ndarray]]  # (A2, Y)


def probe_pool() -> ProbePool:
    """The same pool on every call: one generator, drawn in one fixed order."""
    rng = np.random.default_rng(7)
    problems = [random_problem(s, n_y=n_y) for s, n_y in [(1, 1), (2, 1), (3, 2)]] + [random_problem(4, m=1)]
    arrays = [rng.uniform(-4, 4, (3, 5)), np.array([[-1.0, 0.0, 0.0, 2.0]]), np.array(0.7)]
    probabilities = [(rng.uniform(0.05, 0.95, (1, 6)), rng.integers(0, 2, (1, 6)).astype(float)),
                     (np.array([[0.3, 0.8]]), np.array([[1.0, 0.0]]))]
    return ProbePool(rng, problems, arrays, probabilities)


def flower() -> tuple[np.ndarray, np.ndarray]:
    """The notebook's flower data set, from the planar_utils.py that ships with the assignment
    (source/, read by path: the grader never imports a module from a submission's folder)."""
    import importlib.util

    from backprop_hw import paths

    name = "_backprop_hw_planar_utils"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, paths.SOURCE_DIR / paths.ASSIGNMENT / "planar_utils.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name].load_planar_dataset()


def rings(seed: int = 2024, examples: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy concentric rings, inner class 1: the hidden convergence set."""
    rng = np.random.default_rng(seed)
    inner = examples // 2
    radius = np.r_[rng.normal(1.0, 0.2, inner), rng.normal(2.5, 0.2, examples - inner)]
    angle = rng.uniform(0, 2 * np.pi, examples)
    X = np.vstack([radius * np.cos(angle), radius * np.sin(angle)])
    Y = np.r_[np.ones(inner), np.zeros(examples - inner)].reshape(1, examples)
    return X, Y
