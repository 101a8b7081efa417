"""The hidden checks themselves, outside a kernel: right answers pass, typical mistakes fail."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backprop_hw.checks import answer_key, cells
from backprop_hw.checks.gradient_check import numerical_gradient, relative_difference
from backprop_hw.checks.harness import HiddenTestFailure, stand_ins
from backprop_hw.checks.line_count import count_lines
from backprop_hw.checks.problems import random_problem
from backprop_hw.checks.tolerances import GRADIENT_RTOL, NUMERICAL_STEP

CHECKS = {
    name.removeprefix("check_"): getattr(cells, name) for name in dir(cells) if name.startswith("check_")
}


def _function_under(check_name: str) -> str:
    return check_name.removesuffix("_vectorized")


@pytest.mark.parametrize("seed", range(5))
def test_answer_key_gradients_match_central_differences(seed):
    problem = random_problem(seed)
    grads = answer_key.backward_propagation(problem.parameters, problem.cache, problem.X, problem.Y)
    numerical = numerical_gradient(lambda p: answer_key.cost(p, problem.X, problem.Y), problem.parameters, NUMERICAL_STEP)
    for name in answer_key.PARAMETER_NAMES:
        assert relative_difference(grads["d" + name], numerical[name]) < GRADIENT_RTOL


@pytest.mark.parametrize("seed", range(3))
def test_reference_solution_agrees_with_answer_key(reference, seed):
    problem = random_problem(100 + seed)
    p, X, Y = problem.parameters, problem.X, problem.Y
    A2, cache = reference["forward_propagation"](X, p)
    for name, value in problem.cache.items():
        np.testing.assert_allclose(cache[name], value, rtol=1e-12)
    assert reference["compute_cost"](A2, Y) == pytest.approx(answer_key.compute_cost(A2, Y), rel=1e-12)
    ours = reference["backward_propagation"](p, cache, X, Y)
    key = answer_key.backward_propagation(p, cache, X, Y)
    for name in key:
        np.testing.assert_allclose(ours[name], key[name], rtol=1e-12)
    assert reference["gradient_check"](p, X, Y, backward=reference["backward_propagation"]) < 1e-6


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_reference_passes_every_check(reference, check):
    CHECKS[check](reference[_function_under(check)])


def _variant(reference: dict, reference_source: str, old: str, new: str, name: str):
    """The reference with one answer changed, defined in a namespace of its own."""
    assert old in reference_source, f"{old!r} not in the reference"
    namespace = dict(reference)
    exec(compile(reference_source.replace(old, new), "student-variant", "exec"), namespace)
    return namespace[name]


@pytest.fixture(scope="module")
def answer_sources(source_nb):
    from backprop_hw import notebooks

    return {gid: cell.source for gid, cell in notebooks.solution_cells(source_nb).items()}


@pytest.mark.parametrize("function, old, new, check", [
    ("sigmoid", "1 / (1 + np.exp(-z))", "1 / (1 + np.exp(z))", "sigmoid"),
    ("logistic_backward", "(1 - y) / (1 - a)", "(1 - y) * (1 - a)", "logistic_backward"),
    ("tanh_derivative", "1 - np.tanh(z) ** 2", "1 - np.tanh(z)", "tanh_derivative"),
    ("relu_derivative", "z > 0", "z >= 0", "relu_derivative"),
    ("forward_propagation", "A1 = np.tanh(Z1)", "A1 = sigmoid(Z1)", "forward_propagation"),
    ("backward_propagation_one_example", "dW1 = np.dot(dz1, x.T)", "dW1 = np.dot(x, dz1.T)", "backward_propagation_one_example"),
    ("compute_cost", "cost = -np.sum(logprobs) / m", "cost = -np.sum(logprobs)", "compute_cost"),
    ("backward_propagation", "db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = np.sum(dZ1, axis=1) / m", "backward_propagation"),
    ("backward_propagation", "dZ2 = A2 - Y", "dZ2 = Y - A2", "backward_propagation"),
    ("gradient_check", "(2 * epsilon)", "epsilon", "gradient_check"),
    ("gradient_check", "np.linalg.norm(grad - gradapprox)", "np.sum(np.abs(grad - gradapprox))", "gradient_check"),
    ("initialize_parameters", "W1 = np.random.randn(n_h, n_x) * 0.01", "W1 = np.zeros((n_h, n_x))", "initialize_parameters"),
    ("update_parameters", "parameters[name] - learning_rate", "parameters[name] + learning_rate", "update_parameters"),
    ("predict", "(A2 > 0.5)", "(A2 > 0)", "predict"),
])
def test_typical_mistake_fails_its_check(reference, answer_sources, function, old, new, check):
    student = _variant(reference, answer_sources[function], old, new, function)
    with pytest.raises(HiddenTestFailure):
        CHECKS[check](student)


LOOPED_BACKWARD = '''
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    grads = {"dW1": 0, "db1": 0, "dW2": 0, "db2": 0}
    dZ1, dZ2 = [], []
    for i in range(m):
        g = backward_propagation_one_example(parameters, {k: v[:, [i]] for k, v in cache.items()}, X[:, [i]], Y[:, [i]])
        for name in grads:
            grads[name] = grads[name] + g[name] / m
        dZ1.append(g["dz1"]); dZ2.append(g["dz2"])
    return dict(grads, dZ1=np.hstack(dZ1), dZ2=np.hstack(dZ2))
'''


def test_a_loop_over_examples_costs_the_vectorized_cell_only():
    namespace = {"np": np, "backward_propagation_one_example": answer_key.backward_propagation_one_example}
    exec(compile(LOOPED_BACKWARD, "student-loop", "exec"), namespace)
    cells.check_backward_propagation(namespace["backward_propagation"])  # right values: full marks here
    with pytest.raises(HiddenTestFailure, match="loop over the examples"):
        cells.check_backward_propagation_vectorized(namespace["backward_propagation"])


def test_stand_ins_replace_other_graded_functions_and_restore_them():
    namespace = {"np": np}
    exec("def sigmoid(z):\n    return 0 * z\n\ndef forward(X):\n    return sigmoid(X)\n", namespace)
    broken_sigmoid = namespace["sigmoid"]
    with stand_ins(namespace["forward"], "forward"):
        assert namespace["forward"](np.zeros(1))[0] == pytest.approx(0.5)
    assert namespace["sigmoid"] is broken_sigmoid


def test_a_harmless_warning_does_not_fail_a_check():
    def noisy_sigmoid(z):
        np.exp(np.array([1000.0]))  # overflows: a RuntimeWarning, harmless here
        return 1 / (1 + np.exp(-z))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cells.check_sigmoid(noisy_sigmoid)
    assert not caught, f"a warning escaped the check: {caught[0].message}"


def test_failure_messages_name_the_equation_and_not_the_answer(reference, answer_sources):
    student = _variant(reference, answer_sources["backward_propagation"], "dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(dZ1, X.T)",
                       "backward_propagation")
    with pytest.raises(HiddenTestFailure) as failure:
        cells.check_backward_propagation(student)
    message = str(failure.value)
    assert "dW1 = (1/m)·dZ1·Xᵀ" in message
    assert "[" not in message, "the message must not print arrays"


def test_value_tolerance_separates_float32_from_a_real_mistake():
    """check_sigmoid passes a sigmoid computed in float32 (relative error ~1e-7) and fails one whose
    exponent is 1% off (mistakes differ by 1e-2 or more); seen to fail with VALUE_RTOL = 1e-9."""
    def in_float32(z):
        return (1 / (1 + np.exp(-np.asarray(z, dtype=np.float32)))).astype(np.float32)

    def one_percent_off(z):
        return 1 / (1 + np.exp(-1.01 * np.asarray(z)))

    cells.check_sigmoid(in_float32)
    with pytest.raises(HiddenTestFailure):
        cells.check_sigmoid(one_percent_off)


def _loop_unseen(A2, Y):
    """compute_cost with a loop over the examples, line tracing off while it loops and back on after."""
    import sys

    counter = sys.gettrace()
    sys.settrace(None)
    cost = 0.0
    for i in range(Y.shape[1]):
        cost -= (Y[0, i] * np.log(A2[0, i]) + (1 - Y[0, i]) * np.log(1 - A2[0, i])) / Y.shape[1]
    sys.settrace(counter)
    return float(cost)


def test_a_loop_hidden_from_the_line_counter_fails_the_vectorization_test():
    import sys

    with pytest.raises(HiddenTestFailure, match="sys.settrace"):
        cells.check_compute_cost(_loop_unseen)
    assert type(sys.settrace).__name__ == "builtin_function_or_method"  # put back after the test
    assert type(sys.setprofile).__name__ == "builtin_function_or_method"
    assert count_lines(lambda: sum(range(3))) == 1  # and counting works as before
