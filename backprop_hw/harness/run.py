"""Run the harness: every catalogue entry and every mutant, graded by real `nbgrader autograde`.

The submissions are shared out between two courses so that their two autograde
runs go side by side, one per core; each course is graded by one autograde
run, and every submission still gets a fresh kernel.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from backprop_hw import demo, notebooks, paths
from backprop_hw.course import Course
from backprop_hw.harness import catalogue, mutation
from backprop_hw.notebooks import GradedCell
from backprop_hw.samples import Sample



@dataclass
class HarnessResult:
    cells: list[GradedCell]
    cell_functions: dict[str, str]  # test cell grade_id -> the function it grades
    courses: list[Course]
    course_of: dict[str, Course]  # student id -> the course that graded it
    scores: dict[str, dict[str, float]]  # student id -> grade_id -> score (catalogue and mutant notebooks)
    penalties: dict[str, float]
    graded_mutants: list[mutation.Mutant]
    equivalent_mutants: list[mutation.Mutant]
    packing: dict[str, str]  # mutant name -> the notebook (student id) holding it
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def points(self) -> dict[str, float]:
        return {cell.grade_id: cell.points for cell in self.cells}

    def lost_cells(self, student: str) -> set[str]:
        by_cell = self.scores[student]
        return {grade_id for grade_id, points in self.points.items() if (by_cell.get(grade_id) or 0.0) < points}

    def total(self, student: str) -> float:
        return sum(self.scores[student].get(grade_id) or 0.0 for grade_id in self.points)

    def own_cells(self, function: str) -> set[str]:
        return {cell for cell, owner in self.cell_functions.items() if owner == function}

    def functions_charged(self, student: str) -> set[str]:
        return {self.cell_functions[cell] for cell in self.lost_cells(student)}

    def verdict(self, sample: Sample) -> str:
        """'ok', or what is wrong with how the grader treated this catalogue entry."""
        lost = self.lost_cells(sample.student_id)
        if sample.kind in ("reference", "variant"):
            return "ok" if not lost else f"lost points in {sorted(lost)}"
        if sample.kind == "untouched":
            return "ok" if lost == set(self.points) else f"earned points in {sorted(set(self.points) - lost)}"
        missed = sample.fails - lost
        outside = lost - self.own_cells(sample.function)
        too_strict = sample.keeps & lost
        if missed:
            return f"not caught by {sorted(missed)}"
        if outside:
            return f"also cost points outside {sample.function}: {sorted(outside)}"
        if too_strict:  # right on the lecture's network: those cells' points are its own
            return f"wrong beyond the lecture's network only, but lost {sorted(too_strict)}"
        return "ok"

    def killed(self, mutant: mutation.Mutant) -> bool:
        return bool(self.lost_cells(self.packing[mutant.name]) & self.own_cells(mutant.function))

    def survivors(self) -> list[mutation.Mutant]:
        return [m for m in self.graded_mutants if not self.killed(m)]

    def mutation_scores(self) -> dict[str, tuple[int, int]]:
        """function -> (killed, graded), in notebook order."""
        table: dict[str, tuple[int, int]] = {}
        for mutant in self.graded_mutants:
            killed, graded = table.get(mutant.function, (0, 0))
            table[mutant.function] = (killed + self.killed(mutant), graded + 1)
        return table


class HarnessError(RuntimeError):
    """The harness itself went wrong: its verdicts would mean nothing."""


def _was_graded(course: Course | None, student: str, scores: dict[str, dict[str, float]]) -> bool:
    """The gradebook has scores for the submission and its autograded notebook exists."""
    if course is None or not any(score is not None for score in scores.get(student, {}).values()):
        return False
    return (course.root / "autograded" / student / paths.ASSIGNMENT / paths.NOTEBOOK).is_file()


def share_out(samples: list[Sample], ways: int = 2) -> list[list[Sample]]:
    """Split samples into `ways` groups of about equal grading time (each takes about as long)."""
    return [samples[start::ways] for start in range(ways)]


def analyse(work_dir: Path, progress=print) -> HarnessResult:
    """Build and grade the catalogue and the mutants under work_dir; everything the report and tests need."""
    started = time.perf_counter()
    source = notebooks.read(paths.source_notebook())
    release = notebooks.read(paths.release_notebook())
    reference = notebooks.answer_namespace(source, filename="reference")

    mutants = mutation.all_mutants(source)
    equivalent = [m for m in mutants if mutation.is_equivalent(m, reference)]
    graded = [m for m in mutants if m not in equivalent]
    packed = mutation.mutant_notebooks(graded, notebooks.reference_submission(source, release))
    progress(f"{len(mutants)} mutants: {len(equivalent)} equivalent, {len(graded)} graded in {len(packed)} notebooks")
    packing = {m.name: name for name, _, chosen in packed for m in chosen}
    mutant_samples = [Sample(name, f"{len(chosen)} mutants", prebuilt=nb, kind="mutants") for name, nb, chosen in packed]

    groups = share_out(list(catalogue.ALL) + mutant_samples)
    demo_students = {s.student_id for s in demo.DEMO_SAMPLES}
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        runs = [pool.submit(demo.build, work_dir / f"course-{index + 1}", tuple(group), progress,
                            tuple(s.student_id for s in group if s.student_id in demo_students))
                for index, group in enumerate(groups)]
        courses = [run.result() for run in runs]

    scores, penalties, course_of = {}, {}, {}
    for course in courses:
        course_scores = course.cell_scores()
        scores.update(course_scores)
        penalties.update(course.late_penalties())
        course_of.update({student: course for student in course_scores})
    ungraded = [sample.student_id for sample in list(catalogue.ALL) + mutant_samples
                if not _was_graded(course_of.get(sample.student_id), sample.student_id, scores)]
    if ungraded:  # a submission nbgrader never graded proves nothing: say so instead of counting its cells as lost
        raise HarnessError(f"nbgrader did not grade {len(ungraded)} harness submissions: {', '.join(sorted(ungraded))}")
    result = HarnessResult(
        cells=notebooks.graded_cells(source),
        cell_functions=notebooks.cell_functions(source),
        courses=courses,
        course_of=course_of,
        scores=scores,
        penalties=penalties,
        graded_mutants=graded,
        equivalent_mutants=equivalent,
        packing=packing,
    )
    result.seconds["total"] = time.perf_counter() - started
    return result
