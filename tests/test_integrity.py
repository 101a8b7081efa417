"""Hostile, damaged and foreign-edited submissions: each scores exactly what its code deserves, through
plain `nbgrader autograde` with this course's configuration and through `backprop-hw autograde`.

The hidden tests run in the grader, so tampering inside the kernel cannot raise a score: every case of
`hostile.CASES` scores its honest base (the same notebook without the tampering), but the one that
detects the grader, which is flagged. Links handed in, in submitted/ or through the exchange, are
never followed: a link to source/ is graded as missing.
"""

from __future__ import annotations

import copy
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from backprop_hw import notebooks, paths
from backprop_hw.course import Course, NbgraderError
from backprop_hw.grading import autograde, grade, repair, scan
from backprop_hw.harness import catalogue, hostile
from exchange import instructor_course, student_command

CASES = {case.name: case for case in hostile.CASES}
NBGRADER, OURS = "nbgrader autograde", "backprop-hw autograde"
HONEST = "honest"


@pytest.fixture(scope="module")
def built():
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    return source, release, notebooks.reference_submission(source, release)


def _cases_course(root: Path, reference) -> Course:
    course = Course.create(root)
    course.generate_assignment()
    for case in hostile.CASES:
        course.submit(case.name, case.build(reference))
    course.submit(HONEST, reference)
    _submit_links(course, reference)
    return course


@pytest.fixture(scope="module")
def cases_graded(built, tmp_path_factory):
    """Every case, the links handed in and an honest reference beside them, in one course per grader,
    graded side by side: {grader: (course, {student: total}, {student: notes of backprop-hw})}."""
    _, _, reference = built
    courses = {tool: _cases_course(tmp_path_factory.mktemp(tool.split()[0]) / "course", reference)
               for tool in (NBGRADER, OURS)}

    def plain() -> None:
        try:
            courses[NBGRADER].autograde()
        except NbgraderError:  # nbgrader exits 1 when any submission failed; the assertions say which
            pass

    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(plain)
        converter = autograde.run(courses[OURS].root, paths.ASSIGNMENT, jobs=2, force=True, progress=False)
        running.result()
    graded = {}
    for tool, course in courses.items():
        totals = {student: sum(v or 0 for v in cells.values()) for student, cells in course.cell_scores().items()}
        notes = ({s: [f"refused: {n}" for n in converter.refusals.get(s, [])] +
                  [f"repaired: {n}" for n in converter.repairs.get(s, [])] for s in totals} if tool == OURS else {})
        graded[tool] = (course, totals, notes)
    return graded


@pytest.mark.parametrize("tool", [NBGRADER, OURS])
@pytest.mark.parametrize("name", list(CASES))
def test_each_case_scores_what_its_code_deserves(cases_graded, tool, name):
    case = CASES[name]
    course, totals, _ = cases_graded[tool]
    assert name in totals, f"{tool} did not grade {name}"
    if case.may_score_above:  # right when graded: more is possible, never less, and it is flagged
        assert totals[name] >= case.deserved
    else:
        assert totals[name] == case.deserved, _failures(course, name)


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if case.flag])
def test_each_case_that_must_be_read_is_flagged(cases_graded, name):
    """What a student did to the notebook's structure is named (repaired: ...), and so is code that
    tampers (suspicious: ..., from the scan of the submitted notebook), for an instructor to read."""
    course, _, notes = cases_graded[OURS]
    submitted = course.root / "submitted" / name / paths.ASSIGNMENT / paths.NOTEBOOK
    flags = notes[name] + [f"suspicious: {flag}" for flag in scan.scan_file(submitted)]
    assert any(CASES[name].flag in flag for flag in flags), flags


@pytest.mark.parametrize("tool", [NBGRADER, OURS])
def test_the_honest_submission_beside_them_is_graded_normally(cases_graded, tool):
    course, totals, notes = cases_graded[tool]
    assert totals[HONEST] == 100
    assert notes.get(HONEST, []) == [] and scan.scan_file(course.root / "submitted" / HONEST / paths.ASSIGNMENT
                                                          / paths.NOTEBOOK) == []


def test_plain_nbgrader_repairs_damaged_metadata_and_says_so(cases_graded):
    """`nbgrader autograde` itself, configured by nbgrader_config.py: a copied test cell no longer stops
    the run, stripped metadata is restored (the scores above), and its log says so."""
    course, _, _ = cases_graded[NBGRADER]
    assert "repaired nbgrader metadata" in course.log_file.read_text()


def _failures(course: Course, student: str) -> dict[str, str]:
    from backprop_hw import results

    path = course.root / "autograded" / student / paths.ASSIGNMENT / paths.NOTEBOOK
    return {cell: message[:200] for cell, message in results.failure_messages(path).items()} if path.is_file() else {}


# -- links: never followed ---------------------------------------------------------------------------------

def _submit_links(course: Course, reference) -> None:
    """A notebook that is a link to the course's source notebook, a submission folder that is a link
    to source/, and an honest reference beside them with a link to the source notebook under another name."""
    solution = course.root / "source" / paths.ASSIGNMENT / paths.NOTEBOOK
    course.submit("linked-notebook", reference)
    linked = course.root / "submitted" / "linked-notebook" / paths.ASSIGNMENT / paths.NOTEBOOK
    linked.unlink()
    linked.symlink_to(solution)
    course.submit("linked-folder", reference)
    folder = course.root / "submitted" / "linked-folder" / paths.ASSIGNMENT
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()
    folder.symlink_to(solution.parent, target_is_directory=True)
    course.submit("honest-with-a-link", reference)
    (course.root / "submitted" / "honest-with-a-link" / paths.ASSIGNMENT / "solution.txt").symlink_to(solution)


@pytest.mark.parametrize("tool", [NBGRADER, OURS])
def test_a_link_handed_in_is_graded_as_missing(cases_graded, tool):
    """A link to source/ in submitted/ (the notebook, or the submission folder itself): 0, where nbgrader
    alone grades it 100; a link beside an honest notebook is left out of autograded/ and costs nothing."""
    course, totals, notes = cases_graded[tool]
    assert totals.get("linked-notebook") == 0 and totals.get("linked-folder", 0) == 0
    assert totals["honest-with-a-link"] == 100
    autograded = course.root / "autograded" / "honest-with-a-link" / paths.ASSIGNMENT
    assert not os.path.lexists(autograded / "solution.txt")
    if tool == OURS:
        assert "symbolic link" in " ".join(notes["linked-notebook"])
        assert "solution.txt is a symbolic link" in " ".join(notes["honest-with-a-link"])
    else:
        assert "links are never followed" in course.log_file.read_text()


@pytest.fixture(scope="module")
def exchange_collected(built, tmp_path_factory):
    """A student with a shell on a shared hub replaces their submitted notebook in the exchange's
    inbound folder by a link to source/; the instructor collects and autogrades: (course, collected folder)."""
    source, release, _ = built
    folder = tmp_path_factory.mktemp("exchange")
    course, exchange = instructor_course(folder)
    course.generate_assignment()
    course.nbgrader("release_assignment", paths.ASSIGNMENT, "--force")
    home = folder / "home"
    home.mkdir()
    student_command(home, exchange, "fetch_assignment", paths.ASSIGNMENT)
    student_command(home, exchange, "submit", paths.ASSIGNMENT)
    [inbound] = (exchange / "backprop-course" / "inbound").iterdir()
    (inbound / paths.NOTEBOOK).unlink()
    (inbound / paths.NOTEBOOK).symlink_to(course.root / "source" / paths.ASSIGNMENT / paths.NOTEBOOK)
    course.nbgrader("collect", paths.ASSIGNMENT)
    [collected] = (course.root / "submitted").iterdir()
    try:
        course.autograde()
    except NbgraderError:
        pass
    return course, collected


def test_a_link_planted_in_the_exchange_is_not_collected(exchange_collected):
    """`nbgrader collect` leaves the link behind and collects an empty notebook in its place, which is
    graded as missing (nbgrader alone collects the solution: 100)."""
    course, collected = exchange_collected
    notebook = collected / paths.ASSIGNMENT / paths.NOTEBOOK
    assert not notebook.is_symlink() and notebooks.read(notebook).cells == []
    assert "Not collected" in course.log_file.read_text()
    assert {student: sum(v or 0 for v in cells.values()) for student, cells in course.cell_scores().items()} == \
           {collected.name: 0}


def test_grade_refuses_a_link(built, tmp_path):
    _, _, reference = built
    nbformat.write(reference, str(tmp_path / "real.ipynb"))
    (tmp_path / "linked.ipynb").symlink_to(paths.source_notebook())
    [result] = grade.grade([tmp_path / "linked.ipynb"], use_cache=False, progress=False)
    assert result.status == "unreadable" and "symbolic link" in result.message


# -- metadata ------------------------------------------------------------------------------------------------

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
