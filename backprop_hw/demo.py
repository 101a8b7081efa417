"""`backprop-hw demo`: the whole instructor workflow on sample submissions, with real nbgrader.

release → sample submissions → nbgrader autograde (sqlite gradebook) → feedback → grades CSV → table.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from backprop_hw import notebooks, paths, results
from backprop_hw.course import Course
from backprop_hw.harness import catalogue
from backprop_hw.samples import LATE, REFERENCE, UNTOUCHED, Sample

DEMO_SAMPLES = (REFERENCE, UNTOUCHED, LATE, catalogue.by_id("backward-dW1-no-1-over-m"),
                catalogue.by_id("one-example-sigmoid-for-tanh"))


def build(course_dir: Path, samples: tuple[Sample, ...] = DEMO_SAMPLES, progress=print,
          feedback_for: tuple[str, ...] | None = None, assignment: str = paths.ASSIGNMENT,
          parallel_jobs: int = 0) -> Course:
    """Create the course, release the assignment, submit, autograde, give feedback, export.

    Feedback goes to every student, or to those in `feedback_for` only. With parallel_jobs,
    `backprop-hw autograde --jobs N` grades instead of `nbgrader autograde`.
    """
    started = time.perf_counter()
    step = lambda text: progress(f"[{time.perf_counter() - started:5.1f} s] {text}")  # noqa: E731

    step(f"Creating the course in {course_dir} (recreated on every run)")
    course = Course.create(course_dir, assignments=(assignment,))
    step(f"nbgrader generate_assignment {assignment}")
    course.generate_assignment(assignment)

    source = notebooks.read(course.root / "source" / assignment / paths.NOTEBOOK)
    release = notebooks.read(course.root / "release" / assignment / paths.NOTEBOOK)
    due = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=3)
    step(f"Due date {due:%Y-%m-%d %H:%M} UTC; submitting {len(samples)} notebooks: "
         + ", ".join(s.student_id for s in samples))
    course.set_due_date(due, assignment)
    course.add_students([sample.student_id for sample in samples])
    for index, sample in enumerate(samples):
        on_time = due - timedelta(minutes=10 * (index + 1))
        course.submit(sample.student_id, sample.notebook(source, release), assignment,
                      timestamp=due + timedelta(hours=sample.late_hours) if sample.late_hours else on_time)

    if parallel_jobs:
        from backprop_hw.grading import autograde

        step(f"backprop-hw autograde {assignment} --jobs {parallel_jobs}: {len(samples)} submissions")
        autograde.run(course.root, assignment, jobs=parallel_jobs, force=True, progress=False, log_level="ERROR")
    else:
        step(f"nbgrader autograde {assignment}: {len(samples)} submissions, each in a fresh kernel")
        course.autograde(assignment)
    if feedback_for is None:
        step(f"nbgrader generate_feedback {assignment}")
        course.generate_feedback(assignment)
    else:
        for student in feedback_for:
            step(f"nbgrader generate_feedback {assignment} --student={student}")
            course.generate_feedback(assignment, student=student)
    step("nbgrader export --to grades.csv")
    course.export(course.root / "grades.csv")
    step("done")
    return course


def summary(course: Course, assignment: str = paths.ASSIGNMENT) -> str:
    cells = notebooks.graded_cells(notebooks.read(course.root / "release" / assignment / paths.NOTEBOOK))
    scores = course.cell_scores(assignment)
    lines = ["", results.score_table(cells, scores, course.late_penalties(assignment)), ""]
    lines.append("Failed cells:")
    for student in sorted(scores):
        autograded = course.root / "autograded" / student / assignment / paths.NOTEBOOK
        failures = results.failure_messages(autograded)
        if len(failures) == len(cells) and (raised := results.common_exception(list(failures.values()))):
            lines.append(f"  {student}: every graded cell: the function raised {raised}")
            continue
        for grade_id, message in failures.items():
            lines.append(f"  {student}: {grade_id}")
            lines += results.readable(message)
    lines += [
        "",
        f"Autograded notebooks: {course.root / 'autograded'}",
        f"Feedback (HTML):      {course.root / 'feedback'}",
        f"Grades (CSV):         {course.root / 'grades.csv'}",
        f"Gradebook (sqlite):   {course.root / 'gradebook.db'}",
        f"nbgrader's log:       {course.log_file}",
    ]
    return "\n".join(lines)


def main(course_dir: Path, assignment: str = paths.ASSIGNMENT) -> int:
    paths.check_repository()
    course = build(course_dir, assignment=assignment)
    print(summary(course, assignment))
    return 0
