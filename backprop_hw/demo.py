"""`backprop-hw demo`: the whole instructor workflow on sample submissions, with real nbgrader.

release → sample submissions → nbgrader autograde (sqlite gradebook) → feedback → grades CSV → table.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from backprop_hw import notebooks, paths, report
from backprop_hw.course import Course
from backprop_hw.samples import DEMO_SAMPLES, Sample


def build(course_dir: Path, samples: tuple[Sample, ...] = DEMO_SAMPLES, say=print) -> Course:
    """Create the course, release the assignment, submit, autograde, give feedback, export."""
    started = time.perf_counter()
    step = lambda text: say(f"[{time.perf_counter() - started:5.1f} s] {text}")  # noqa: E731

    step(f"Creating the course in {course_dir} (recreated on every run)")
    course = Course.create(course_dir)
    step("nbgrader generate_assignment backprop")
    course.generate_assignment()

    source = notebooks.read(course.root / "source" / paths.ASSIGNMENT / paths.NOTEBOOK)
    release = notebooks.read(course.release_notebook)
    deadline = datetime.now(timezone.utc).replace(microsecond=0)
    step(f"Submitting {len(samples)} sample notebooks ({', '.join(s.student_id for s in samples)})")
    for index, sample in enumerate(samples):
        course.add_student(sample.student_id, first_name=sample.student_id)
        course.submit(sample.student_id, sample.notebook(source, release),
                      timestamp=deadline - timedelta(minutes=10 * (index + 1)))

    step(f"nbgrader autograde backprop: {len(samples)} submissions, each in a fresh kernel")
    course.autograde()
    step("nbgrader generate_feedback backprop")
    course.generate_feedback()
    step("nbgrader export --to grades.csv")
    course.export(course.root / "grades.csv")
    step("done")
    return course


def summary(course: Course) -> str:
    cells = notebooks.graded_cells(notebooks.read(course.release_notebook))
    scores = course.cell_scores()
    lines = ["", report.score_table(cells, scores), ""]
    for student in sorted(scores):
        autograded = course.root / "autograded" / student / paths.ASSIGNMENT / paths.NOTEBOOK
        for grade_id, message in report.failure_messages(autograded).items():
            lines.append(f"{student}: {grade_id}: {message[:160]}")
    lines += [
        "",
        f"Autograded notebooks: {course.root / 'autograded'}",
        f"Feedback (HTML):      {course.root / 'feedback'}",
        f"Grades (CSV):         {course.root / 'grades.csv'}",
        f"Gradebook (sqlite):   {course.root / 'gradebook.db'}",
        f"nbgrader's log:       {course.log_file}",
    ]
    return "\n".join(lines)


def main(course_dir: Path) -> int:
    paths.check_repository()
    course = build(course_dir)
    print(summary(course))
    return 0
