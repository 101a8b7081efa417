"""Catalogues of submissions that prove the grader right.

MISTAKES: the reference with one mistake students really make; each must fail
(at least) the cells named and lose points in its own function's cells only.
CRASHES: functions that kill their kernel; each must cost its own cells only.
VARIANTS: other correct ways to write the same functions; each must earn 100.
All are graded by the real `nbgrader autograde` in the harness (harness/run.py),
and judged in tests/test_harness.py.
"""

from __future__ import annotations

from backprop_hw import notebooks, paths
from backprop_hw.samples import LATE, REFERENCE, UNTOUCHED, Sample


# Test cells of the lecture's network (one output, m ≥ 2) -> the cell that checks the same function
# beyond it. The second checks everything the first does, then more: a mistake on the lecture's
# network fails both (and loses what it lost when they were one cell); one that is wrong only beyond
# it (beyond_lecture=True) fails the second alone and keeps most of the function's points.
GENERAL_TWIN = {
    "test_forward_propagation": "test_forward_propagation_general",
    "test_backward_propagation_one_example": "test_backward_propagation_one_example_general",
    "test_backward_propagation": "test_backward_propagation_general",
}


def mistake(student_id: str, function: str, description: str, *changes: tuple[str, str],
            must_fail: tuple[str, ...] = (), slow: bool = False, beyond_lecture: bool = False) -> Sample:
    """A reference copy with `changes` (old, new) in `function`'s answer cell.

    It must fail `must_fail` (by default the function's test cell) and their general twins; with
    `beyond_lecture`, it must fail the twins only and pass the cells of the lecture's network."""
    cells = must_fail or (f"test_{function}",)
    twins = tuple(GENERAL_TWIN[cell] for cell in cells if cell in GENERAL_TWIN)
    if beyond_lecture:
        assert twins, f"{student_id}: beyond_lecture needs a cell with a general twin"
        fails, keeps = twins, tuple(cell for cell in cells if cell in GENERAL_TWIN)
    else:
        fails, keeps = cells + twins, ()
    return Sample(student_id, f"{function}: {description}", tuple((function, old, new) for old, new in changes),
                  kind="mistake", function=function, slow=slow, fails=frozenset(fails), keeps=frozenset(keeps))


def variant(student_id: str, description: str, *changes: tuple[str, str, str]) -> Sample:
    """A correct submission: the reference with `changes` (function, old, new)."""
    return Sample(student_id, description, tuple(changes), kind="variant")


BACKWARD_CELLS = ("test_backward_propagation", "test_backward_propagation_vectorized")

LOOPED_FORWARD = '''
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    columns = {"Z1": [], "A1": [], "Z2": [], "A2": []}
    for i in range(X.shape[1]):
        z1 = np.dot(W1, X[:, [i]]) + b1
        a1 = np.tanh(z1)
        z2 = np.dot(W2, a1) + b2
        for name, value in zip(["Z1", "A1", "Z2", "A2"], [z1, a1, z2, sigmoid(z2)]):
            columns[name].append(value)
    cache = {name: np.hstack(values) for name, values in columns.items()}
    A2 = cache["A2"]
'''

LOOPED_COST = '''
    m = Y.shape[1]
    cost = 0.0
    for i in range(m):
        cost += -(Y[0, i] * np.log(A2[0, i]) + (1 - Y[0, i]) * np.log(1 - A2[0, i])) / m
'''

LOOPED_BACKWARD = '''
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW2, dW1 = np.zeros_like(W2), np.zeros_like(parameters["W1"])
    for i in range(m):
        dW2 += np.dot(dZ2[:, [i]], A1[:, [i]].T) / m
        dW1 += np.dot(dZ1[:, [i]], X[:, [i]].T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
'''


def reference_body(function: str) -> str:
    """The reference solution's lines of `function` (between nbgrader's solution markers), read
    from the source notebook: the one place they are written. A change that swaps the whole body
    (e.g. for a loop over the examples) replaces exactly this."""
    lines = notebooks.solution_cells(notebooks.read(paths.source_notebook()))[function].source.split("\n")
    begin, end = (i for i, line in enumerate(lines) if notebooks.SOLUTION_MARKER.match(line))
    return "\n" + "\n".join(lines[begin + 1:end]) + "\n"


REFERENCE_FORWARD = reference_body("forward_propagation")
REFERENCE_COST = reference_body("compute_cost")
REFERENCE_BACKWARD = reference_body("backward_propagation")

MISTAKES: tuple[Sample, ...] = (
    # A. Logistic regression, one example
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
    # B. Activation derivatives
    mistake("sigmoid-derivative-of-z", "sigmoid_derivative", "s·(1 − z) instead of s·(1 − s)",
            ("return s * (1 - s)", "return s * (1 - z)")),
    mistake("tanh-derivative-no-square", "tanh_derivative", "1 − tanh(z), the square forgotten",
            ("1 - np.tanh(z) ** 2", "1 - np.tanh(z)")),
    mistake("tanh-derivative-of-z", "tanh_derivative", "1 − z², as if z were a = tanh(z)",
            ("1 - np.tanh(z) ** 2", "1 - z ** 2")),
    mistake("relu-derivative-at-zero", "relu_derivative", "relu′(0) = 1", ("(z > 0)", "(z >= 0)")),
    mistake("relu-derivative-is-relu", "relu_derivative", "relu itself instead of its derivative",
            ("return (z > 0).astype(float)", "return np.maximum(0, z)")),
    # C. Dimensions
    mistake("layer-sizes-m", "layer_sizes", "n_x read from the number of columns", ("n_x = X.shape[0]", "n_x = X.shape[1]")),
    mistake("layer-sizes-hard-coded", "layer_sizes", "the visible test's answer hard-coded",
            ("n_x = X.shape[0]", "n_x = 2"), ("n_y = Y.shape[0]", "n_y = 1")),
    mistake("shapes-W1-transposed", "backprop_shapes", "W1 as n_x × n_h", ('"W1": (n_h, n_x)', '"W1": (n_x, n_h)')),
    mistake("shapes-b1-per-example", "backprop_shapes", "b1 as n_h × m", ('"b1": (n_h, 1)', '"b1": (n_h, m)')),
    mistake("shapes-no-twins", "backprop_shapes", "the d-twins left out",
            ('    for name in list(shapes):\n        shapes["d" + name] = shapes[name]\n', "")),
    # D. One example
    mistake("forward-sigmoid-hidden", "forward_propagation", "sigmoid in the hidden layer", ("A1 = np.tanh(Z1)", "A1 = sigmoid(Z1)")),
    mistake("forward-tanh-output", "forward_propagation", "tanh at the output", ("A2 = sigmoid(Z2)", "A2 = np.tanh(Z2)")),
    mistake("forward-X-W1", "forward_propagation", "Xᵀ·W1ᵀ instead of W1·X", ("np.dot(W1, X)", "np.dot(X.T, W1.T)")),
    mistake("forward-no-bias", "forward_propagation", "b1 left out", ("Z1 = np.dot(W1, X) + b1", "Z1 = np.dot(W1, X)")),
    mistake("forward-cache-incomplete", "forward_propagation", "Z1 missing from the cache",
            ('cache = {"Z1": Z1, "A1": A1', 'cache = {"A1": A1')),
    mistake("forward-template-assert", "forward_propagation", "the original template's assert that A2 is (1, m)",
            ("    cache = {", "    assert(A2.shape == (1, X.shape[1]))\n    cache = {"), beyond_lecture=True),
    mistake("forward-loop", "forward_propagation", "a Python loop over the examples (right values)",
            (REFERENCE_FORWARD, LOOPED_FORWARD), slow=True),
    mistake("one-example-sigmoid-for-tanh", "backward_propagation_one_example", "σ′ where tanh′ belongs in dz1",
            ("(1 - np.power(a1, 2))", 'sigmoid_derivative(cache["Z1"])')),
    mistake("one-example-dW2-transposed", "backward_propagation_one_example", "dW2 = a1·dz2ᵀ",
            ("dW2 = np.dot(dz2, a1.T)", "dW2 = np.dot(a1, dz2.T)")),
    mistake("one-example-dW1-with-a1", "backward_propagation_one_example", "dW1 with a1 instead of x",
            ("dW1 = np.dot(dz1, x.T)", "dW1 = np.dot(dz1, a1.T)")),
    mistake("one-example-dz2-sign", "backward_propagation_one_example", "dz2 = y − a2", ("dz2 = a2 - y", "dz2 = y - a2")),
    mistake("one-example-elementwise-for-dot", "backward_propagation_one_example", "W2ᵀ * dz2, elementwise instead of a product",
            ("np.dot(W2.T, dz2) * (1 - np.power(a1, 2))", "W2.T * dz2 * (1 - np.power(a1, 2))"),
            beyond_lecture=True),  # with one output W2ᵀ * dz2 equals W2ᵀ·dz2
    mistake("one-example-dot-for-elementwise", "backward_propagation_one_example", "np.dot where the elementwise * belongs",
            ("np.dot(W2.T, dz2) * (1 - np.power(a1, 2))", "np.dot(np.dot(W2.T, dz2).T, 1 - np.power(a1, 2)) * np.ones_like(a1)")),
    # E. Vectorized
    mistake("cost-no-1-over-m", "compute_cost", "the 1/m forgotten", ("cost = -np.sum(logprobs) / m", "cost = -np.sum(logprobs)")),
    mistake("cost-log-A2-twice", "compute_cost", "log(A2) in the y = 0 term", ("(1 - Y) * np.log(1 - A2)", "(1 - Y) * np.log(A2)")),
    mistake("cost-array", "compute_cost", "a (1, 1) array returned instead of a float",
            ("cost = -np.sum(logprobs) / m", "cost = -np.sum(logprobs, axis=1, keepdims=True) / m\n    return cost")),
    mistake("cost-loop", "compute_cost", "a Python loop over the examples (right value)", (REFERENCE_COST, LOOPED_COST)),
    mistake("cost-undefined-global", "compute_cost", "m read from a global the notebook never defines (NameError)",
            ("m = Y.shape[1]", "m = num_examples")),
    mistake("cost-hard-coded", "compute_cost", "the visible test's answer hard-coded",
            ("cost = -np.sum(logprobs) / m", "cost = 0.6485870841048391")),
    mistake("backward-dW1-no-1-over-m", "backward_propagation", "dW1 without the 1/m",
            ("dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(dZ1, X.T)"), must_fail=BACKWARD_CELLS),
    mistake("backward-db2-no-1-over-m", "backward_propagation", "db2 without the 1/m",
            ("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", "db2 = np.sum(dZ2, axis=1, keepdims=True)"), must_fail=BACKWARD_CELLS),
    mistake("backward-no-keepdims", "backward_propagation", "keepdims lost in db1",
            ("db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = np.sum(dZ1, axis=1) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-axis-0", "backward_propagation", "db1 summed over axis 0",
            ("db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = np.sum(dZ1, axis=0, keepdims=True) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-missing-transpose", "backward_propagation", "A1 not transposed in dW2",
            ("dW2 = np.dot(dZ2, A1.T) / m", "dW2 = np.dot(dZ2, A1) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-extra-transpose", "backward_propagation", "dW1 = (1/m)·Xᵀ·dZ1ᵀ, transposed",
            ("dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(X, dZ1.T) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-sign", "backward_propagation", "dZ2 = Y − A2", ("dZ2 = A2 - Y", "dZ2 = Y - A2"), must_fail=BACKWARD_CELLS),
    mistake("backward-sigmoid-for-tanh", "backward_propagation", "σ′(Z1) where tanh′ belongs",
            ("(1 - np.power(A1, 2))", 'sigmoid_derivative(cache["Z1"])'), must_fail=BACKWARD_CELLS),
    mistake("backward-tanh-derivative-of-Z1", "backward_propagation", "1 − Z1² instead of 1 − A1²",
            ("(1 - np.power(A1, 2))", '(1 - np.power(cache["Z1"], 2))'), must_fail=BACKWARD_CELLS),
    mistake("backward-dW1-with-A1", "backward_propagation", "dW1 with A1 instead of X",
            ("dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(dZ1, A1.T) / m"), must_fail=BACKWARD_CELLS),
    mistake("backward-elementwise-for-dot", "backward_propagation", "W2ᵀ * dZ2, elementwise instead of a product",
            ("np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))", "W2.T * dZ2 * (1 - np.power(A1, 2))"),
            beyond_lecture=True),  # with one output W2ᵀ * dZ2 equals W2ᵀ·dZ2
    mistake("backward-one-output-reshape", "backward_propagation", "dZ2 reshaped to one row, as if n_y were always 1",
            ("dZ2 = A2 - Y", "dZ2 = (A2 - Y).reshape(1, m)"), beyond_lecture=True),
    mistake("backward-dot-for-elementwise", "backward_propagation", "np.dot where the elementwise * belongs",
            ("np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))", "np.dot(np.dot(W2.T, dZ2), (1 - np.power(A1, 2)).T)"), must_fail=BACKWARD_CELLS),
    mistake("backward-loop", "backward_propagation", "a Python loop over the examples (right values)",
            (REFERENCE_BACKWARD, LOOPED_BACKWARD), must_fail=("test_backward_propagation_vectorized",), slow=True),
    mistake("backward-mean-dZ-in-db", "backward_propagation", "db2 = np.mean(dZ2), a number",
            ("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", "db2 = np.mean(dZ2)"), must_fail=BACKWARD_CELLS),
    # F. Gradient checking
    mistake("gradcheck-no-restore", "gradient_check", "the moved parameter never put back",
            ("            theta[name][index] = original\n", "")),
    mistake("gradcheck-epsilon", "gradient_check", "divided by ε instead of 2ε", ("/ (2 * epsilon)", "/ epsilon")),
    mistake("gradcheck-sum-not-norm", "gradient_check", "sums of absolute values instead of L2 norms",
            ("np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))",
             "np.sum(np.abs(grad - gradapprox)) / (np.sum(np.abs(grad)) + np.sum(np.abs(gradapprox)))")),
    mistake("gradcheck-one-sided", "gradient_check", "one-sided differences (J(θ+ε) − J(θ))/ε",
            ("theta[name][index] = original - epsilon\n", "theta[name][index] = original\n"),
            ("/ (2 * epsilon)", "/ epsilon")),
    mistake("gradcheck-norm-of-sum", "gradient_check", "‖grad + gradapprox‖ in the denominator",
            ("(np.linalg.norm(grad) + np.linalg.norm(gradapprox))", "np.linalg.norm(grad + gradapprox)")),
    mistake("gradcheck-fixed-epsilon", "gradient_check", "ε hard-coded to 1e-7",
            ("theta = {name:", "epsilon = 1e-7\n    theta = {name:")),
    # G. Training
    mistake("init-zeros", "initialize_parameters", "weights initialised to zero",
            ("W1 = np.random.randn(n_h, n_x) * 0.01", "W1 = np.zeros((n_h, n_x))"),
            ("W2 = np.random.randn(n_y, n_h) * 0.01", "W2 = np.zeros((n_y, n_h))")),
    mistake("init-reseeds", "initialize_parameters", "np.random.seed(2) inside",
            ("W1 = np.random.randn", "np.random.seed(2)\n    W1 = np.random.randn")),
    mistake("init-W2-first", "initialize_parameters", "W2 drawn before W1",
            ("W1 = np.random.randn(n_h, n_x) * 0.01\n    b1 = np.zeros((n_h, 1))\n    W2 = np.random.randn(n_y, n_h) * 0.01",
             "W2 = np.random.randn(n_y, n_h) * 0.01\n    W1 = np.random.randn(n_h, n_x) * 0.01\n    b1 = np.zeros((n_h, 1))")),
    mistake("init-scale", "initialize_parameters", "scale 0.1 instead of 0.01",
            ("randn(n_h, n_x) * 0.01", "randn(n_h, n_x) * 0.1"), ("randn(n_y, n_h) * 0.01", "randn(n_y, n_h) * 0.1")),
    mistake("update-plus", "update_parameters", "θ + α·dθ, climbing the cost", ("parameters[name] - learning_rate", "parameters[name] + learning_rate")),
    mistake("update-fixed-rate", "update_parameters", "the learning rate argument ignored",
            ("parameters[name] - learning_rate *", "parameters[name] - 1.2 *")),
    mistake("nn-model-reseeds", "nn_model", "np.random.seed(3) inside",
            ("    parameters = initialize_parameters", "    np.random.seed(3)\n    parameters = initialize_parameters")),
    mistake("nn-model-no-update", "nn_model", "the updated parameters thrown away",
            ("        parameters = update_parameters(parameters, grads)", "        update_parameters(parameters, grads)")),
    mistake("nn-model-ignores-n-h", "nn_model", "n_h taken from layer_sizes (always 4)",
            ("n_x, _, n_y = layer_sizes(X, Y)", "n_x, n_h, n_y = layer_sizes(X, Y)")),
    mistake("nn-model-one-step-short", "nn_model", "num_iterations − 1 steps",
            ("range(num_iterations)", "range(num_iterations - 1)")),
    mistake("predict-threshold-zero", "predict", "A2 > 0, always true", ("(A2 > 0.5)", "(A2 > 0)")),
    mistake("predict-inverted", "predict", "1 where A2 < 0.5", ("(A2 > 0.5)", "(A2 < 0.5)")),
    mistake("predict-probabilities", "predict", "A2 itself instead of 0/1", ("return (A2 > 0.5).astype(int)", "return A2")),
    mistake("predict-hard-coded", "predict", "the visible test's answer hard-coded",
            ("return (A2 > 0.5).astype(int)", "return np.array([[0, 0, 1]])")),
)

# Functions that kill their kernel (not what students write, but what a grade must survive): each
# costs its own cell, the kernel is started again for the rest. The scan flags every one of them.
CRASHES: tuple[Sample, ...] = (
    mistake("nn-model-exits", "nn_model", "os._exit inside, which ends the kernel",
            ("    for i in range(num_iterations):", "    import os\n    os._exit(1)\n    for i in range(num_iterations):")),
    mistake("predict-segfault", "predict", "a segmentation fault in compiled code (ctypes reads address 0)",
            ("    A2, _ = forward_propagation(X, parameters)", "    import ctypes\n    ctypes.string_at(0)\n"
             "    A2, _ = forward_propagation(X, parameters)")),
    mistake("cost-killed-for-memory", "compute_cost", "the kernel killed as the out-of-memory killer does (SIGKILL)",
            ("    m = Y.shape[1]", "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n    m = Y.shape[1]")),
)

VARIANTS: tuple[Sample, ...] = (
    variant("matmul-operator", "@ instead of np.dot",
            ("forward_propagation", "np.dot(W1, X)", "W1 @ X"), ("forward_propagation", "np.dot(W2, A1)", "W2 @ A1"),
            ("backward_propagation_one_example", "np.dot(dz2, a1.T)", "dz2 @ a1.T"),
            ("backward_propagation_one_example", "np.dot(W2.T, dz2)", "W2.T @ dz2"),
            ("backward_propagation_one_example", "np.dot(dz1, x.T)", "dz1 @ x.T"),
            ("backward_propagation", "np.dot(dZ2, A1.T)", "dZ2 @ A1.T"), ("backward_propagation", "np.dot(W2.T, dZ2)", "W2.T @ dZ2"),
            ("backward_propagation", "np.dot(dZ1, X.T)", "dZ1 @ X.T")),
    variant("np-matmul", "np.matmul instead of np.dot",
            ("forward_propagation", "np.dot(W1, X)", "np.matmul(W1, X)"), ("forward_propagation", "np.dot(W2, A1)", "np.matmul(W2, A1)"),
            ("backward_propagation", "np.dot(dZ2, A1.T)", "np.matmul(dZ2, A1.T)"),
            ("backward_propagation", "np.dot(W2.T, dZ2)", "np.matmul(W2.T, dZ2)"),
            ("backward_propagation", "np.dot(dZ1, X.T)", "np.matmul(dZ1, X.T)")),
    variant("einsum", "np.einsum for the products",
            ("backward_propagation", "np.dot(dZ2, A1.T) / m", 'np.einsum("ik,jk->ij", dZ2, A1) / m'),
            ("backward_propagation", "np.dot(W2.T, dZ2)", 'np.einsum("ji,jk->ik", W2, dZ2)'),
            ("backward_propagation", "np.dot(dZ1, X.T) / m", 'np.einsum("ik,jk->ij", dZ1, X) / m'),
            ("forward_propagation", "np.dot(W1, X)", 'np.einsum("ij,jk->ik", W1, X)')),
    variant("tanh-of-Z1", "1 − tanh(Z1)² from the cache's Z1 instead of 1 − A1²",
            ("backward_propagation", "(1 - np.power(A1, 2))", '(1 - np.tanh(cache["Z1"]) ** 2)'),
            ("backward_propagation_one_example", "(1 - np.power(a1, 2))", '(1 - np.tanh(cache["Z1"]) ** 2)')),
    variant("tanh-derivative-helper", "tanh_derivative(Z1) from part B",
            ("backward_propagation", "(1 - np.power(A1, 2))", 'tanh_derivative(cache["Z1"])'),
            ("backward_propagation_one_example", "(1 - np.power(a1, 2))", 'tanh_derivative(cache["Z1"])')),
    variant("reshape-not-keepdims", "reshape(-1, 1) instead of keepdims=True",
            ("backward_propagation", "np.sum(dZ2, axis=1, keepdims=True) / m", "np.sum(dZ2, axis=1).reshape(-1, 1) / m"),
            ("backward_propagation", "np.sum(dZ1, axis=1, keepdims=True) / m", "(np.sum(dZ1, axis=1) / m).reshape(dZ1.shape[0], 1)")),
    variant("np-mean", "np.mean for (1/m)·Σ and (1/m) written first",
            ("backward_propagation", "np.sum(dZ2, axis=1, keepdims=True) / m", "np.mean(dZ2, axis=1, keepdims=True)"),
            ("backward_propagation", "np.sum(dZ1, axis=1, keepdims=True) / m", "np.mean(dZ1, axis=1, keepdims=True)"),
            ("backward_propagation", "np.dot(dZ1, X.T) / m", "(1 / m) * np.dot(dZ1, X.T)"),
            ("compute_cost", "cost = -np.sum(logprobs) / m", "cost = -np.mean(logprobs)")),
    variant("np-divide-multiply", "np.divide and np.multiply",
            ("backward_propagation", "np.dot(dZ2, A1.T) / m", "np.divide(np.dot(dZ2, A1.T), m)"),
            ("backward_propagation", "np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))",
             "np.multiply(np.dot(W2.T, dZ2), np.subtract(1, np.power(A1, 2)))"),
            ("logistic_loss", "return -y * np.log(a) - (1 - y) * np.log(1 - a)",
             "return np.subtract(np.multiply(-y, np.log(a)), np.multiply(1 - y, np.log(1 - a)))")),
    variant("cost-original-course", "compute_cost as the original course writes it",
            ("compute_cost", "logprobs = Y * np.log(A2) + (1 - Y) * np.log(1 - A2)",
             "logprobs = np.multiply(np.log(A2), Y) + np.multiply((1 - Y), np.log(1 - A2))"),
            ("compute_cost", "cost = -np.sum(logprobs) / m", "cost = np.squeeze(-np.sum(logprobs) / m)")),
    variant("cost-dot", "compute_cost with np.dot and np.squeeze",
            ("compute_cost", "cost = -np.sum(logprobs) / m",
             "cost = np.squeeze(-(np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T)) / m)")),
    variant("cost-from-loss", "compute_cost as the mean of logistic_loss",
            ("compute_cost", "cost = -np.sum(logprobs) / m", "cost = np.mean(logistic_loss(A2, Y))")),
    variant("stable-sigmoid", "σ(z) = (1 + tanh(z/2))/2 and σ′ = e^(−z)/(1 + e^(−z))²",
            ("sigmoid", "return 1 / (1 + np.exp(-z))", "return 0.5 * (1 + np.tanh(z / 2))"),
            ("sigmoid_derivative", "s = sigmoid(z)\n    return s * (1 - s)", "return np.exp(-z) / (1 + np.exp(-z)) ** 2")),
    variant("relu-where", "np.where and integer results",
            ("relu_derivative", "return (z > 0).astype(float)", "return np.where(z > 0, 1, 0)"),
            ("predict", "return (A2 > 0.5).astype(int)", "return np.where(A2 > 0.5, 1, 0)")),
    variant("own-names-and-helper", "other names and a helper function",
            ("backward_propagation", REFERENCE_BACKWARD, '''
    def mean_over_examples(matrix):
        return matrix.sum(axis=1, keepdims=True) / matrix.shape[1]

    hidden, output = cache["A1"], cache["A2"]
    error_out = output - Y
    dW2 = np.dot(error_out, hidden.T) / X.shape[1]
    db2 = mean_over_examples(error_out)
    error_hidden = np.dot(parameters["W2"].T, error_out) * (1 - hidden ** 2)
    dW1 = np.dot(error_hidden, X.T) / X.shape[1]
    db1 = mean_over_examples(error_hidden)
    dZ2, dZ1 = error_out, error_hidden
''')),
    variant("prints-added-and-removed", "debugging prints added, nn_model's cost print removed",
            ("backward_propagation", "    dZ2 = A2 - Y\n", '    print("shapes:", X.shape, Y.shape, A1.shape)\n    dZ2 = A2 - Y\n'),
            ("forward_propagation", "    A2 = sigmoid(Z2)\n", "    A2 = sigmoid(Z2)\n    print('A2', A2.shape)\n"),
            ("nn_model", '''        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {compute_cost(A2, Y):f}")
''', "")),
    variant("predict-round-and-bool", "np.round for predict, >= for the threshold, inline sigmoid",
            ("predict", "return (A2 > 0.5).astype(int)", "return np.round(A2)"),
            ("forward_propagation", "A2 = sigmoid(Z2)", "A2 = 1 / (1 + np.exp(-Z2))")),
    variant("init-divide", "randn / 100 and zeros(shape=...)",
            ("initialize_parameters", "np.random.randn(n_h, n_x) * 0.01", "np.random.randn(n_h, n_x) / 100"),
            ("initialize_parameters", "np.random.randn(n_y, n_h) * 0.01", "np.random.randn(n_y, n_h) / 100"),
            ("initialize_parameters", "b1 = np.zeros((n_h, 1))", "b1 = np.zeros(shape=(n_h, 1))")),
    variant("update-in-place", "parameters updated in place and returned",
            ("update_parameters",
             'return {name: parameters[name] - learning_rate * grads["d" + name] for name in ["W1", "b1", "W2", "b2"]}',
             'for name in ["W1", "b1", "W2", "b2"]:\n        parameters[name] -= learning_rate * grads["d" + name]\n'
             "    return parameters")),
    variant("gradcheck-in-place", "gradient_check moving the caller's arrays and putting them back",
            ("gradient_check", "theta = {name: np.array(parameters[name], dtype=float) for name in names}", "theta = parameters")),
    variant("gradcheck-vector", "gradient_check over one flat vector θ, as the original course does",
            ("gradient_check", '''    gradapprox = []
    for name in names:
        for index in np.ndindex(theta[name].shape):
            original = theta[name][index]
            theta[name][index] = original + epsilon
            J_plus = compute_cost(forward_propagation(X, theta)[0], Y)
            theta[name][index] = original - epsilon
            J_minus = compute_cost(forward_propagation(X, theta)[0], Y)
            theta[name][index] = original
            gradapprox.append((J_plus - J_minus) / (2 * epsilon))
    gradapprox = np.array(gradapprox)
''', '''    shapes = [parameters[name].shape for name in names]
    vector = np.concatenate([parameters[name].reshape(-1) for name in names])

    def vector_to_dictionary(v):
        result, start = {}, 0
        for name, shape in zip(names, shapes):
            size = int(np.prod(shape))
            result[name] = v[start:start + size].reshape(shape)
            start += size
        return result

    gradapprox = np.zeros_like(vector)
    for i in range(len(vector)):
        thetaplus = np.copy(vector)
        thetaplus[i] += epsilon
        thetaminus = np.copy(vector)
        thetaminus[i] -= epsilon
        J_plus = compute_cost(forward_propagation(X, vector_to_dictionary(thetaplus))[0], Y)
        J_minus = compute_cost(forward_propagation(X, vector_to_dictionary(thetaminus))[0], Y)
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
''')),
    variant("nn-model-original-course", "nn_model computing the cost every iteration, as the original course does",
            ("nn_model", '''        grads = backward_propagation(parameters, cache, X, Y)
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {compute_cost(A2, Y):f}")
''', '''        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
''')),
    # What real students write (their own notebooks for the original course), each correct.
    variant("cost-float64-squeeze", "compute_cost returning np.squeeze(...) of a NumPy float",
            ("compute_cost", "cost = -np.sum(logprobs) / m", "cost = np.squeeze(-np.sum(logprobs) / m)"),
            ("compute_cost", "return float(cost)", "return cost")),
    variant("cost-np-float64", "compute_cost returning np.float64, with the original course's dtype assert",
            ("compute_cost", "return float(cost)", "assert cost.dtype == float\n    return np.float64(cost)")),
    variant("predict-bool", "predict returning a bool array", ("predict", "return (A2 > 0.5).astype(int)", "return A2 > 0.5")),
    variant("predict-float", "predict returning floats 0.0/1.0 and a threshold keyword",
            ("predict", "def predict(parameters, X):", "def predict(parameters, X, threshold=0.5):"),
            ("predict", "return (A2 > 0.5).astype(int)", "return (A2 > threshold) * 1.0")),
    variant("dot-method", "the .dot method instead of np.dot",
            ("forward_propagation", "np.dot(W1, X)", "W1.dot(X)"), ("forward_propagation", "np.dot(W2, A1)", "W2.dot(A1)"),
            ("backward_propagation_one_example", "np.dot(W2.T, dz2)", "W2.T.dot(dz2)"),
            ("backward_propagation", "np.dot(dZ2, A1.T)", "dZ2.dot(A1.T)"), ("backward_propagation", "np.dot(dZ1, X.T)", "dZ1.dot(X.T)")),
    variant("update-deepcopy", "update_parameters on a copy.deepcopy, with -=",
            ("update_parameters",
             'return {name: parameters[name] - learning_rate * grads["d" + name] for name in ["W1", "b1", "W2", "b2"]}',
             "import copy\n    parameters = copy.deepcopy(parameters)\n"
             '    for name in ["W1", "b1", "W2", "b2"]:\n        parameters[name] -= learning_rate * grads["d" + name]\n'
             "    return parameters")),
    variant("update-copies", "update_parameters with one variable per parameter, -= on copies",
            ("update_parameters",
             'return {name: parameters[name] - learning_rate * grads["d" + name] for name in ["W1", "b1", "W2", "b2"]}',
             'W1 = parameters["W1"].copy()\n    b1 = parameters["b1"].copy()\n'
             '    W2 = parameters["W2"].copy()\n    b2 = parameters["b2"].copy()\n'
             '    W1 -= learning_rate * grads["dW1"]\n    b1 -= learning_rate * grads["db1"]\n'
             '    W2 -= learning_rate * grads["dW2"]\n    b2 -= learning_rate * grads["db2"]\n'
             '    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}')),
    variant("tanh-square-spellings", "1 − A1 ** 2 and 1 − a1 * a1",
            ("backward_propagation", "(1 - np.power(A1, 2))", "(1 - A1 ** 2)"),
            ("backward_propagation_one_example", "(1 - np.power(a1, 2))", "(1 - a1 * a1)")),
    variant("asserts-documented-shapes", "asserts that hold for every documented shape",
            ("forward_propagation", "    cache = {", '    assert A2.shape == (parameters["W2"].shape[0], X.shape[1])\n    cache = {'),
            ("backward_propagation_one_example", "    dW1 = np.dot(dz1, x.T)",
             '    assert dz1.shape == cache["Z1"].shape\n    dW1 = np.dot(dz1, x.T)'),
            ("backward_propagation", "    db1 = np.sum(dZ1, axis=1, keepdims=True) / m",
             '    db1 = np.sum(dZ1, axis=1, keepdims=True) / m\n'
             '    assert dW1.shape == parameters["W1"].shape and db1.shape == parameters["b1"].shape')),
    variant("prints-inside", "prints inside compute_cost, update_parameters and gradient_check",
            ("compute_cost", "    cost = -np.sum(logprobs) / m", '    cost = -np.sum(logprobs) / m\n    print("cost:", cost)'),
            ("update_parameters", "    return {name:", '    print("learning rate", learning_rate)\n    return {name:'),
            ("gradient_check", "    names = ", '    print("checking", sorted(parameters))\n    names = ')),
    variant("extra-keyword-arguments", "extra keyword arguments with defaults",
            ("forward_propagation", "def forward_propagation(X, parameters):", "def forward_propagation(X, parameters, verbose=False):"),
            ("forward_propagation", "    A2 = sigmoid(Z2)\n", '    A2 = sigmoid(Z2)\n    if verbose:\n        print("A2:", A2.shape)\n'),
            ("nn_model", "num_iterations=10000, print_cost=False):", "num_iterations=10000, print_cost=False, learning_rate=1.2):"),
            ("nn_model", "parameters = update_parameters(parameters, grads)",
             "parameters = update_parameters(parameters, grads, learning_rate=learning_rate)")),
    variant("sizes-np-shape", "sizes read with np.shape(X)[0], np.shape(X)[1] and len",
            ("layer_sizes", "n_x = X.shape[0]", "n_x = np.shape(X)[0]"),
            ("backward_propagation", "m = X.shape[1]", "m = np.shape(X)[1]"),
            ("compute_cost", "m = Y.shape[1]", "m = len(Y[0])")),
    variant("chain-rule-explicit", "dz = da·σ′(z) written out; sizes and shapes as lists",
            ("logistic_backward", "dz = a - y", "dz = da * a * (1 - a)"),
            ("layer_sizes", "return (n_x, n_h, n_y)", "return [n_x, n_h, n_y]"),
            ("backprop_shapes", '"W1": (n_h, n_x), "b1": (n_h, 1)', '"W1": [n_h, n_x], "b1": [n_h, 1]')),
)


def by_id(student_id: str) -> Sample:
    for sample in ALL:
        if sample.student_id == student_id:
            return sample
    raise KeyError(student_id)


ALL: tuple[Sample, ...] = (REFERENCE, UNTOUCHED, LATE) + MISTAKES + CRASHES + VARIANTS
