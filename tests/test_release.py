"""release/ is what nbgrader generates from source/, and nothing secret reaches students."""

from __future__ import annotations

import html
import json
import re

import pytest

from backprop_hw import notebooks, paths
from backprop_hw.demo import DEMO_SAMPLES


def _region_lines(nb, begin: str, end: str) -> tuple[set[str], set[str]]:
    """(stripped lines inside begin/end regions, stripped lines outside them) over all cells."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_region = False
        for line in cell.source.splitlines():
            if begin in line:
                in_region = True
            elif end in line:
                in_region = False
            elif line.strip():
                (inside if in_region else outside).add(line.strip())
    return inside, outside


def secret_lines(nb) -> dict[str, set[str]]:
    """Lines that occur only inside solution or only inside hidden-test regions of the source."""
    solution, not_solution = _region_lines(nb, "### BEGIN SOLUTION", "### END SOLUTION")
    hidden, not_hidden = _region_lines(nb, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    return {"solution": solution - not_solution, "hidden test": hidden - not_hidden}


def test_committed_release_is_what_nbgrader_generates(harness):
    demo_course = harness.courses[0]
    for generated in sorted((demo_course.root / "release" / paths.ASSIGNMENT).iterdir()):
        committed = paths.RELEASE_DIR / paths.ASSIGNMENT / generated.name
        assert committed.is_file(), f"{committed} is missing: run `backprop-hw release`"
        if generated.suffix == ".ipynb":
            same = json.loads(committed.read_text()) == json.loads(generated.read_text())
        else:
            same = committed.read_bytes() == generated.read_bytes()
        assert same, f"{committed} is out of date with source/: run `backprop-hw release` and commit"
    committed_names = {f.name for f in (paths.RELEASE_DIR / paths.ASSIGNMENT).iterdir()}
    generated_names = {f.name for f in (demo_course.root / "release" / paths.ASSIGNMENT).iterdir()}
    assert committed_names == generated_names


def test_secret_lines_are_found(source_nb):
    secrets = secret_lines(source_nb)
    assert "return 1 / (1 + np.exp(-z))" in secrets["solution"]
    assert 'isolate("sigmoid")' in secrets["hidden test"]
    assert len(secrets["solution"]) > 60 and len(secrets["hidden test"]) > 30


@pytest.mark.parametrize("path", sorted(p for p in (paths.RELEASE_DIR).rglob("*") if p.is_file()), ids=str)
def test_no_solution_or_hidden_test_in_released_files(path):
    source_nb = notebooks.read(paths.source_notebook(path.relative_to(paths.RELEASE_DIR).parts[0]))
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "backprop_hw"):
        assert marker not in text, f"{path} contains {marker!r}"
    if path.suffix == ".ipynb":
        text = "\n".join(cell.source for cell in notebooks.read(path).cells)
    lines = {line.strip() for line in text.splitlines()}
    for kind, secret in secret_lines(source_nb).items():
        leaked = sorted(secret & lines)
        assert not leaked, f"{path} contains {kind} code: {leaked[:3]}"


def test_release_notebook_has_no_outputs_and_every_answer_stubbed():
    nb = notebooks.read(paths.release_notebook())
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
    for grade_id, cell in notebooks.solution_cells(nb).items():
        assert "raise NotImplementedError()" in cell.source, grade_id


def _feedback_text(harness, student: str) -> str:
    course = harness.course_of[student]
    page = (course.root / "feedback" / student / paths.ASSIGNMENT / "backprop.html").read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("sample", DEMO_SAMPLES, ids=lambda s: s.student_id)
def test_feedback_shows_failures_but_no_hidden_test_code(harness, source_nb, sample):
    text = _feedback_text(harness, sample.student_id)
    lines = {line.strip() for line in text.splitlines()}
    hidden = secret_lines(source_nb)["hidden test"]
    assert not hidden & lines, f"hidden test code in feedback: {sorted(hidden & lines)[:3]}"
    assert "BEGIN HIDDEN TESTS" not in text
    if sample.student_id == "backward-dW1-no-1-over-m":
        # the hidden tests' messages reach the student: the call in words, what is wrong, the equation
        assert "HiddenTestFailure: backward_propagation(parameters with n_x=" in text
        assert "dW1 disagrees with the numerical gradient of the cost J" in text and "dW1 = (1/m)·dZ1·Xᵀ" in text
        assert "dW1 should be the mean over the m examples" in text
