"""One submission in the clean room: its imports and definitions in a fresh process, the hidden
checks here, cell by cell."""

from __future__ import annotations

import ast
import contextlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import nbformat
import numpy as np

from backprop_hw import notebooks, paths
from backprop_hw.checks import answer_key, messages
from backprop_hw.grading import limits, repair, sandbox, scan
from backprop_hw.grading.clean_room.process import StudentError, StudentFunction, StudentProcess, printable
from backprop_hw.grading.clean_room.report import CellAudit, FileAudit

AUDIT_SEED = 0  # each file starts from the same random state: the audit of a file never depends on the one before


@dataclass
class HiddenTest:
    """One graded test cell: what it checks and with which hidden check."""

    grade_id: str
    points: float
    function: str
    check: str


def hidden_tests(assignment: str = paths.ASSIGNMENT) -> list[HiddenTest]:
    """The assignment's graded test cells in order, each with the check its hidden tests call."""
    source = notebooks.read(paths.source_notebook(assignment))
    functions, checks = notebooks.cell_functions(source), notebooks.cell_checks(source)
    return [HiddenTest(c.grade_id, c.points, functions[c.grade_id], checks[c.grade_id])
            for c in notebooks.graded_cells(source)]


def student_code(nb: nbformat.NotebookNode) -> tuple[list[dict], dict[str, list[str]], list[str]]:
    """The imports and function definitions of every code cell that is not a test cell.

    Returns the pieces to run in order ({"source", "filename"}), where each function is
    defined ({name: ["cell 12", ...]}), and the cells that could not be read as Python.
    """
    pieces, defined, unreadable = [], {}, []
    for number, cell in enumerate(nb.cells, start=1):
        meta = notebooks.nbgrader_meta(cell)
        if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        try:
            tree = ast.parse(scan.python_of(cell.source))
        except (SyntaxError, ValueError) as error:
            unreadable.append(f"cell {number}: {type(error).__name__}: {error}")
            continue
        kept = [node for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef))]
        if not kept:
            continue
        for node in kept:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defined.setdefault(node.name, []).append(f"cell {number}")
        pieces.append({"source": ast.unparse(ast.Module(body=kept, type_ignores=[])), "filename": f"<cell {number}>"})
    return pieces, defined, unreadable


def clean_room(file: Path, assignment: str = paths.ASSIGNMENT, timeout: float = limits.CELL_TIMEOUT,
               memory_mb: int = limits.MEMORY_LIMIT_MB, wall_time: float = limits.WALL_TIME, policy: sandbox.Policy = sandbox.Policy()) -> FileAudit:
    """Grade file's function definitions in a fresh process, the checks in this one."""
    source_folder = str(paths.SOURCE_DIR / assignment)
    if source_folder not in sys.path:
        sys.path.insert(0, source_folder)  # the checks' flower data comes from planar_utils, as in the kernel
    result = FileAudit(str(file), "audited")
    np.random.seed(AUDIT_SEED)
    try:
        with _language_of(assignment):
            return _clean_room(file, assignment, timeout, memory_mb, wall_time, policy, result)
    except Exception as error:  # noqa: BLE001  (one file's failure is that file's result, never the batch's)
        return FileAudit(str(file), "audit failed", printable(f"{type(error).__name__}: {error}"))


@contextlib.contextmanager
def _language_of(assignment: str) -> Iterator[None]:
    """The checks speak the edition's language, as in its kernel (which runs in a folder named *_uk)."""
    saved = os.environ.get(messages.ENVIRONMENT_VARIABLE)
    os.environ[messages.ENVIRONMENT_VARIABLE] = messages.folder_language(assignment)
    try:
        yield
    finally:
        if saved is None:
            del os.environ[messages.ENVIRONMENT_VARIABLE]
        else:
            os.environ[messages.ENVIRONMENT_VARIABLE] = saved


def _clean_room(file: Path, assignment: str, timeout: float, memory_mb: int, wall_time: float,
                policy: sandbox.Policy, result: FileAudit) -> FileAudit:
    from backprop_hw import checks

    try:
        nb = nbformat.read(str(file), as_version=4)
    except Exception as error:  # noqa: BLE001  (any unreadable file is that file's result)
        return FileAudit(str(file), "unreadable", f"{type(error).__name__}: {error}")
    result.notes += [f"repaired: {note}" for note in repair.repair(nb, notebooks.read(paths.release_notebook(assignment)))]
    code, defined, unreadable = student_code(nb)
    result.notes += [f"not Python, left out: {text}" for text in unreadable]
    cells = hidden_tests(assignment)
    with tempfile.TemporaryDirectory(prefix="backprop-audit-") as workdir:
        shutil.copy(paths.SOURCE_DIR / assignment / "planar_utils.py", workdir)
        process = StudentProcess(code, sorted(answer_key.GRADED_FUNCTIONS), Path(workdir), timeout, memory_mb,
                                 wall_time, policy)
        try:
            for cell in cells:
                message = ""
                try:
                    getattr(checks, cell.check)(StudentFunction(process, cell.function))
                except StudentError as error:  # raised in, or ended, the student's process
                    message = str(error)
                except Exception as error:  # noqa: BLE001  (any failure fails the cell, as in the notebook)
                    message = f"{type(error).__name__}: {error}"
                result.cells.append(CellAudit(cell.grade_id, cell.function, cell.points, None,
                                              0.0 if message else cell.points, message,
                                              defined.get(cell.function, [])))
                if process.load_errors:  # once, though a restarted process reports them again
                    result.notes += [note for e in process.load_errors
                                     if (note := f"clean room could not run {e}") not in result.notes]
                    process.load_errors = []
        finally:
            process.close()
    result.clean_room_score = sum(c.clean_room_points for c in result.cells)
    result.max_score = sum(c.max_points for c in result.cells)
    return result
