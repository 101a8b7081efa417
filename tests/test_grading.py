"""The instructor pipeline with real nbgrader: students, due date, timestamps, autograde, late penalty, export."""

from __future__ import annotations

import csv

import pytest

from backprop_hw import notebooks, paths, results
from backprop_hw.demo import DEMO_SAMPLES


def _csv_rows(harness, student: str) -> dict:
    course = harness.course_of[student]
    with open(course.root / "grades.csv") as file:
        return {row["student_id"]: row for row in csv.DictReader(file)}[student]


@pytest.mark.parametrize("sample", DEMO_SAMPLES, ids=lambda s: s.student_id)
def test_demo_samples_lose_exactly_the_points_of_their_mistakes(harness, sample):
    assert harness.verdict(sample) == "ok"


def test_grades_csv_has_the_expected_scores(harness):
    assert float(_csv_rows(harness, "reference")["score"]) == 100.0
    assert float(_csv_rows(harness, "reference")["max_score"]) == 100.0
    assert float(_csv_rows(harness, "untouched")["score"]) == 0.0
    assert float(_csv_rows(harness, "backward-dW1-no-1-over-m")["score"]) == 80.0
    assert float(_csv_rows(harness, "one-example-sigmoid-for-tanh")["score"]) == 88.0


def test_a_late_submission_gets_the_configured_penalty(harness):
    """36 hours late = 2 started days at 10 points a day (nbgrader_config.py)."""
    row = _csv_rows(harness, "late-reference")
    assert float(row["raw_score"]) == 100.0
    assert float(row["late_submission_penalty"]) == 20.0
    assert float(row["score"]) == 80.0
    assert float(_csv_rows(harness, "reference")["late_submission_penalty"]) == 0.0


def test_every_submission_is_autograded_with_its_timestamp_and_student(harness):
    from nbgrader.api import Gradebook

    for sample in DEMO_SAMPLES:
        course = harness.course_of[sample.student_id]
        with Gradebook(course.gradebook_url) as gradebook:
            submission = gradebook.find_submission(paths.ASSIGNMENT, sample.student_id)
            assert submission.student.first_name == sample.student_id  # added by `nbgrader db student import`
            written = (course.root / "submitted" / sample.student_id / paths.ASSIGNMENT / "timestamp.txt").read_text()
            assert submission.timestamp.strftime("%Y-%m-%d %H:%M:%S") == written[:19]
            assert (submission.total_seconds_late > 0) == (sample.late_hours > 0)
        assert (course.root / "autograded" / sample.student_id / paths.ASSIGNMENT / paths.NOTEBOOK).is_file()


def test_reference_notebook_reproduces_the_spec_figures(harness):
    """Logistic regression about 47%, the network about 90% (n_h = 4, 10,000 iterations, rate 1.2)."""
    course = harness.course_of["reference"]
    nb = notebooks.read(course.root / "autograded" / "reference" / paths.ASSIGNMENT / paths.NOTEBOOK)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Logistic regression: 47% of the training points right" in printed
    assert "Training accuracy: 91%" in printed
    assert "from all zeros: hidden units identical: True, accuracy 50%" in printed
    errors = [c.id for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"cells failed in the reference: {errors}"


def test_failure_messages_reach_the_instructor(harness):
    course = harness.course_of["backward-dW1-no-1-over-m"]
    messages = results.failure_messages(
        course.root / "autograded" / "backward-dW1-no-1-over-m" / paths.ASSIGNMENT / paths.NOTEBOOK)
    assert set(messages) == {"test_backward_propagation", "test_backward_propagation_general",
                             "test_backward_propagation_vectorized"}
    message = messages["test_backward_propagation"]
    assert message.startswith("HiddenTestFailure: backward_propagation(parameters with n_x=")  # the input in words
    assert "dW1 = (1/m)·dZ1·Xᵀ" in message  # and the equation to look at


def _late_penalty_plugin():
    """LatePenaltyPerDay as the course's nbgrader_config.py configures it (10 points a day)."""
    from traitlets.config.loader import PyFileConfigLoader

    from backprop_hw.nbgrader_plugins import LatePenaltyPerDay

    config = PyFileConfigLoader(paths.COURSE_CONFIG.name, path=str(paths.COURSE_CONFIG.parent)).load_config()
    return LatePenaltyPerDay(config=config)


DAY = 86400


@pytest.mark.parametrize("seconds_late, score, penalty", [
    (0, 100.0, None), (-60, 100.0, None),  # on time: no penalty at all
    (1, 100.0, 10.0), (DAY, 100.0, 10.0),  # the first started day, to its last second
    (DAY + 1, 100.0, 20.0), (36 * 3600, 100.0, 20.0),  # one second into the second day
    (9 * DAY + 1, 100.0, 100.0), (30 * DAY, 100.0, 100.0),  # never more than the score...
    (3 * DAY, 15.0, 15.0), (2 * DAY, 0.0, 0.0),  # ...whatever the score is
])
def test_late_penalty_counts_started_days_and_never_exceeds_the_score(seconds_late, score, penalty):
    """Fails with round() or floor() for ceil() (1 s or 1 day + 1 s late) and without the min() cap."""
    assert _late_penalty_plugin().late_submission_penalty("s", score, seconds_late) == penalty


def test_late_penalty_of_zero_points_a_day_takes_nothing():
    plugin = _late_penalty_plugin()
    plugin.points_per_day = 0.0  # what nbgrader_config.py says to set for no penalty
    assert plugin.late_submission_penalty("s", 100.0, 5 * DAY) == 0.0


def test_a_failure_is_printed_whole_and_an_untouched_notebook_in_one_line():
    """grade's table and the demo's summary print each message whole (wrapped, without the exception's
    name, which tells a student nothing), and every cell failing on one raised exception as one line."""
    message = ("HiddenTestFailure: forward_propagation(X of shape (3, 4), parameters with n_x=3, n_h=6, n_y=2) "
               "raised AssertionError at `assert(A2.shape == (1, X.shape[1]))` (line 14 of your cell). " * 2)
    lines = results.readable(message)
    assert len(lines) > 2 and all(len(line) <= 106 and line.startswith("      ") for line in lines)
    assert " ".join(line.strip() for line in lines) == message.removeprefix("HiddenTestFailure: ").strip()
    stubs = ["HiddenTestFailure: sigmoid(z=0) raised NotImplementedError at `raise NotImplementedError()`",
             "HiddenTestFailure: predict(parameters with n_x=2, n_h=5, n_y=1, X of shape (2, 30)) raised "
             "NotImplementedError at `raise NotImplementedError()`"]
    assert results.common_exception(stubs) == "NotImplementedError"
    assert results.common_exception(stubs + ["HiddenTestFailure: predict(...): predict is wrong"]) is None
