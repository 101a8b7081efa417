"""Дані та графіки для завдання на зворотне поширення.

У цьому файлі нічого не оцінюється і нічого не треба писати тобі: він створює
набір даних «квітка» й малює графіки. Назви функцій і значення, які вони повертають,
збігаються з ``planar_utils.py`` оригінального курсу.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

FLOWER_SEED = 1  # оригінальний курс задає NumPy зерно 1, перш ніж генерувати квітку
FLOWER_EXAMPLES = 400
FLOWER_PETAL_LENGTH = 4  # r = 4·sin(4t)
FLOWER_NOISE = 0.2
CLASS_COLOURS = ("#d7301f", "#2b6cb0")  # y = 0 червоний, y = 1 синій


def load_planar_dataset() -> tuple[np.ndarray, np.ndarray]:
    """Повертає квітку: X розміру (2, 400) і мітки Y розміру (1, 400).

    Кожен клас — це один набір пелюсток, r = 4·sin(4t), із шумом 0.2 і в t,
    і в r. Точки до останньої цифри збігаються з оригінальним курсом, але
    беруться з окремого генератора: глобальний генератор NumPy лишається недоторканим, тож твої
    власні виклики ``np.random.seed`` діють саме так, як ти очікуєш. Мітки — числа float 0.0 і
    1.0 (в оригіналі був uint8, де ``-Y`` непомітно перетворюється на 255).
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


def plot_planar_dataset(X: np.ndarray, Y: np.ndarray, title: str = "Набір даних «квітка»"):
    """Малює точки X (2, m) у вигляді діаграми розсіювання, розфарбовані за мітками Y (1, m)."""
    import matplotlib.pyplot as plt

    from matplotlib.colors import ListedColormap

    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter(X[0, :], X[1, :], c=np.ravel(Y), s=14, cmap=ListedColormap(CLASS_COLOURS), vmin=0, vmax=1)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    return fig


def plot_decision_boundary(model: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray, title: str = ""):
    """Розфарбовує площину за передбаченням ``model`` і наносить на неї точки X.

    ``model`` приймає точки як рядки, розмір (k, 2), і повертає k міток; для
    мережі напиши ``lambda points: predict(parameters, points.T)``.
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


def plot_costs(costs: Sequence[float], every: int = 1, title: str = "Витрати під час тренування"):
    """Будує графік витрат J, записаних раз на кожні ``every`` ітерацій."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot(np.arange(len(costs)) * every, costs)
    ax.set(title=title, xlabel="ітерація тренування", ylabel="витрати $J$")
    return fig


def plot_hidden_units(A1: np.ndarray, title: str = "Активації прихованих вузлів"):
    """Показує A1 (n_h, m) як зображення: один рядок на прихований вузол, один стовпець на зразок.

    Використовується в експерименті з нульовою ініціалізацією: однакові вузли дають однакові рядки.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 1.2 + 0.3 * A1.shape[0]))
    image = ax.imshow(A1, aspect="auto", cmap="coolwarm", vmin=-1, vmax=1, interpolation="nearest")
    ax.set(title=title, xlabel="тренувальний зразок", ylabel="прихований вузол",
           yticks=range(A1.shape[0]), yticklabels=[str(u + 1) for u in range(A1.shape[0])])
    fig.colorbar(image, ax=ax, label="$a^{[1]}$")
    return fig
