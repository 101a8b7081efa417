"""Real `nbgrader autograde` on the demo's submissions: scores, gradebook, grades CSV."""

from __future__ import annotations

import csv

import pytest

from backprop_hw import notebooks, paths
from backprop_hw.samples import DEMO_SAMPLES


@pytest.fixture(scope="module")
def graded_cells():
    return notebooks.graded_cells(notebooks.read(paths.release_notebook()))


@pytest.mark.parametrize("sample", DEMO_SAMPLES, ids=lambda s: s.student_id)
def test_each_sample_loses_exactly_the_points_of_its_mistakes(demo_course, graded_cells, sample):
    scores = demo_course.cell_scores()[sample.student_id]
    for cell in graded_cells:
        should_fail = "*" in sample.fails or cell.grade_id in sample.fails
        expected = 0.0 if should_fail else cell.points
        assert scores[cell.grade_id] == expected, f"{sample.student_id}: {cell.grade_id}"


def test_reference_earns_100_and_untouched_release_0_in_grades_csv(demo_course):
    with open(demo_course.root / "grades.csv") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file)}
    assert float(rows["reference"]["score"]) == 100.0
    assert float(rows["untouched"]["score"]) == 0.0
    assert float(rows["reference"]["max_score"]) == 100.0
    assert float(rows["forgot-1-over-m"]["score"]) == 80.0


def test_every_submission_is_autograded_with_its_timestamp(demo_course):
    from nbgrader.api import Gradebook

    with Gradebook(demo_course.gradebook_url) as gradebook:
        for sample in DEMO_SAMPLES:
            submission = gradebook.find_submission(paths.ASSIGNMENT, sample.student_id)
            written = (demo_course.root / "submitted" / sample.student_id / paths.ASSIGNMENT / "timestamp.txt").read_text()
            assert submission.timestamp.strftime("%Y-%m-%d %H:%M:%S") == written[:19]
            autograded = demo_course.root / "autograded" / sample.student_id / paths.ASSIGNMENT / paths.NOTEBOOK
            assert autograded.is_file()


def test_reference_notebook_reproduces_the_spec_figures(demo_course):
    """Logistic regression about 47%, the network about 90% (n_h = 4, 10,000 iterations, rate 1.2)."""
    nb = notebooks.read(demo_course.root / "autograded" / "reference" / paths.ASSIGNMENT / paths.NOTEBOOK)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Logistic regression: 47% of the training points right" in printed
    assert "Training accuracy: 91%" in printed
    assert "from zeros: hidden units identical: True, accuracy 50%" in printed
    errors = [c.id for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"cells failed in the reference: {errors}"
