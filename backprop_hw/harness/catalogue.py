"""Catalogues of submissions that prove the grader right.

MISTAKES: the reference with one mistake students really make; each must fail
(at least) the cells named and lose points in its own function's cells only.
Each part of the checks lists its own (checks/parts/); here they become submissions.
CRASHES: functions that kill their kernel; each must cost its own cells only.
VARIANTS: other correct ways to write the same functions; each must earn 100.
All are graded by the real `nbgrader autograde` in the harness (harness/run.py),
and judged in tests/test_harness.py.
"""

from __future__ import annotations

from backprop_hw import notebooks, paths
from backprop_hw.checks import parts
from backprop_hw.checks.mistakes import WHOLE_BODY, Mistake, mistake
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


def as_sample(entry: Mistake) -> Sample:
    """A reference copy with the entry's changes (old, new) in its function's answer cell.

    It must fail `must_fail` (by default the function's test cell) and their general twins; with
    `beyond_lecture`, it must fail the twins only and pass the cells of the lecture's network."""
    cells = entry.must_fail or (f"test_{entry.function}",)
    twins = tuple(GENERAL_TWIN[cell] for cell in cells if cell in GENERAL_TWIN)
    if entry.beyond_lecture:
        assert twins, f"{entry.student_id}: beyond_lecture needs a cell with a general twin"
        fails, keeps = twins, tuple(cell for cell in cells if cell in GENERAL_TWIN)
    else:
        fails, keeps = cells + twins, ()
    changes = tuple((entry.function, reference_body(entry.function) if old is WHOLE_BODY else old, new)
                    for old, new in entry.changes)
    return Sample(entry.student_id, f"{entry.function}: {entry.description}", changes, kind="mistake",
                  function=entry.function, loops_over_examples=entry.loops_over_examples, fails=frozenset(fails), keeps=frozenset(keeps))


def variant(student_id: str, description: str, *changes: tuple[str, str, str]) -> Sample:
    """A correct submission: the reference with `changes` (function, old, new)."""
    return Sample(student_id, description, tuple(changes), kind="variant")


def reference_body(function: str) -> str:
    """The reference solution's lines of `function` (between nbgrader's solution markers), read
    from the source notebook: the one place they are written. A change that swaps the whole body
    (e.g. for a loop over the examples) replaces exactly this."""
    lines = notebooks.solution_cells(notebooks.read(paths.source_notebook()))[function].source.split("\n")
    begin, end = (i for i, line in enumerate(lines) if notebooks.SOLUTION_MARKER.match(line))
    return "\n" + "\n".join(lines[begin + 1:end]) + "\n"


REFERENCE_COST = reference_body("compute_cost")
REFERENCE_BACKWARD = reference_body("backward_propagation")

# Every part's own (checks/parts/), in the notebook's order.
MISTAKES: tuple[Sample, ...] = tuple(as_sample(entry) for entry in parts.MISTAKES)

# Functions that kill their kernel (not what students write, but what a grade must survive): each
# costs its own cell, the kernel is started again for the rest. The scan flags every one of them.
CRASHES: tuple[Sample, ...] = tuple(as_sample(entry) for entry in (
    mistake("nn-model-exits", "nn_model", "os._exit inside, which ends the kernel",
            ("    for i in range(num_iterations):", "    import os\n    os._exit(1)\n    for i in range(num_iterations):")),
    mistake("predict-segfault", "predict", "a segmentation fault in compiled code (ctypes reads address 0)",
            ("    A2, _ = forward_propagation(X, parameters)", "    import ctypes\n    ctypes.string_at(0)\n"
             "    A2, _ = forward_propagation(X, parameters)")),
    mistake("cost-killed-for-memory", "compute_cost", "the kernel killed as the out-of-memory killer does (SIGKILL)",
            ("    m = Y.shape[1]", "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n    m = Y.shape[1]")),
))

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
