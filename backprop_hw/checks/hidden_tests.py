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
from backprop_hw.checks.numerical import numerical_gradient, relative_difference
from backprop_hw.checks.calling import (
    as_array,
    beyond_the_lecture,
    call,
    expect_close,
    expect_gradient,
    expect_no_loop_over_examples,
    expect_shape,
    fail,
    get_key,
    hidden_test,
)
from backprop_hw.checks.isolation import quiet
from backprop_hw.checks.messages import say
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


@hidden_test
def check_sigmoid(sigmoid: Callable) -> None:
    """σ(z) = 1 / (1 + e^(−z)): numbers and arrays of any shape, elementwise."""
    hint = say("hint_sigmoid")
    value = as_array(call(sigmoid, "sigmoid", 0.0), "sigmoid(0)")
    if value.size != 1 or not np.isclose(value.item(), 0.5):
        fail(say("sigmoid_of_zero", hint=hint))
    z = np.random.default_rng(11).uniform(-8, 8, (3, 7))
    expect_close(as_array(call(sigmoid, "sigmoid", z), "sigmoid(z)"), key.sigmoid(z), "sigmoid(z)", hint)


@hidden_test
def check_logistic_loss(logistic_loss: Callable) -> None:
    """L(a, y) = −y·log a − (1−y)·log(1−a), for y = 1, y = 0 and arrays."""
    rng = np.random.default_rng(12)
    for y in (1.0, 0.0):
        a = rng.uniform(0.05, 0.95)
        value = as_array(call(logistic_loss, "logistic_loss", a, y), f"logistic_loss(a, y={y:g})")
        if value.size != 1 or not np.isclose(value.item(), key.logistic_loss(a, y), rtol=VALUE_RTOL, atol=VALUE_ATOL):
            term = "−y·log a" if y == 1 else "−(1−y)·log(1−a)"
            fail(say("logistic_loss_wrong_for_y", y=y, term=term))
    a = rng.uniform(0.05, 0.95, (1, 6))
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0, 0.0]])
    expect_close(
        as_array(call(logistic_loss, "logistic_loss", a, y), "logistic_loss(A, Y)"),
        key.logistic_loss(a, y),
        say("logistic_loss_on_arrays"),
        say("hint_logistic_loss_arrays"),
    )


@hidden_test
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
            ("da", (_derivative(lambda v: key.logistic_loss(v, y), np.array(a))), "L(a, y)", say("hint_da")),
            ("dz", _derivative(lambda v: key.logistic_loss(key.sigmoid(v), y), np.array(z)), "L(σ(z), y)",
             say("hint_dz")),
            ("dw", numeric["w"], say("loss_with_respect_to_parameter", parameter="w"), say("hint_dw")),
            ("db", numeric["b"], say("loss_with_respect_to_parameter", parameter="b"), say("hint_db")),
        ]
        for name, numerical, of, hint in checks:
            value = as_array(get_key(grads, name, "logistic_backward"), name)
            if name != "dw":  # da, dz, db are single numbers: accept 0-d, (1,) or (1, 1)
                if value.size != 1:
                    fail(say("one_number_for_one_example", name=name, shape=value.shape, hint=hint))
                value = value.reshape(())
            expect_gradient(value, numerical, name, of, hint)


# --- B. Activation derivatives ------------------------------------------------


def _check_activation_derivative(function: Callable, name: str, g: Callable, hint: str, z: np.ndarray) -> None:
    value = as_array(call(function, name, z), f"{name}(z)")
    expect_shape(value, z.shape, f"{name}(z)", say("hint_elementwise_derivative"))
    expect_gradient(value, _derivative(g, z), f"{name}(z)", "g", hint)


@hidden_test
def check_sigmoid_derivative(sigmoid_derivative: Callable) -> None:
    """σ′(z) = σ(z)(1 − σ(z)) against central differences, elementwise."""
    z = np.random.default_rng(21).uniform(-5, 5, (4, 3))
    _check_activation_derivative(sigmoid_derivative, "sigmoid_derivative", key.sigmoid,
                                 say("hint_sigmoid_derivative"), z)


@hidden_test
def check_tanh_derivative(tanh_derivative: Callable) -> None:
    """tanh′(z) = 1 − tanh²(z) against central differences, elementwise."""
    z = np.random.default_rng(22).uniform(-3, 3, (3, 5))
    _check_activation_derivative(tanh_derivative, "tanh_derivative", np.tanh, say("hint_tanh_derivative"), z)


@hidden_test
def check_relu_derivative(relu_derivative: Callable) -> None:
    """relu′(z) is 1 where z > 0 and 0 elsewhere, including z = 0."""
    z = np.random.default_rng(23).uniform(-2, 2, (5, 4))
    z[0, :2] = 0.0
    value = as_array(call(relu_derivative, "relu_derivative", z), "relu_derivative(z)")
    expect_shape(value, z.shape, "relu_derivative(z)", say("hint_elementwise_derivative"))
    if not np.array_equal(value[z != 0], (z[z != 0] > 0).astype(float)):
        fail(say("relu_derivative_away_from_zero"))
    if not np.all(value[z == 0] == 0):
        fail(say("relu_derivative_at_zero"))


# --- C. Dimensions -------------------------------------------------------------


@hidden_test
def check_layer_sizes(layer_sizes: Callable) -> None:
    """(n_x, 4, n_y) read off the shapes of X (n_x, m) and Y (n_y, m)."""
    rng = np.random.default_rng(31)
    # Two outputs here are not generality beyond the lecture: reading n_y off Y is what layer_sizes is for.
    for n_x, n_y, m in [(5, 2, 3), (3, 1, 7)]:
        sizes = call(layer_sizes, "layer_sizes", rng.normal(size=(n_x, m)), rng.normal(size=(n_y, m)))
        try:
            sizes = tuple(int(s) for s in sizes)
        except (TypeError, ValueError):
            fail(say("layer_sizes_not_a_tuple", sizes=sizes))
        if sizes != (n_x, 4, n_y):
            fail(say("layer_sizes_wrong"))


@hidden_test
def check_backprop_shapes(backprop_shapes: Callable) -> None:
    """Shape of every W1 b1 Z1 A1 W2 b2 Z2 A2 and of its d-twin, for sizes it has not seen."""
    # n_y is one of the arguments, so n_y = 2 is part of the function's job, not generality beyond the lecture.
    for n_x, n_h, n_y, m in [(3, 5, 2, 7), (6, 2, 1, 4)]:
        shapes = call(backprop_shapes, "backprop_shapes", n_x, n_h, n_y, m)
        expected = key.backprop_shapes(n_x, n_h, n_y, m)
        for name, shape in expected.items():
            value = get_key(shapes, name, "backprop_shapes")
            try:
                value = tuple(int(s) for s in value)
            except (TypeError, ValueError):
                fail(say("shape_not_a_tuple", name=name, value=value))
            if value != shape:
                twin = name[1:] if name.startswith("d") else name
                fail(say("backprop_shape_wrong_twin" if twin != name else "backprop_shape_wrong",
                         name=name, twin=twin, n_x=n_x, n_h=n_h, n_y=n_y, m=m))


# --- D. The six equations, one example --------------------------------------------


def _check_forward_on(forward_propagation: Callable, problem) -> None:
    hints = {name: say("hint_" + name) for name in ("Z1", "A1", "Z2", "A2")}
    result = call(forward_propagation, "forward_propagation", problem.X, problem.parameters)
    if not isinstance(result, tuple) or len(result) != 2:
        fail(say("forward_not_a_pair"))
    A2, cache = result
    for name, hint in hints.items():
        entry = get_key(cache, name, say("cache_of", function="forward_propagation"))
        expect_close(as_array(entry, f"cache[{name!r}]"), problem.cache[name], f"cache[{name!r}]", hint)
    expect_close(as_array(A2, "A2"), problem.cache["A2"], say("returned_A2"), hints["A2"])


@hidden_test
def check_forward_propagation(forward_propagation: Callable) -> None:
    """The lecture's network (one output, m ≥ 2) of random sizes: A2 and the cache Z1, A1, Z2, A2;
    no loop over examples."""
    for seed in (40, 44):
        _check_forward_on(forward_propagation, random_problem(seed, n_y=1))

    def arguments(m):
        problem = random_problem(43, m=m, n_x=3, n_h=5)
        return problem.X, problem.parameters

    expect_no_loop_over_examples(forward_propagation, "forward_propagation", arguments, say("hint_forward_loop"))


@hidden_test
def check_forward_propagation_general(forward_propagation: Callable) -> None:
    """Everything check_forward_propagation checks, then two outputs and m = 1.

    A cell of its own with a small share of the points: the lecture's network has one
    output, and code right on it (say, with the original template's assert that A2 is
    (1, m)) keeps the points of check_forward_propagation. Everything that cell checks is
    checked here first, so a mistake on the lecture's network costs both cells, as before.
    """
    check_forward_propagation(forward_propagation)
    with beyond_the_lecture(say("forward_general_asks")):
        for seed, m, n_y in [(41, None, 2), (42, 1, 1), (45, 1, 2)]:
            _check_forward_on(forward_propagation, random_problem(seed, m=m, n_y=n_y))


# The message key of each one-example gradient's hint (said when a check fails, in the student's language).
_ONE_EXAMPLE_HINTS = {
    "dz2": "hint_dz2",
    "dW2": "hint_dW2_one",
    "db2": "hint_db2_one",
    "dz1": "hint_dz1",
    "dW1": "hint_dW1_one",
    "db1": "hint_db1_one",
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


def _check_one_example_on(backward_propagation_one_example: Callable, problem) -> None:
    grads = call(backward_propagation_one_example, "backward_propagation_one_example",
                 problem.parameters, problem.cache, problem.X, problem.Y)
    numerical = _one_example_gradients(problem)
    for name, hint_key in _ONE_EXAMPLE_HINTS.items():
        hint = say(hint_key)
        value = as_array(get_key(grads, name, "backward_propagation_one_example"), name)
        twin = {"dz2": "z2", "dz1": "z1"}.get(name, name[1:])
        if value.shape != numerical[name].shape:
            fail(say("one_example_shape", name=name, actual=value.shape, twin=twin,
                     expected=numerical[name].shape, hint=hint))
        expect_gradient(value, numerical[name], name, say("loss_with_respect_to", twin=twin), hint)


@hidden_test
def check_backward_propagation_one_example(backward_propagation_one_example: Callable) -> None:
    """The six gradients of one example of the lecture's network (one output) against central
    differences of its loss, on random sizes."""
    for seed in (51, 53):
        _check_one_example_on(backward_propagation_one_example, random_problem(seed, m=1, n_y=1))


@hidden_test
def check_backward_propagation_one_example_general(backward_propagation_one_example: Callable) -> None:
    """Everything check_backward_propagation_one_example checks, then two outputs.

    With one output W2ᵀ·dz2 and the elementwise W2ᵀ * dz2 agree; with two they differ. A
    cell of its own with a small share of the points (see check_forward_propagation_general).
    """
    check_backward_propagation_one_example(backward_propagation_one_example)
    with beyond_the_lecture(say("one_example_general_asks")):
        _check_one_example_on(backward_propagation_one_example, random_problem(52, m=1, n_y=2))


# --- E. Vectorized ----------------------------------------------------------------


@hidden_test
def check_compute_cost(compute_cost: Callable) -> None:
    """J = (1/m)·Σ L(a⁽ⁱ⁾, y⁽ⁱ⁾) as a Python float, for m it has not seen; no loop over examples."""
    hint = say("hint_compute_cost")
    rng = np.random.default_rng(61)
    for m in (3, 9):
        A2 = rng.uniform(0.05, 0.95, (1, m))
        Y = (rng.uniform(size=(1, m)) > 0.5).astype(float)
        Y[0, :2] = [0.0, 1.0]
        cost = call(compute_cost, "compute_cost", A2, Y)
        if not isinstance(cost, float):
            fail(say("compute_cost_not_a_float", type=type(cost).__name__, shape=getattr(cost, "shape", "")))
        if not np.isclose(cost, key.compute_cost(A2, Y), rtol=VALUE_RTOL, atol=VALUE_ATOL):
            fail(say("compute_cost_wrong", m=m, hint=hint))

    def arguments(m):
        return np.full((1, m), 0.3), np.ones((1, m))

    expect_no_loop_over_examples(compute_cost, "compute_cost", arguments, say("hint_cost_loop"))


# The message key of each vectorized gradient's hint: "hint_" + its name.
_VECTORIZED_HINTS = {name: "hint_" + name for name in ("dZ2", "dW2", "db2", "dZ1", "dW1", "db1")}


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
    for name, hint_key in _VECTORIZED_HINTS.items():
        values[name] = as_array(get_key(grads, name, "backward_propagation"), name)
        twin = name[1:]
        shape = problem.cache[twin].shape if twin in problem.cache else problem.parameters[twin].shape
        if values[name].shape != shape:
            fail(say("vectorized_shape", name=name, actual=values[name].shape, twin=twin, expected=shape,
                     hint=say(hint_key)))
    return values


def _check_backward_on(backward_propagation: Callable, problem) -> None:
    grads = _vectorized_grads(backward_propagation, problem)
    numerical = numerical_gradient(lambda p: key.cost(p, problem.X, problem.Y), problem.parameters, NUMERICAL_STEP)
    for name in PARAMETERS:
        expect_gradient(grads["d" + name], numerical[name], "d" + name, say("the_cost_J"),
                        say(_VECTORIZED_HINTS["d" + name]))
    columns = _one_example_results(problem)
    for name in ("dZ2", "dZ1"):
        stacked = np.hstack([r[name.lower()] for r in columns])
        if relative_difference(grads[name], stacked) >= VALUE_RTOL:
            fail(say("columns_are_examples", name=name, one=name.lower(), hint=say(_VECTORIZED_HINTS[name])))


@hidden_test
def check_backward_propagation(backward_propagation: Callable) -> None:
    """The lecture's network (one output, m ≥ 2) of random sizes: shapes; dW1 db1 dW2 db2 against
    central differences of J; dZ1 and dZ2 column by column against the one-example equations."""
    for seed in (71, 72):
        _check_backward_on(backward_propagation, random_problem(seed, n_y=1))


@hidden_test
def check_backward_propagation_general(backward_propagation: Callable) -> None:
    """Everything check_backward_propagation checks, then two outputs (where W2ᵀ·dZ2 and the
    elementwise W2ᵀ * dZ2 differ). A cell of its own with a small share of the points (see
    check_forward_propagation_general)."""
    check_backward_propagation(backward_propagation)
    with beyond_the_lecture(say("backward_general_asks")):
        _check_backward_on(backward_propagation, random_problem(73, n_y=2))


@hidden_test
def check_backward_propagation_vectorized(backward_propagation: Callable) -> None:
    """For m = 50 the gradients equal the mean of the one-example results, with no Python loop over examples."""
    problem = random_problem(74, m=50, n_x=3, n_h=4)
    grads = _vectorized_grads(backward_propagation, problem)
    columns = _one_example_results(problem)
    for name in PARAMETERS:
        mean = np.mean([r["d" + name] for r in columns], axis=0)
        if relative_difference(grads["d" + name], mean) >= VALUE_RTOL:
            fail(say("mean_over_examples", name="d" + name, hint=say(_VECTORIZED_HINTS["d" + name])))

    def arguments(m):
        p = random_problem(75, m=m, n_x=3, n_h=5)
        return p.parameters, p.cache, p.X, p.Y

    expect_no_loop_over_examples(backward_propagation, "backward_propagation", arguments,
                                 say("hint_backward_loop"))


# --- F. Gradient checking ---------------------------------------------------------


def _broken_backward(scale_name: str, factor: float):
    """The correct backward pass with one gradient scaled: a bug gradient_check must measure."""
    def backward(parameters, cache, X, Y):
        grads = dict(key.backward_propagation(parameters, cache, X, Y))
        grads[scale_name] = grads[scale_name] * factor
        return grads

    backward.description = say("input_broken_backward", name=scale_name, factor=factor)
    return backward


@hidden_test
def check_gradient_check(gradient_check: Callable) -> None:
    """A float that is tiny for a correct backward pass and equals ours for broken ones;
    epsilon is used; the parameters are left as they were."""
    problem = random_problem(81, m=5, n_x=3, n_h=4)
    parameters = {k: v.copy() for k, v in problem.parameters.items()}
    X, Y = problem.X, problem.Y

    def student(backward, **kwargs):
        value = call(gradient_check, "gradient_check", parameters, X, Y, backward, **kwargs)
        if not isinstance(value, float):
            fail(say("gradient_check_not_a_float", type=type(value).__name__))
        return value

    formula = say("gradient_check_formula")
    correct = student(key.backward_propagation)
    if not correct < GRADIENT_CHECK_CORRECT_BELOW:
        fail(say("gradient_check_correct_too_large", value=correct, limit=GRADIENT_CHECK_CORRECT_BELOW))
    for name, factor in [("dW1", 2.0), ("db2", 0.5)]:
        broken = _broken_backward(name, factor)
        value = student(broken)
        with quiet():
            ours = key.gradient_check(parameters, X, Y, broken)
        if not np.isclose(value, ours, rtol=GRADIENT_CHECK_RTOL):
            fail(say("gradient_check_broken", name=name, factor=factor, value=value, formula=formula))
    for name in PARAMETERS:
        if not np.array_equal(parameters[name], problem.parameters[name]):
            fail(say("gradient_check_changed_parameters", name=name))
    coarse = student(key.backward_propagation, epsilon=1e-2)
    with quiet():
        ours = key.gradient_check(parameters, X, Y, key.backward_propagation, epsilon=1e-2)
    if not np.isclose(coarse, ours, rtol=GRADIENT_CHECK_RTOL):
        fail(say("gradient_check_ignores_epsilon"))


# --- G. Training ----------------------------------------------------------------------


def _expect_same_parameters(value, trusted, function: str, hint: str) -> None:
    if not isinstance(value, dict):
        fail(say("not_parameters_dict", function=function, type=type(value).__name__))
    for name in PARAMETERS:
        entry = as_array(get_key(value, name, function), name)
        what = say("parameter_of", function=function, name=name)
        expect_shape(entry, trusted[name].shape, what, hint)
        if not np.allclose(entry, trusted[name], rtol=TRAINING_RTOL, atol=TRAINING_ATOL):
            fail(say("close_wrong_values", what=what, hint=hint))


@hidden_test
def check_initialize_parameters(initialize_parameters: Callable) -> None:
    """W = randn·0.01 from NumPy's global generator, W1 before W2, b = zeros; no reseeding."""
    hint = say("hint_initialize_parameters")
    # n_y is an argument: W2 of shape (n_y, n_h) for n_y = 2 is the function's job, not generality.
    for seed, sizes in [(91, (3, 5, 1)), (92, (4, 2, 2))]:
        state = np.random.get_state()
        np.random.seed(seed)
        value = call(initialize_parameters, "initialize_parameters", *sizes)
        np.random.seed(seed)
        trusted = key.initialize_parameters(*sizes)
        np.random.set_state(state)
        _expect_same_parameters(value, trusted, "initialize_parameters", hint)


@hidden_test
def check_update_parameters(update_parameters: Callable) -> None:
    """θ := θ − α·dθ for W1, b1, W2, b2, with the given learning rate and 1.2 by default."""
    hint = say("hint_update_parameters")
    problem = random_problem(101, m=4)
    grads = key.backward_propagation(problem.parameters, problem.cache, problem.X, problem.Y)
    for kwargs in ({"learning_rate": 0.37}, {}):
        fresh = {k: v.copy() for k, v in problem.parameters.items()}
        value = call(update_parameters, "update_parameters", fresh, dict(grads), **kwargs)
        trusted = key.update_parameters(problem.parameters, grads, **kwargs)
        which = say("default_learning_rate") if not kwargs else "learning_rate=0.37"
        _expect_same_parameters(value, trusted, "update_parameters", say("with_learning_rate", hint=hint, which=which))


@hidden_test
def check_nn_model(nn_model: Callable) -> None:
    """Seeded training equals the answer key's step for step, lowers the cost and
    separates the flower and a data set the notebook never shows."""
    hint = say("hint_nn_model")
    flower = _flower()
    for (X, Y), n_h, seed, iterations, at_least, name in [
        (flower, 4, 3, 1000, FLOWER_ACCURACY_AT_LEAST, say("the_flower")),
        (rings(), 3, 5, 300, HIDDEN_SET_ACCURACY_AT_LEAST, say("a_second_data_set")),
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
                fail(say("training_did_not_lower_cost", data=name))
            accuracy = float(np.mean(key.predict(learned, X) == Y))
        if accuracy < at_least:
            fail(say("accuracy_too_low", iterations=iterations, accuracy=accuracy, data=name, at_least=at_least,
                     hint=hint))


@hidden_test
def check_predict(predict: Callable) -> None:
    """A (1, m) array of 0/1: 1 where A2 > 0.5, for parameters and points it has not seen."""
    problem = random_problem(111, m=30, n_x=2, n_h=5)
    # b2 moved by the median of Z2: half the points on each side of 0.5, so a predict that always
    # says 0 (a threshold of 1) or always 1 (a threshold of 0) fails
    parameters = dict(problem.parameters, b2=problem.parameters["b2"] - np.median(problem.cache["Z2"]))
    A2, _ = key.forward_propagation(problem.X, parameters)
    margin = np.abs(A2 - 0.5) > 1e-6  # no ties at 0.5: > and >= are both right
    value = as_array(call(predict, "predict", parameters, problem.X), "predict(parameters, X)")
    expect_shape(value, (1, 30), "predict(parameters, X)", say("hint_predict_shape"))
    if not np.isin(value, (0, 1)).all():
        fail(say("predict_not_binary"))
    if not np.array_equal(value[margin], key.predict(parameters, problem.X)[margin]):
        fail(say("predict_wrong"))
