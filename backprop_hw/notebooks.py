"""Reading nbgrader notebooks and making submissions from them."""

from __future__ import annotations

import copy
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


ISOLATE_CALL = re.compile(r'isolate\("(\w+)"\)')
HIDDEN_CHECK_CALL = re.compile(r"^\s*(check_\w+)\(\w+\)", flags=re.MULTILINE)


def cell_functions(source: NotebookNode) -> dict[str, str]:
    """{test cell grade_id: the graded function it tests}, read off each cell's isolate("...") call."""
    return _read_off_test_cells(source, ISOLATE_CALL)


def cell_checks(source: NotebookNode) -> dict[str, str]:
    """{test cell grade_id: the hidden check it calls (check_...)}, read off the cell's first check call."""
    return _read_off_test_cells(source, HIDDEN_CHECK_CALL)


def _read_off_test_cells(source: NotebookNode, pattern: re.Pattern) -> dict[str, str]:
    found = {}
    for cell in source.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution") and (match := pattern.search(cell.source)):
            found[meta["grade_id"]] = match.group(1)
    return found


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


def answer_namespace(nb: NotebookNode, filename: str = "answers.py") -> dict:
    """Execute the answer cells of nb (in order, after `import numpy as np`) outside a kernel
    and return the namespace holding the functions they define."""
    namespace: dict = {}
    exec("import numpy as np", namespace)
    for grade_id, cell in solution_cells(nb).items():
        exec(compile(cell.source, f"{filename}:{grade_id}", "exec"), namespace)
    return namespace
