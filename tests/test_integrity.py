"""Hostile, damaged and foreign-edited submissions: each ends well, through `backprop-hw grade`
and through plain `nbgrader autograde` with this course's configuration.

"Ends well": the score the code deserves (metadata repaired, and flagged as repaired),
or, where the tests in the kernel cannot see the tampering, a flag that names it.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from backprop_hw import notebooks, paths
from backprop_hw.course import Course
from backprop_hw.grading import grade, repair, scan
from backprop_hw.grading.clean_room import pool, report
from backprop_hw.harness import catalogue, hostile

CASES = {case.name: case for case in hostile.CASES}


@pytest.fixture(scope="module")
def built():
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    return source, release, notebooks.reference_submission(source, release)


@pytest.fixture(scope="module")
def cases_graded(built, tmp_path_factory):
    """Every case, plus an honest reference beside them, graded in one `backprop-hw grade` run."""
    _, _, reference = built
    folder = tmp_path_factory.mktemp("hostile-cases")
    for case in hostile.CASES:
        nbformat.write(case.build(reference), str(folder / f"{case.name}.ipynb"))
    nbformat.write(reference, str(folder / "honest.ipynb"))
    results = grade.grade(sorted(folder.glob("*.ipynb")), use_cache=False, progress=False)
    return {r.file.split("/")[-1].removesuffix(".ipynb"): r for r in results}


@pytest.mark.parametrize("name", list(CASES))
def test_each_case_gets_what_the_code_deserves_or_a_flag(cases_graded, name):
    case, result = CASES[name], cases_graded[name]
    assert result.status == "graded", result.message
    if case.flag:
        assert any(case.flag in flag for flag in result.flags), result.flags
    if not case.may_score_above:
        assert result.score == case.deserved, [(c.grade_id, c.points, c.message) for c in result.cells if not c.passed]


@pytest.fixture(scope="module")
def cases_audited(cases_graded):
    """The same files in the clean room (`backprop-hw audit`), beside their notebook grades."""
    names = sorted(cases_graded)
    files = [Path(cases_graded[name].file) for name in names]
    results = report.merge(pool.clean_rooms(files, progress=False), [cases_graded[name] for name in names])
    return dict(zip(names, results))


@pytest.mark.parametrize("name", list(CASES))
def test_the_clean_room_gives_each_case_what_its_code_deserves(cases_audited, name):
    """Also where the kernel's tests were fooled: then the audit names the cell that differs."""
    case, result = CASES[name], cases_audited[name]
    assert result.clean_room_score == case.deserved, [(c.grade_id, c.message) for c in result.cells if c.message]
    if result.notebook_score != case.deserved:
        assert result.differences, "a notebook grade the code does not deserve, and no difference reported"
    for cell in result.differences:
        assert cell.defined_in, cell  # where the function is, for the instructor to read


def test_the_clean_room_reports_the_tampering_the_kernel_missed(cases_audited):
    fooled = {name for name, result in cases_audited.items() if result.differences}
    assert fooled == {"numpy-patched", "tampering-as-a-test-cell", "detects-grader", "imports-the-grader"}
    assert cases_audited["honest"].clean_room_score == 100 and not cases_audited["honest"].differences


def test_the_honest_submission_beside_them_is_graded_normally(cases_graded):
    assert cases_graded["honest"].score == 100 and cases_graded["honest"].flags == []


def test_repair_leaves_whole_notebooks_untouched(built):
    """No note, no change: the reference, the untouched release and a mistake keep their cells."""
    source, release, reference = built
    for nb in (reference, release, catalogue.ALL[5].notebook(source, release)):
        before = copy.deepcopy(nb)
        assert repair.repair(nb, release) == []
        assert nb == before


def test_the_scan_flags_no_honest_submission(built):
    """No false alarms: the reference, every correct variant and every catalogued mistake pass the scan;
    the functions that kill their own kernel are flagged."""
    source, release, _ = built
    flagged = {s.student_id: scan.scan(s.notebook(source, release)) for s in catalogue.ALL}
    crashes = {s.student_id for s in catalogue.CRASHES}
    assert {student: flags for student, flags in flagged.items() if flags and student not in crashes} == {}
    assert all(flagged[student] for student in crashes)


def test_plain_nbgrader_autograde_with_the_course_config_repairs_too(built, tmp_path):
    """`nbgrader autograde` itself, configured by nbgrader_config.py: a copied test cell no longer
    stops the run, stripped metadata is restored, and the honest submission is graded as always."""
    _, _, reference = built
    course = Course.create(tmp_path / "course")
    course.generate_assignment()
    chosen = ["test-cell-duplicated", "metadata-stripped", "grade-id-changed", "test-cell-deleted"]
    course.add_students(chosen + ["honest"])
    for name in chosen:
        course.submit(name, CASES[name].build(reference))
    course.submit("honest", reference)
    course.autograde()
    scores = {student: sum(v or 0 for v in cells.values()) for student, cells in course.cell_scores().items()}
    assert scores == {name: CASES[name].deserved for name in chosen} | {"honest": 100}
    assert "repaired nbgrader metadata" in course.log_file.read_text()


def test_broken_nbgrader_metadata_never_crashes_the_readers(built):
    """nbgrader metadata that is not a dict (a string, a list): the pre-checks, the scan and the
    repair handle it; the repair drops it and says so."""
    _, release, reference = built
    nb = copy.deepcopy(reference)
    nb.cells[3].metadata["nbgrader"] = "broken"
    nb.cells[4].metadata["nbgrader"] = ["also", "broken"]
    assert grade._unreadable_reason(nbformat.writes(nb).encode()) is None
    scan.scan(nb)
    notes = repair.repair(nb, release)
    assert "a cell with empty or broken nbgrader metadata lost it" in notes
