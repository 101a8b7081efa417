"""Reading nbgrader notebooks and making submissions from them."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
PART_HEADING = re.compile(r"^##\s+(?:Part|Частина)\s+([A-Z])\b", re.MULTILINE)  # English and Ukrainian editions


@dataclass(frozen=True)
class GradedCell:
    grade_id: str
    points: float
    part: str  # the letter of the "## Part X." heading above the cell


def read(path: Path) -> NotebookNode:
    return nbformat.read(str(path), as_version=4)


def write(nb: NotebookNode, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def nbgrader_meta(cell: NotebookNode) -> dict:
    """A cell's nbgrader metadata; {} when it has none, or when it is broken (a string, a list)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def graded_cells(nb: NotebookNode) -> list[GradedCell]:
    """The autograded test cells in notebook order, each with its points and part."""
    cells, part = [], "?"
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (heading := PART_HEADING.search(cell.source)):
            part = heading.group(1)
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            cells.append(GradedCell(meta["grade_id"], float(meta["points"]), part))
    return cells


HIDDEN_BLOCK = re.compile(r"^[ \t]*#+[ \t]*BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*#+[ \t]*END HIDDEN TESTS[ \t]*(?:\n|$)",
                          flags=re.MULTILINE | re.DOTALL)
HIDDEN_CHECK = re.compile(r"\s*(check_\w+)\((\w+)\)\s*")


class CourseError(ValueError):
    """The course's own notebook is wrong (a hidden block the grader cannot read): not a student's fault."""


@dataclass(frozen=True)
class HiddenTest:
    """What a graded test cell's hidden block says: which check the grader runs, on which function."""

    check: str  # the name of a backprop_hw.checks function, e.g. check_sigmoid
    function: str  # the graded function it is given, e.g. sigmoid
    visible: str  # the cell without its hidden block: what the kernel runs


def hidden_test(source: str) -> HiddenTest | None:
    """The hidden test of a cell's source, or None for a cell without a hidden block.

    The block holds one line, `check_<name>(<function>)`: the grader, not the kernel, runs that
    check (backprop_hw/checks) on the student's function. Anything else in it is an error of the
    course's notebook (CourseError), never run anywhere."""
    found = HIDDEN_BLOCK.search(source)
    if found is None:
        return None
    call = HIDDEN_CHECK.fullmatch(found.group(1))
    if call is None:
        raise CourseError(f"a hidden block must hold one line `check_<name>(<function>)`, not {found.group(1)!r}")
    return HiddenTest(call.group(1), call.group(2), source[:found.start()] + source[found.end():])


def cell_functions(source: NotebookNode) -> dict[str, str]:
    """{test cell grade_id: the graded function it tests}, read off each cell's hidden block."""
    return {grade_id: test.function for grade_id, test in _hidden_tests(source).items()}


def cell_checks(source: NotebookNode) -> dict[str, str]:
    """{test cell grade_id: the hidden check the grader runs for it (check_...)}."""
    return {grade_id: test.check for grade_id, test in _hidden_tests(source).items()}


def _hidden_tests(source: NotebookNode) -> dict[str, HiddenTest]:
    found = {}
    for cell in source.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution") and (test := hidden_test(cell.source)) is not None:
            found[meta["grade_id"]] = test
    return found


@functools.lru_cache(maxsize=4096)
def python_of(source: str) -> str:
    """A cell as the kernel runs it: IPython syntax (magics, !shell, x?) turned into Python calls.
    (Kept for the cells read again: the scan and each loop test read the same cells.)"""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def solution_cells(nb: NotebookNode) -> dict[str, NotebookNode]:
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("solution")}


def reference_submission(source: NotebookNode, release: NotebookNode) -> NotebookNode:
    """The release notebook as a perfect student would hand it in: every answer cell holds
    the reference solution (without the nbgrader markers), everything else as released."""
    answers = solution_cells(source)
    nb = copy.deepcopy(release)
    for grade_id, cell in solution_cells(nb).items():
        lines = answers[grade_id].source.splitlines()
        cell.source = "\n".join(line for line in lines if not SOLUTION_MARKER.match(line))
    return nb


def with_change(nb: NotebookNode, grade_id: str, old: str, new: str) -> NotebookNode:
    """A copy of nb whose answer cell grade_id has `old` replaced by `new` (which must occur)."""
    changed = copy.deepcopy(nb)
    cell = solution_cells(changed)[grade_id]
    if old not in cell.source:
        raise ValueError(f"{old!r} does not occur in the answer cell {grade_id!r}")
    cell.source = cell.source.replace(old, new)
    return changed


SHORT_TRAINING = 20  # iterations


def with_short_training(nb: NotebookNode, iterations: int = SHORT_TRAINING) -> NotebookNode:
    """A copy of nb whose ungraded code cells (the training and plots at the end) train for
    `iterations` steps: `num_iterations=10000` becomes `num_iterations=20`. Graded cells keep theirs
    (nbgrader restores test cells from the gradebook anyway)."""
    changed = copy.deepcopy(nb)
    for cell in changed.cells:
        if cell.cell_type == "code" and not nbgrader_meta(cell):
            cell.source = re.sub(r"\bnum_iterations=\d+", f"num_iterations={iterations}", cell.source)
    return changed


def answer_namespace(nb: NotebookNode, filename: str = "answers.py") -> dict:
    """Execute the answer cells of nb (in order, after `import numpy as np`) outside a kernel
    and return the namespace holding the functions they define."""
    namespace: dict = {}
    exec("import numpy as np", namespace)
    for grade_id, cell in solution_cells(nb).items():
        exec(compile(cell.source, f"{filename}:{grade_id}", "exec"), namespace)
    return namespace
