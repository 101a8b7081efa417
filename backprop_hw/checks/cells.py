"""The hidden tests, one function per graded test cell.

A hidden test cell of the notebook calls one of these with the student's
function, e.g. ``check_sigmoid(sigmoid)``. Each returns None when everything
holds and raises HiddenTestFailure naming the wrong quantity and the equation
to look at, never the expected numbers. Inputs are seeded and differ from the
notebook's visible ones; expected values come from the answer key or from
central differences of a trusted cost.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_hw.checks import answer_key as key
from backprop_hw.checks.gradient_check import numerical_gradient, relative_difference
from backprop_hw.checks.harness import (
    as_array,
    call,
    expect_close,
    expect_gradient,
    expect_no_loop_over_examples,
    expect_shape,
    fail,
    get_key,
    quiet,
)
from backprop_hw.checks.problems import random_problem, rings
from backprop_hw.checks.tolerances import (
    FLOWER_ACCURACY_AT_LEAST,
    GRADIENT_CHECK_CORRECT_BELOW,
    GRADIENT_CHECK_RTOL,
    HIDDEN_SET_ACCURACY_AT_LEAST,
    NUMERICAL_STEP,
    TRAINING_ATOL,
    TRAINING_RTOL,
    VALUE_ATOL,
    VALUE_RTOL,
)

PARAMETERS = key.PARAMETER_NAMES


def _derivative(g: Callable, z: np.ndarray) -> np.ndarray:
    """Central differences of an elementwise function."""
    return (g(z + NUMERICAL_STEP) - g(z - NUMERICAL_STEP)) / (2 * NUMERICAL_STEP)


def _flower():
    import planar_utils  # shipped beside the notebook, overwritten from source/ at grading

    return planar_utils.load_planar_dataset()


# --- A. Logistic regression, one example -------------------------------------


def check_sigmoid(sigmoid: Callable) -> None:
    """σ(z) = 1 / (1 + e^(−z)): numbers and arrays of any shape, elementwise."""
    hint = "σ(z) = 1 / (1 + e^(−z)), applied to every entry."
    value = as_array(call(sigmoid, "sigmoid", 0.0), "sigmoid(0)")
    if value.size != 1 or not np.isclose(value.item(), 0.5):
        fail(f"sigmoid(0) should be one number equal to 0.5: {hint}")
    z = np.random.default_rng(11).uniform(-8, 8, (3, 7))
    expect_close(as_array(call(sigmoid, "sigmoid", z), "sigmoid(z)"), key.sigmoid(z), "sigmoid(z)", hint)


def check_logistic_loss(logistic_loss: Callable) -> None:
    """L(a, y) = −y·log a − (1−y)·log(1−a), for y = 1, y = 0 and arrays."""
    rng = np.random.default_rng(12)
    for y in (1.0, 0.0):
        a = rng.uniform(0.05, 0.95)
        value = as_array(call(logistic_loss, "logistic_loss", a, y), f"logistic_loss(a, y={y:g})")
        if value.size != 1 or not np.isclose(value.item(), key.logistic_loss(a, y), rtol=VALUE_RTOL, atol=VALUE_ATOL):
            term = "−y·log a" if y == 1 else "−(1−y)·log(1−a)"
            fail(f"logistic_loss is wrong when y = {y:g}, where only the term {term} counts.")
    a = rng.uniform(0.05, 0.95, (1, 6))
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0, 0.0]])
    expect_close(
        as_array(call(logistic_loss, "logistic_loss", a, y), "logistic_loss(A, Y)"),
        key.logistic_loss(a, y),
        "logistic_loss on arrays",
        "use NumPy's elementwise np.log and *, so that arrays work too.",
    )


def check_logistic_backward(logistic_backward: Callable) -> None:
    """da, dz, dw, db of one example against central differences of L(σ(wᵀx + b), y)."""
    rng = np.random.default_rng(13)
    for y in (1.0, 0.0):
        n_x = 3
        x = rng.normal(0, 1, (n_x, 1))
        w, b = rng.normal(0, 0.5, (n_x, 1)), float(rng.normal(0, 0.5))
        z = (w.T @ x + b).item()
        a = float(key.sigmoid(z))
        grads = call(logistic_backward, "logistic_backward", x, y, a)
        loss_of = lambda v: float(key.logistic_loss(key.sigmoid(v["w"].T @ x + v["b"]), y).item())
        numeric = numerical_gradient(loss_of, {"w": w, "b": np.array(b)}, NUMERICAL_STEP)
        checks = [
            ("da", (_derivative(lambda v: key.logistic_loss(v, y), np.array(a))), "L(a, y)",
             "da = −y/a + (1−y)/(1−a); note the division in the second term."),
            ("dz", _derivative(lambda v: key.logistic_loss(key.sigmoid(v), y), np.array(z)), "L(σ(z), y)",
             "by the chain rule dz = da·σ′(z) = a − y."),
            ("dw", numeric["w"], "L with respect to w", "dw = x·dz, one entry per input, the shape of w (n_x, 1)."),
            ("db", numeric["b"], "L with respect to b", "db = dz."),
        ]
        for name, numerical, of, hint in checks:
            value = as_array(get_key(grads, name, "logistic_backward"), name)
            if name != "dw":  # da, dz, db are single numbers: accept 0-d, (1,) or (1, 1)
                if value.size != 1:
                    fail(f"{name} should be one number for one example, but has shape {value.shape}: {hint}")
                value = value.reshape(())
            expect_gradient(value, numerical, name, of, hint)


# --- B. Activation derivatives ------------------------------------------------


def _check_activation_derivative(function: Callable, name: str, g: Callable, hint: str, z: np.ndarray) -> None:
    value = as_array(call(function, name, z), f"{name}(z)")
    expect_shape(value, z.shape, f"{name}(z)", "g′(z) is elementwise: the result has the shape of z.")
    expect_gradient(value, _derivative(g, z), f"{name}(z)", "g", hint)


def check_sigmoid_derivative(sigmoid_derivative: Callable) -> None:
    """σ′(z) = σ(z)(1 − σ(z)) against central differences, elementwise."""
    z = np.random.default_rng(21).uniform(-5, 5, (4, 3))
    _check_activation_derivative(sigmoid_derivative, "sigmoid_derivative", key.sigmoid, "σ′(z) = σ(z)·(1 − σ(z)).", z)


def check_tanh_derivative(tanh_derivative: Callable) -> None:
    """tanh′(z) = 1 − tanh²(z) against central differences, elementwise."""
    z = np.random.default_rng(22).uniform(-3, 3, (3, 5))
    _check_activation_derivative(tanh_derivative, "tanh_derivative", np.tanh, "tanh′(z) = 1 − tanh(z)².", z)


def check_relu_derivative(relu_derivative: Callable) -> None:
    """relu′(z) is 1 where z > 0 and 0 elsewhere, including z = 0."""
    z = np.random.default_rng(23).uniform(-2, 2, (5, 4))
    z[0, :2] = 0.0
    value = as_array(call(relu_derivative, "relu_derivative", z), "relu_derivative(z)")
    expect_shape(value, z.shape, "relu_derivative(z)", "g′(z) is elementwise: the result has the shape of z.")
    if not np.array_equal(value[z != 0], (z[z != 0] > 0).astype(float)):
        fail("relu_derivative(z) is wrong away from 0: relu′(z) = 1 where z > 0 and 0 where z < 0.")
    if not np.all(value[z == 0] == 0):
        fail("relu_derivative(0) should be 0: this assignment takes relu′(0) = 0.")


# --- C. Dimensions -------------------------------------------------------------


def check_layer_sizes(layer_sizes: Callable) -> None:
    """(n_x, 4, n_y) read off the shapes of X (n_x, m) and Y (n_y, m)."""
    rng = np.random.default_rng(31)
    for n_x, n_y, m in [(5, 2, 3), (3, 1, 7)]:
        sizes = call(layer_sizes, "layer_sizes", rng.normal(size=(n_x, m)), rng.normal(size=(n_y, m)))
        try:
            sizes = tuple(int(s) for s in sizes)
        except (TypeError, ValueError):
            fail(f"layer_sizes should return a tuple (n_x, n_h, n_y), not {sizes!r}.")
        if sizes != (n_x, 4, n_y):
            fail("layer_sizes is wrong: n_x is the number of rows of X, n_h = 4, n_y the number of rows of Y.")


def check_backprop_shapes(backprop_shapes: Callable) -> None:
    """Shape of every W1 b1 Z1 A1 W2 b2 Z2 A2 and of its d-twin, for sizes it has not seen."""
    for n_x, n_h, n_y, m in [(3, 5, 2, 7), (6, 2, 1, 4)]:
        shapes = call(backprop_shapes, "backprop_shapes", n_x, n_h, n_y, m)
        expected = key.backprop_shapes(n_x, n_h, n_y, m)
        for name, shape in expected.items():
            value = get_key(shapes, name, "backprop_shapes")
            try:
                value = tuple(int(s) for s in value)
            except (TypeError, ValueError):
                fail(f"The shape of {name} should be a tuple of ints, not {value!r}.")
            if value != shape:
                twin = name[1:] if name.startswith("d") else name
                fail(
                    f"The shape of {name} is wrong for n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
                    f"W[l] is n[l]×n[l−1], b[l] is n[l]×1, Z[l] and A[l] are n[l]×m"
                    + (f", and {name} has the shape of {twin}." if twin != name else ".")
                )


# --- D. The six equations, one example --------------------------------------------


def check_forward_propagation(forward_propagation: Callable) -> None:
    """A2 and the cache Z1, A1, Z2, A2 for several sizes including m = 1; no loop over examples."""
    hints = {
        "Z1": "Z1 = W1·X + b1.",
        "A1": "A1 = tanh(Z1).",
        "Z2": "Z2 = W2·A1 + b2.",
        "A2": "A2 = σ(Z2), the sigmoid.",
    }
    for seed, m, n_y in [(41, None, 2), (42, 1, 1)]:
        problem = random_problem(seed, m=m, n_y=n_y)
        result = call(forward_propagation, "forward_propagation", problem.X, problem.parameters)
        if not isinstance(result, tuple) or len(result) != 2:
            fail("forward_propagation should return a pair (A2, cache).")
        A2, cache = result
        for name, hint in hints.items():
            expect_close(as_array(get_key(cache, name, "forward_propagation's cache"), f"cache[{name!r}]"),
                         problem.cache[name], f"cache[{name!r}]", hint)
        expect_close(as_array(A2, "A2"), problem.cache["A2"], "the returned A2", hints["A2"])

    def arguments(m):
        problem = random_problem(43, m=m, n_x=3, n_h=5)
        return problem.X, problem.parameters

    expect_no_loop_over_examples(forward_propagation, "forward_propagation", arguments, "Z1 = W1·X + b1 takes every column of X.")


_ONE_EXAMPLE_HINTS = {
    "dz2": "dz2 = a2 − y.",
    "dW2": "dW2 = dz2·a1ᵀ.",
    "db2": "db2 = dz2.",
    "dz1": "dz1 = W2ᵀ·dz2 * g′(z1), with elementwise * and tanh′(z1) = 1 − a1².",
    "dW1": "dW1 = dz1·xᵀ.",
    "db1": "db1 = dz1.",
}


def _one_example_gradients(problem) -> dict[str, np.ndarray]:
    """Central differences of the loss of one example: parameters, z2 and z1."""
    p, x, y = problem.parameters, problem.X, problem.Y
    grads = {"d" + k: v for k, v in numerical_gradient(lambda q: key.cost(q, x, y), p, NUMERICAL_STEP).items()}
    loss_of_z2 = lambda v: key.compute_cost(key.sigmoid(v["z2"]), y)
    loss_of_z1 = lambda v: key.compute_cost(key.sigmoid(p["W2"] @ np.tanh(v["z1"]) + p["b2"]), y)
    grads["dz2"] = numerical_gradient(loss_of_z2, {"z2": problem.cache["Z2"]}, NUMERICAL_STEP)["z2"]
    grads["dz1"] = numerical_gradient(loss_of_z1, {"z1": problem.cache["Z1"]}, NUMERICAL_STEP)["z1"]
    return grads


def check_backward_propagation_one_example(backward_propagation_one_example: Callable) -> None:
    """The six gradients of one example against central differences of its loss."""
    for seed, n_y in [(51, 1), (52, 2)]:
        problem = random_problem(seed, m=1, n_y=n_y)
        grads = call(backward_propagation_one_example, "backward_propagation_one_example",
                     problem.parameters, problem.cache, problem.X, problem.Y)
        numerical = _one_example_gradients(problem)
        for name, hint in _ONE_EXAMPLE_HINTS.items():
            value = as_array(get_key(grads, name, "backward_propagation_one_example"), name)
            twin = {"dz2": "z2", "dz1": "z1"}.get(name, name[1:])
            if value.shape != numerical[name].shape:
                fail(f"{name} has shape {value.shape} but {twin} has shape {numerical[name].shape}: "
                     f"foo and dfoo always have the same shape. Check the transposes in {hint}")
            expect_gradient(value, numerical[name], name, f"the loss with respect to {twin}", hint)


# --- E. Vectorized ----------------------------------------------------------------


def check_compute_cost(compute_cost: Callable) -> None:
    """J = (1/m)·Σ L(a⁽ⁱ⁾, y⁽ⁱ⁾) as a Python float, for m it has not seen; no loop over examples."""
    hint = "J = −(1/m)·Σ [y·log a2 + (1−y)·log(1−a2)] over the m examples."
    rng = np.random.default_rng(61)
    for m in (3, 9):
        A2 = rng.uniform(0.05, 0.95, (1, m))
        Y = (rng.uniform(size=(1, m)) > 0.5).astype(float)
        Y[0, :2] = [0.0, 1.0]
        cost = call(compute_cost, "compute_cost", A2, Y)
        if not isinstance(cost, float):
            fail(f"compute_cost should return a Python float, not {type(cost).__name__} "
                 f"{getattr(cost, 'shape', '')}: float(...) turns a one-entry array into one.")
        if not np.isclose(cost, key.compute_cost(A2, Y), rtol=VALUE_RTOL, atol=VALUE_ATOL):
            fail(f"compute_cost is wrong for m = {m}: {hint}")

    def arguments(m):
        return np.full((1, m), 0.3), np.ones((1, m))

    expect_no_loop_over_examples(compute_cost, "compute_cost", arguments, "np.sum or np.mean over the row.")


_VECTORIZED_HINTS = {
    "dZ2": "dZ2 = A2 − Y.",
    "dW2": "dW2 = (1/m)·dZ2·A1ᵀ.",
    "db2": "db2 = (1/m)·np.sum(dZ2, axis=1, keepdims=True).",
    "dZ1": "dZ1 = W2ᵀ·dZ2 * g′(Z1), with elementwise * and tanh′(Z1) = 1 − A1².",
    "dW1": "dW1 = (1/m)·dZ1·Xᵀ.",
    "db1": "db1 = (1/m)·np.sum(dZ1, axis=1, keepdims=True).",
}


def _one_example_results(problem) -> list[dict[str, np.ndarray]]:
    results = []
    for i in range(problem.X.shape[1]):
        column = {k: v[:, i:i + 1] for k, v in problem.cache.items()}
        results.append(key.backward_propagation_one_example(
            problem.parameters, column, problem.X[:, i:i + 1], problem.Y[:, i:i + 1]))
    return results


def _vectorized_grads(backward_propagation, problem) -> dict[str, np.ndarray]:
    grads = call(backward_propagation, "backward_propagation", problem.parameters, problem.cache, problem.X, problem.Y)
    values = {}
    for name, hint in _VECTORIZED_HINTS.items():
        values[name] = as_array(get_key(grads, name, "backward_propagation"), name)
        twin = name[1:]
        shape = problem.cache[twin].shape if twin in problem.cache else problem.parameters[twin].shape
        if values[name].shape != shape:
            fail(f"{name} has shape {values[name].shape} but {twin} has shape {shape}: foo and dfoo "
                 f"always have the same shape. Check the transposes and keepdims in {hint}")
    return values


def check_backward_propagation(backward_propagation: Callable) -> None:
    """Shapes; dW1 db1 dW2 db2 against central differences of J on random sizes with m ≥ 2,
    one with two outputs; dZ1 and dZ2 column by column against the one-example equations."""
    for seed, n_y in [(71, 1), (72, 1), (73, 2)]:
        problem = random_problem(seed, n_y=n_y)
        grads = _vectorized_grads(backward_propagation, problem)
        numerical = numerical_gradient(lambda p: key.cost(p, problem.X, problem.Y), problem.parameters, NUMERICAL_STEP)
        for name in PARAMETERS:
            expect_gradient(grads["d" + name], numerical[name], "d" + name, "the cost J", _VECTORIZED_HINTS["d" + name])
        columns = _one_example_results(problem)
        for name in ("dZ2", "dZ1"):
            stacked = np.hstack([r[name.lower()] for r in columns])
            if relative_difference(grads[name], stacked) >= VALUE_RTOL:
                fail(f"{name} should hold, in column i, example i's {name.lower()}; it does not: {_VECTORIZED_HINTS[name]}")


def check_backward_propagation_vectorized(backward_propagation: Callable) -> None:
    """For m = 50 the gradients equal the mean of the one-example results, with no Python loop over examples."""
    problem = random_problem(74, m=50, n_x=3, n_h=4)
    grads = _vectorized_grads(backward_propagation, problem)
    columns = _one_example_results(problem)
    for name in PARAMETERS:
        mean = np.mean([r["d" + name] for r in columns], axis=0)
        if relative_difference(grads["d" + name], mean) >= VALUE_RTOL:
            fail(f"d{name} should be the mean over the m examples of the one-example d{name}: "
                 f"{_VECTORIZED_HINTS['d' + name]}")

    def arguments(m):
        p = random_problem(75, m=m, n_x=3, n_h=5)
        return p.parameters, p.cache, p.X, p.Y

    expect_no_loop_over_examples(backward_propagation, "backward_propagation", arguments,
                                 "matrix products such as dZ1·Xᵀ sum over the examples for you.")


# --- F. Gradient checking ---------------------------------------------------------


def _broken_backward(scale_name: str, factor: float):
    """The correct backward pass with one gradient scaled: a bug gradient_check must measure."""
    def backward(parameters, cache, X, Y):
        grads = dict(key.backward_propagation(parameters, cache, X, Y))
        grads[scale_name] = grads[scale_name] * factor
        return grads
    return backward


def check_gradient_check(gradient_check: Callable) -> None:
    """A float that is tiny for a correct backward pass and equals ours for broken ones;
    epsilon is used; the parameters are left as they were."""
    problem = random_problem(81, m=5, n_x=3, n_h=4)
    parameters = {k: v.copy() for k, v in problem.parameters.items()}
    X, Y = problem.X, problem.Y

    def student(backward, **kwargs):
        value = call(gradient_check, "gradient_check", parameters, X, Y, backward, **kwargs)
        if not isinstance(value, float):
            fail(f"gradient_check should return a Python float, not {type(value).__name__}.")
        return value

    formula = "difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)"
    correct = student(key.backward_propagation)
    if not correct < GRADIENT_CHECK_CORRECT_BELOW:
        fail(f"With a correct backward pass gradient_check returned {correct:.3g}, which should be below "
             f"{GRADIENT_CHECK_CORRECT_BELOW:g}: check gradapprox = (J(θ + ε) − J(θ − ε)) / (2ε), and that each "
             f"parameter is put back before the next one is moved.")
    for name, factor in [("dW1", 2.0), ("db2", 0.5)]:
        broken = _broken_backward(name, factor)
        value = student(broken)
        with quiet():
            ours = key.gradient_check(parameters, X, Y, broken)
        if not np.isclose(value, ours, rtol=GRADIENT_CHECK_RTOL):
            fail(f"With a backward pass whose {name} is off by a factor {factor:g}, gradient_check returned "
                 f"{value:.3g}, which is not the relative difference over all parameters: {formula}, "
                 f"taken over every entry of W1, b1, W2, b2 together.")
    for name in PARAMETERS:
        if not np.array_equal(parameters[name], problem.parameters[name]):
            fail(f"gradient_check changed parameters[{name!r}]: copy the parameters, or restore each entry "
                 f"after moving it by ±ε.")
    coarse = student(key.backward_propagation, epsilon=1e-2)
    with quiet():
        ours = key.gradient_check(parameters, X, Y, key.backward_propagation, epsilon=1e-2)
    if not np.isclose(coarse, ours, rtol=GRADIENT_CHECK_RTOL):
        fail("gradient_check does not use its epsilon argument: move each parameter by ±epsilon.")


# --- G. Training ----------------------------------------------------------------------


def _expect_same_parameters(value, trusted, function: str, hint: str) -> None:
    if not isinstance(value, dict):
        fail(f"{function} should return the parameters dict, not {type(value).__name__}.")
    for name in PARAMETERS:
        entry = as_array(get_key(value, name, function), name)
        expect_shape(entry, trusted[name].shape, f"{function}'s {name}", hint)
        if not np.allclose(entry, trusted[name], rtol=TRAINING_RTOL, atol=TRAINING_ATOL):
            fail(f"{function}'s {name} has the right shape but wrong values: {hint}")


def check_initialize_parameters(initialize_parameters: Callable) -> None:
    """W = randn·0.01 from NumPy's global generator, W1 before W2, b = zeros; no reseeding."""
    hint = ("W1 = np.random.randn(n_h, n_x) * 0.01 drawn before W2 = np.random.randn(n_y, n_h) * 0.01, "
            "b1 and b2 zeros of shapes (n_h, 1) and (n_y, 1); do not call np.random.seed inside.")
    for seed, sizes in [(91, (3, 5, 1)), (92, (4, 2, 2))]:
        state = np.random.get_state()
        np.random.seed(seed)
        value = call(initialize_parameters, "initialize_parameters", *sizes)
        np.random.seed(seed)
        trusted = key.initialize_parameters(*sizes)
        np.random.set_state(state)
        _expect_same_parameters(value, trusted, "initialize_parameters", hint)


def check_update_parameters(update_parameters: Callable) -> None:
    """θ := θ − α·dθ for W1, b1, W2, b2, with the given learning rate and 1.2 by default."""
    hint = "θ = θ − learning_rate·dθ for every parameter."
    problem = random_problem(101, m=4)
    grads = key.backward_propagation(problem.parameters, problem.cache, problem.X, problem.Y)
    for kwargs in ({"learning_rate": 0.37}, {}):
        fresh = {k: v.copy() for k, v in problem.parameters.items()}
        value = call(update_parameters, "update_parameters", fresh, dict(grads), **kwargs)
        trusted = key.update_parameters(problem.parameters, grads, **kwargs)
        which = "the default learning rate 1.2" if not kwargs else "learning_rate=0.37"
        _expect_same_parameters(value, trusted, "update_parameters", f"{hint} (with {which})")


def check_nn_model(nn_model: Callable) -> None:
    """Seeded training equals the answer key's step for step, lowers the cost and
    separates the flower and a data set the notebook never shows."""
    hint = ("each iteration runs forward_propagation, compute_cost, backward_propagation and "
            "update_parameters once, starting from initialize_parameters(n_x, n_h, n_y); no np.random.seed inside.")
    flower = _flower()
    for (X, Y), n_h, seed, iterations, at_least, name in [
        (flower, 4, 3, 1000, FLOWER_ACCURACY_AT_LEAST, "the flower"),
        (rings(), 3, 5, 300, HIDDEN_SET_ACCURACY_AT_LEAST, "a second data set"),
    ]:
        state = np.random.get_state()
        np.random.seed(seed)
        value = call(nn_model, "nn_model", X, Y, n_h, num_iterations=iterations)
        np.random.seed(seed)
        start = key.initialize_parameters(X.shape[0], n_h, Y.shape[0])
        np.random.seed(seed)
        with quiet():
            trusted = key.nn_model(X, Y, n_h, num_iterations=iterations)
        np.random.set_state(state)
        _expect_same_parameters(value, trusted, "nn_model", hint)
        with quiet():
            learned = {k: as_array(value[k], k) for k in PARAMETERS}
            if not key.cost(learned, X, Y) < key.cost(start, X, Y):
                fail(f"Training did not lower the cost on {name}: gradient descent steps against the gradient.")
            accuracy = float(np.mean(key.predict(learned, X) == Y))
        if accuracy < at_least:
            fail(f"After {iterations} iterations the network classifies {accuracy:.0%} of {name} correctly; "
                 f"it should reach {at_least:.0%}: {hint}")


def check_predict(predict: Callable) -> None:
    """A (1, m) array of 0/1: 1 where A2 > 0.5, for parameters and points it has not seen."""
    problem = random_problem(111, m=30, n_x=2, n_h=5)
    margin = np.abs(problem.cache["A2"] - 0.5) > 1e-6  # no ties at 0.5: > and >= are both right
    value = as_array(call(predict, "predict", problem.parameters, problem.X), "predict(parameters, X)")
    expect_shape(value, (1, 30), "predict(parameters, X)", "one prediction per column of X, as a (1, m) array.")
    if not np.isin(value, (0, 1)).all():
        fail("predict should return only 0 and 1: threshold A2 at 0.5.")
    if not np.array_equal(value[margin], key.predict(problem.parameters, problem.X)[margin]):
        fail("predict is wrong: run forward_propagation, then predict 1 where A2 > 0.5 and 0 elsewhere.")
