"""The answer key the hidden tests trust.

Written apart from the notebook's reference solution, in plain formulas, so
that a slip in one is caught by the other (``tests/test_checks.py`` checks
the two against each other and against numerical gradients). The hidden tests
use it, in the grader's process, to build trusted inputs (a real forward pass,
true gradients) and to judge the student's answers. While one function is
tested, the student's other graded functions are replaced by stand-ins from
here; those run in the student's kernel, so only the key of functions whose
test cells are all graded ever goes there (stand_in_source).
"""

from __future__ import annotations

import ast
import functools
import inspect

import numpy as np

from backprop_hw.checks.numerical import numerical_gradient, relative_difference

Parameters = dict[str, np.ndarray]
PARAMETER_NAMES = ("W1", "b1", "W2", "b2")


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def logistic_loss(a, y):
    return -y * np.log(a) - (1 - y) * np.log(1 - a)


def logistic_backward(x, y, a):
    da = -y / a + (1 - y) / (1 - a)
    dz = a - y
    return {"da": da, "dz": dz, "dw": x * dz, "db": dz}


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1 - s)


def tanh_derivative(z):
    return 1 - np.tanh(z) ** 2


def relu_derivative(z):
    return (np.asarray(z) > 0).astype(float)


def layer_sizes(X, Y):
    return (X.shape[0], 4, Y.shape[0])


def backprop_shapes(n_x, n_h, n_y, m):
    shapes = {
        "W1": (n_h, n_x), "b1": (n_h, 1), "Z1": (n_h, m), "A1": (n_h, m),
        "W2": (n_y, n_h), "b2": (n_y, 1), "Z2": (n_y, m), "A2": (n_y, m),
    }
    shapes.update({"d" + name: shape for name, shape in list(shapes.items())})
    return shapes


def initialize_parameters(n_x, n_h, n_y):
    W1 = np.random.randn(n_h, n_x) * 0.01
    W2 = np.random.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y) -> float:
    """(1/m)·Σ L over the m examples (columns); with several outputs their losses add up."""
    return float(np.sum(logistic_loss(A2, Y)) / Y.shape[1])


def cost(parameters, X, Y) -> float:
    """J(W1, b1, W2, b2) of a forward pass."""
    A2, _ = forward_propagation(X, parameters)
    return compute_cost(A2, Y)


def backward_propagation_one_example(parameters, cache, x, y):
    dz2 = cache["A2"] - y
    dz1 = (parameters["W2"].T @ dz2) * (1 - np.tanh(cache["Z1"]) ** 2)
    return {"dz2": dz2, "dW2": dz2 @ cache["A1"].T, "db2": dz2,
            "dz1": dz1, "dW1": dz1 @ x.T, "db1": dz1}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - np.tanh(cache["Z1"]) ** 2)
    return {"dZ2": dZ2, "dW2": dZ2 @ cache["A1"].T / m, "db2": dZ2.mean(axis=1, keepdims=True),
            "dZ1": dZ1, "dW1": dZ1 @ X.T / m, "db1": dZ1.mean(axis=1, keepdims=True)}


def update_parameters(parameters, grads, learning_rate=1.2):
    return {name: parameters[name] - learning_rate * grads["d" + name] for name in PARAMETER_NAMES}


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {compute_cost(A2, Y):f}")
        parameters = update_parameters(parameters, backward_propagation(parameters, cache, X, Y))
    return parameters


def predict(parameters, X):
    A2, _ = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(int)


def gradient_check(parameters, X, Y, backward=backward_propagation, epsilon=1e-7) -> float:
    A2, cache = forward_propagation(X, parameters)
    analytic = backward(parameters, cache, X, Y)
    numeric = numerical_gradient(lambda p: cost(p, X, Y), parameters, epsilon)
    return relative_difference(
        np.concatenate([np.ravel(analytic["d" + name]) for name in PARAMETER_NAMES]),
        np.concatenate([np.ravel(numeric[name]) for name in PARAMETER_NAMES]),
    )

GRADED_FUNCTIONS = {
    name: globals()[name]
    for name in (
        "sigmoid", "logistic_loss", "logistic_backward",
        "sigmoid_derivative", "tanh_derivative", "relu_derivative",
        "layer_sizes", "backprop_shapes",
        "forward_propagation", "backward_propagation_one_example",
        "compute_cost", "backward_propagation", "gradient_check",
        "initialize_parameters", "update_parameters", "nn_model", "predict",
    )
}


# The arguments of the vectorized functions that carry the m examples (as columns, or as a cache of
# them): a loop whose length depends on these is a loop over the examples (checks/loops.py).
EXAMPLE_ARGUMENTS = {
    "forward_propagation": ("X",),
    "compute_cost": ("A2", "Y"),
    "backward_propagation": ("cache", "X", "Y"),
}


@functools.lru_cache(maxsize=None)
def _definitions() -> dict[str, tuple[str, frozenset[str]]]:
    """{name: (source, names it uses)} of this module's and numerical.py's top-level functions and constants."""
    from backprop_hw.checks import numerical

    found: dict[str, tuple[str, frozenset[str]]] = {}
    for module in (numerical, __import__(__name__, fromlist=["_"])):
        for node in ast.parse(inspect.getsource(module)).body:
            if isinstance(node, ast.FunctionDef):
                names = [node.name]
            elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
                names = [t.id for t in node.targets]
            else:
                continue
            used = frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
            for name in names:
                found[name] = (ast.get_source_segment(inspect.getsource(module), node), used)
    return found


def stand_in_source(released: set[str]) -> tuple[str, list[str]]:
    """Python source that defines the answer key of the `released` graded functions (those whose
    test cells are all graded), and their names: what stands in for them in a student's kernel.

    A function is left out if its key needs the key of a graded function not released (none does:
    each calls only functions graded before it), so no other function's key ever leaves here."""
    definitions = _definitions()
    needed: dict[str, None] = {}  # in order of dependency, each before what uses it

    def add(name: str, path: tuple[str, ...]) -> bool:
        if name in GRADED_FUNCTIONS and name not in released:
            return False
        if name in needed or name in path:
            return True
        source_and_used = definitions.get(name)
        if source_and_used is None:
            return True  # a builtin, np, or a local name
        if not all(add(used, path + (name,)) for used in sorted(source_and_used[1]) if used != name):
            return False
        needed[name] = None
        return True

    shipped = [name for name in GRADED_FUNCTIONS if name in released and add(name, ())]
    source = "\n\n".join(["from __future__ import annotations\nimport numpy as np"]
                          + [definitions[name][0] for name in needed])
    return source, shipped
