"""The hidden checks themselves, outside a kernel: right answers pass, typical mistakes fail."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from backprop_hw import notebooks, paths
from backprop_hw import checks
from backprop_hw.checks import answer_key
from backprop_hw.checks.numerical import numerical_gradient, relative_difference
from backprop_hw.checks.calling import HiddenTestFailure
from backprop_hw.inside.line_count import count_lines
from backprop_hw.checks.problems import random_problem
from backprop_hw.checks.tolerances import GRADIENT_RTOL, NUMERICAL_STEP
from backprop_hw.harness import catalogue
from backprop_hw.inside import kernel_end

CHECKS = {
    name.removeprefix("check_"): getattr(checks, name) for name in dir(checks) if name.startswith("check_")
}


def _function_under(check_name: str) -> str:
    return check_name.removesuffix("_vectorized").removesuffix("_general")


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


@pytest.fixture(scope="module")
def release_nb():
    return notebooks.read(paths.release_notebook())


def _namespace(sample, source_nb, release_nb) -> dict:
    """The functions of the sample's notebook (built as the harness builds it), outside a kernel."""
    return notebooks.answer_namespace(sample.notebook(source_nb, release_nb), filename=sample.student_id)


@pytest.mark.parametrize("sample", catalogue.MISTAKES, ids=lambda sample: sample.student_id)
def test_each_catalogued_mistake_fails_its_checks(source_nb, release_nb, sample, capsys):
    """Each mistake of the catalogue fails the checks of the cells it must fail, and passes those of
    its function it must keep, here in a second (the harness proves the same through nbgrader, in
    the full tier). Fails when a check stops catching a catalogued mistake."""
    namespace = _namespace(sample, source_nb, release_nb)
    for cell in sorted(sample.fails):
        check = cell.removeprefix("test_")
        with pytest.raises(HiddenTestFailure):
            CHECKS[check](namespace.get(_function_under(check)))
    for cell in sorted(sample.keeps):
        check = cell.removeprefix("test_")
        CHECKS[check](namespace[_function_under(check)])


@pytest.mark.parametrize("sample", catalogue.VARIANTS, ids=lambda sample: sample.student_id)
def test_each_catalogued_variant_passes_every_check(source_nb, release_nb, sample, capsys):
    """Each correct variant of the catalogue passes every check. Fails when a check rejects a
    correct way of writing a function."""
    namespace = _namespace(sample, source_nb, release_nb)
    for check in sorted(CHECKS):
        CHECKS[check](namespace[_function_under(check)])


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
    checks.check_backward_propagation(namespace["backward_propagation"])  # right values: full marks here
    with pytest.raises(HiddenTestFailure, match="loop over the examples"):
        checks.check_backward_propagation_vectorized(namespace["backward_propagation"])


def test_stand_ins_replace_other_graded_functions_and_restore_them():
    namespace = {"np": np}
    exec("def sigmoid(z):\n    return 0 * z\n\ndef forward(X):\n    return sigmoid(X)\n", namespace)
    broken_sigmoid = namespace["sigmoid"]
    reply = kernel_end.run_call(namespace["forward"], (np.zeros(1),), {}, {"sigmoid": answer_key.sigmoid})
    assert reply["value"][0] == pytest.approx(0.5)
    assert namespace["sigmoid"] is broken_sigmoid


def test_a_harmless_warning_does_not_fail_a_check():
    def noisy_sigmoid(z):
        np.exp(np.array([1000.0]))  # overflows: a RuntimeWarning, harmless here
        return 1 / (1 + np.exp(-z))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checks.check_sigmoid(noisy_sigmoid)
    assert not caught, f"a warning escaped the check: {caught[0].message}"


def test_failure_messages_name_the_equation_and_not_the_answer(reference, answer_sources):
    student = _variant(reference, answer_sources["backward_propagation"], "dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(dZ1, X.T)",
                       "backward_propagation")
    with pytest.raises(HiddenTestFailure) as failure:
        checks.check_backward_propagation(student)
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

    checks.check_sigmoid(in_float32)
    with pytest.raises(HiddenTestFailure):
        checks.check_sigmoid(one_percent_off)


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
        checks.check_compute_cost(_loop_unseen)
    assert type(sys.settrace).__name__ == "builtin_function_or_method"  # put back after the test
    assert type(sys.setprofile).__name__ == "builtin_function_or_method"
    assert count_lines(lambda: sum(range(3))) == 1  # and counting works as before


TEMPLATE_FORWARD = '''
def forward_propagation(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    assert(A2.shape == (1, X.shape[1]))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
'''


def _defined_in_a_file(source: str, name: str, folder) -> object:
    """A student's function whose source lines can be read back, as those of a notebook cell can."""
    path = folder / "cell.py"
    path.write_text(source)
    namespace = {"np": np}
    exec(compile(source, str(path), "exec"), namespace)
    return namespace[name]


def test_the_template_assert_keeps_the_lecture_cell_and_says_why_it_fails_the_general_one(tmp_path):
    """The original template's `assert(A2.shape == (1, m))` is right on the lecture's network (one output):
    check_forward_propagation passes it; check_forward_propagation_general fails it with a message naming
    the function, the input in words, the exception, the student's line and where the notebook asks for
    two outputs. Fails if call() lets the student's exception through (a bare AssertionError)."""
    forward = _defined_in_a_file(TEMPLATE_FORWARD, "forward_propagation", tmp_path)
    checks.check_forward_propagation(forward)
    with pytest.raises(HiddenTestFailure) as failure:
        checks.check_forward_propagation_general(forward)
    message = str(failure.value)
    assert message.startswith("forward_propagation(X of shape (")
    assert "n_y=2) raised AssertionError at `assert(A2.shape == (1, X.shape[1]))` (line 7 of your cell)." in message
    assert "beyond the lecture's network" in message and "the docstring of forward_propagation asks" in message


def test_a_raising_function_is_named_with_its_input_in_ukrainian(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_HW_LANGUAGE", "uk")
    forward = _defined_in_a_file(TEMPLATE_FORWARD.replace("+ parameters[\"b1\"]", "+ b1"), "forward_propagation", tmp_path)
    with pytest.raises(HiddenTestFailure) as failure:
        checks.check_forward_propagation(forward)
    message = str(failure.value)
    assert message.startswith("forward_propagation(X розміру (")
    assert "завершилася винятком NameError: name 'b1' is not defined у `Z1 = np.dot(" in message


@pytest.mark.parametrize("function, old, new", [
    ("forward_propagation", "    cache = {", "    assert(A2.shape == (1, X.shape[1]))\n    cache = {"),
    ("backward_propagation_one_example", "np.dot(W2.T, dz2) * (1", "W2.T * dz2 * (1"),
    ("backward_propagation", "np.dot(W2.T, dZ2) * (1", "W2.T * dZ2 * (1"),
])
def test_code_right_for_one_output_passes_the_lecture_check_and_fails_the_general_one(
        reference, answer_sources, function, old, new):
    student = _variant(reference, answer_sources[function], old, new, function)
    CHECKS[function](student)
    with pytest.raises(HiddenTestFailure, match="beyond the lecture's network"):
        CHECKS[function + "_general"](student)


def test_every_failure_names_the_call_that_showed_it(reference, answer_sources):
    """Wrong values, not an exception: the message still starts with the call and its input in words."""
    student = _variant(reference, answer_sources["predict"], "(A2 > 0.5)", "(A2 > 0)", "predict")
    with pytest.raises(HiddenTestFailure) as failure:
        checks.check_predict(student)
    assert str(failure.value).startswith("predict(parameters with n_x=2, n_h=5, n_y=1, X of shape (2, 30)): ")


def test_every_graded_function_has_its_checks_probes_and_mistakes_in_one_part():
    """Each graded function of the answer key belongs to exactly one part, which holds its check_*,
    its probes and at least one mistake; no message key is both the harness's and a part's."""
    from backprop_hw.checks import parts
    from backprop_hw.checks.messages import MESSAGES

    owner = {}
    for part in parts.PARTS:
        for function in part.PROBES:
            assert function not in owner, f"{function} is in {owner.get(function)} and {part.__name__}"
            owner[function] = part
    assert set(owner) == set(answer_key.GRADED_FUNCTIONS)
    for function, part in owner.items():
        assert f"check_{function}" in part.__all__, f"{part.__name__} has no check_{function}"
        assert any(m.function == function for m in part.MISTAKES), f"no mistake of {function} in {part.__name__}"
        assert all(m.function in part.PROBES for m in part.MISTAKES), f"{part.__name__} lists another part's mistake"
    assert not set(MESSAGES) & set(parts.MESSAGES)
