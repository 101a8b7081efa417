"""The source notebook: clean, valid nbgrader metadata, the spec's parts, points and API."""

from __future__ import annotations

import inspect

from nbgrader.nbgraderformat import MetadataValidator

from backprop_hw import checks, notebooks

SPEC_POINTS = {"A": 15, "B": 10, "C": 5, "D": 20, "E": 25, "F": 10, "G": 15}

# The spec's API table: names, argument order and defaults.
SPEC_SIGNATURES = {
    "sigmoid": "(z)",
    "logistic_loss": "(a, y)",
    "logistic_backward": "(x, y, a)",
    "sigmoid_derivative": "(z)",
    "tanh_derivative": "(z)",
    "relu_derivative": "(z)",
    "layer_sizes": "(X, Y)",
    "backprop_shapes": "(n_x, n_h, n_y, m)",
    "forward_propagation": "(X, parameters)",
    "backward_propagation_one_example": "(parameters, cache, x, y)",
    "compute_cost": "(A2, Y)",
    "backward_propagation": "(parameters, cache, X, Y)",
    "gradient_check": "(parameters, X, Y, backward=<function backward_propagation>, epsilon=1e-07)",
    "initialize_parameters": "(n_x, n_h, n_y)",
    "update_parameters": "(parameters, grads, learning_rate=1.2)",
    "nn_model": "(X, Y, n_h, num_iterations=10000, print_cost=False)",
    "predict": "(parameters, X)",
}


def test_no_outputs_and_valid_nbgrader_metadata(source_nb):
    for cell in source_nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, cell.id
    MetadataValidator().validate_nb(source_nb)


def test_points_per_part_follow_the_spec(source_nb):
    cells = notebooks.graded_cells(source_nb)
    per_part: dict[str, float] = {}
    for cell in cells:
        per_part[cell.part] = per_part.get(cell.part, 0) + cell.points
    assert per_part == SPEC_POINTS
    assert len({c.grade_id for c in cells}) == len(cells)


def test_every_graded_function_has_an_answer_cell_and_a_test_cell_with_hidden_tests(source_nb):
    answers = notebooks.solution_cells(source_nb)
    assert set(answers) == set(SPEC_SIGNATURES)
    tests = {notebooks.nbgrader_meta(c)["grade_id"]: c for c in source_nb.cells
             if notebooks.nbgrader_meta(c).get("grade") and not notebooks.nbgrader_meta(c).get("solution")}
    for function in SPEC_SIGNATURES:
        test_cell = tests[f"test_{function}"]
        hidden = notebooks.hidden_test(test_cell.source)
        assert hidden == notebooks.HiddenTest(f"check_{function}", function, hidden.visible), \
            "the hidden block names the check of the function the cell grades, and that function"
        assert callable(getattr(checks, hidden.check, None))
        assert test_cell.source.startswith('"""'), "each test cell starts with a docstring saying what it checks"
        assert "### BEGIN SOLUTION" in answers[function].source


def test_reference_follows_the_spec_api(reference):
    for name, signature in SPEC_SIGNATURES.items():
        shown = str(inspect.signature(reference[name]))
        shown = shown.replace(f"<function backward_propagation at {hex(id(reference['backward_propagation']))}>",
                              "<function backward_propagation>")
        assert shown == signature, name
