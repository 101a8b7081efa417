"""Data and plots for the backpropagation assignment.

Nothing in this file is graded and nothing here is yours to write: it makes
the "flower" data set and draws the pictures. The names and return values
match the original course's ``planar_utils.py``.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

FLOWER_SEED = 1  # the original course seeds NumPy with 1 before drawing the flower
FLOWER_EXAMPLES = 400
FLOWER_PETAL_LENGTH = 4  # r = 4·sin(4t)
FLOWER_NOISE = 0.2
CLASS_COLOURS = ("#d7301f", "#2b6cb0")  # y = 0 red, y = 1 blue


def load_planar_dataset() -> tuple[np.ndarray, np.ndarray]:
    """Return the flower: X of shape (2, 400) and labels Y of shape (1, 400).

    Each class is one set of petals, r = 4·sin(4t) with noise 0.2 on both t
    and r. The points are the original course's to the last digit, but they
    come from a private generator: NumPy's global one is left alone, so your
    own ``np.random.seed`` calls mean what they say. Labels are floats 0.0 and
    1.0 (the original used uint8, where ``-Y`` silently wraps to 255).
    """
    rng = np.random.RandomState(FLOWER_SEED)
    per_class = FLOWER_EXAMPLES // 2
    X = np.zeros((FLOWER_EXAMPLES, 2))
    Y = np.zeros((FLOWER_EXAMPLES, 1))
    for label in range(2):
        rows = range(per_class * label, per_class * (label + 1))
        t = np.linspace(label * 3.12, (label + 1) * 3.12, per_class) + rng.randn(per_class) * FLOWER_NOISE
        r = FLOWER_PETAL_LENGTH * np.sin(4 * t) + rng.randn(per_class) * FLOWER_NOISE
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[rows] = label
    return X.T, Y.T


def plot_planar_dataset(X: np.ndarray, Y: np.ndarray, title: str = "The flower data set"):
    """Scatter the points of X (2, m), coloured by their labels Y (1, m)."""
    import matplotlib.pyplot as plt

    from matplotlib.colors import ListedColormap

    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter(X[0, :], X[1, :], c=np.ravel(Y), s=14, cmap=ListedColormap(CLASS_COLOURS), vmin=0, vmax=1)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return fig


def plot_decision_boundary(model: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray, title: str = ""):
    """Colour the plane by ``model``'s prediction and put the points of X on it.

    ``model`` takes points as rows, shape (k, 2), and returns k labels; for the
    network write ``lambda points: predict(parameters, points.T)``.
    """
    import matplotlib.pyplot as plt

    step = 0.02
    x_min, x_max = X[0, :].min() - 1, X[0, :].max() + 1
    y_min, y_max = X[1, :].min() - 1, X[1, :].max() + 1
    xx, yy = np.meshgrid(np.arange(x_min, x_max, step), np.arange(y_min, y_max, step))
    labels = np.asarray(model(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    from matplotlib.colors import ListedColormap

    colours = ListedColormap(CLASS_COLOURS)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.contourf(xx, yy, labels, levels=[-0.5, 0.5, 1.5], cmap=colours, alpha=0.25)
    ax.scatter(X[0, :], X[1, :], c=np.ravel(y), s=14, cmap=colours, vmin=0, vmax=1)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return fig


def plot_costs(costs: Sequence[float], every: int = 1, title: str = "Cost during training"):
    """Plot the cost J, recorded once every ``every`` iterations."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(np.arange(len(costs)) * every, costs)
    ax.set(title=title, xlabel="training iteration", ylabel="cost $J$")
    return fig


def plot_hidden_units(A1: np.ndarray, title: str = "Hidden activations"):
    """Show A1 (n_h, m) as an image: one row per hidden unit, one column per example.

    Used by the zero-initialisation experiment: identical units give identical rows.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 1.2 + 0.3 * A1.shape[0]))
    image = ax.imshow(A1, aspect="auto", cmap="coolwarm", vmin=-1, vmax=1, interpolation="nearest")
    ax.set(title=title, xlabel="training example", ylabel="hidden unit",
           yticks=range(A1.shape[0]), yticklabels=[str(u + 1) for u in range(A1.shape[0])])
    fig.colorbar(image, ax=ax, label="$a^{[1]}$")
    return fig
