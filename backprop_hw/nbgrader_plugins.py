"""nbgrader preprocessors this course adds (configured in nbgrader_config.py)."""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Float, Unicode


class HideHiddenTestTracebacks(NbGraderPreprocessor):
    """Reduce the error output of cells with hidden tests to the failure message.

    nbgrader's feedback keeps each cell's outputs, and a traceback quotes the
    cell's source lines, hidden tests included. Run before ClearHiddenTests:
    the student still reads "HiddenTestFailure: dW1 has shape ... check the
    transpose in dW1 = dz1·xᵀ", but no line of hidden test code.
    """

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and self.begin_test_delimeter in cell.source:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    message = f"{output.ename}: {output.evalue}" if output.evalue else output.ename
                    output.traceback = [message, "(Details are not shown: this cell holds hidden tests.)"]
        return cell, resources


class NoResultsInTestCells(NbGraderPreprocessor):
    """Drop the execute_result outputs of graded test cells before nbgrader scores them.

    nbgrader reads a number in a test cell's execute_result as partial credit, and it takes
    the first such output ahead of any error: a student's function that calls
    `sys.displayhook(4)` while it is tested (or a callback it registers around every cell)
    would publish one and keep the points of a test that fails (seen: a sigmoid returning 0
    scored 4/4). This course's test cells end with a print and never produce a result of
    their own, and it gives no partial credit: a test cell scores by its errors and stderr.
    Runs right after execution (nbgrader_config.py), in both graders.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            cell.outputs = [output for output in cell.get("outputs", []) if output.output_type != "execute_result"]
        return cell, resources


class LatePenaltyPerDay(LateSubmissionPlugin):
    """Deduct `points_per_day` for every started day past the due date, never more than the score.

    Configured in nbgrader_config.py; nbgrader records the penalty per notebook
    and `nbgrader export` shows it in the late_submission_penalty column.
    """

    points_per_day = Float(10.0, help="Points deducted per started day late.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        if total_seconds_late <= 0:
            return None
        days = math.ceil(total_seconds_late / 86400)
        return min(score, days * self.points_per_day)
