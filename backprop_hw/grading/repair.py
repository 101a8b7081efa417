"""Restore the nbgrader metadata a front end or a student damaged, by matching cells to the release.

Some editors drop cell metadata, students copy cells (and their grade_id) or
edit a grade_id, and nbgrader then ignores the cells (every test scores 0),
refuses the notebook, or stops the whole run. Before nbgrader sees a
submission, each graded or locked cell of the release that the submission
lacks is matched to a cell of the submission, and given the release's metadata:

1. the cell with the same cell id (nbformat 4.5 ids survive most editors);
2. else a cell with the very same source (test cells are read-only);
3. else, for an answer cell, the cell that defines the same function.

Duplicates keep their last occurrence, as nbgrader does, and the others lose
their nbgrader metadata; a grade_id the release does not know is removed.
A submission whose metadata is whole is not touched at all. Every repair is
noted, so the result is flagged rather than silently changed; nbgrader then
restores the test code itself from its gradebook, as always.
"""

from __future__ import annotations

import copy
import functools
import os
import re

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from backprop_hw.notebooks import nbgrader_meta

def _function_name(source: str) -> str | None:
    found = re.search(r"^def\s+(\w+)\s*\(", source, flags=re.MULTILINE)
    return found.group(1) if found else None


def repair(submission: NotebookNode, release: NotebookNode) -> list[str]:
    """Give submission's cells the release's nbgrader metadata where it is missing or wrong
    (in place); return one note per repair, empty when nothing needed repair."""
    expected = {nbgrader_meta(c)["grade_id"]: c for c in release.cells if nbgrader_meta(c).get("grade_id")}
    notes: list[str] = []

    # keep the last cell of each known grade_id (as nbgrader's DeduplicateIds does); clear the rest
    last_index: dict[str, int] = {}
    for index, cell in enumerate(submission.cells):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in expected:
            last_index[grade_id] = index
    for index, cell in enumerate(submission.cells):
        if "nbgrader" not in cell.get("metadata", {}):
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in expected and last_index[grade_id] == index:
            continue
        del cell.metadata["nbgrader"]
        if grade_id in expected:
            notes.append(f"a second copy of cell {grade_id} is graded no more")
        elif grade_id:
            notes.append(f"grade_id {grade_id!r} is not in the release: its nbgrader metadata was removed")
        else:
            notes.append("a cell with empty or broken nbgrader metadata lost it")

    claimed = set(last_index.values())
    for grade_id, original in expected.items():
        if grade_id in last_index:
            continue
        free = [(i, c) for i, c in enumerate(submission.cells) if i not in claimed and "nbgrader" not in c.metadata]
        match = next(((i, c) for i, c in free if original.get("id") and c.get("id") == original.get("id")), None)
        how = "cell id"
        if match is None:
            match = next(((i, c) for i, c in free if c.source.strip() == original.source.strip()), None)
            how = "same source"
        if match is None and nbgrader_meta(original).get("solution") and _function_name(original.source):
            name = _function_name(original.source)
            match = next(((i, c) for i, c in free if c.cell_type == "code" and _function_name(c.source) == name), None)
            how = f"defines {name}"
        if match is None:
            continue
        index, cell = match
        cell.metadata["nbgrader"] = copy.deepcopy(original.metadata["nbgrader"])
        claimed.add(index)
        notes.append(f"restored the metadata of {grade_id} ({how})")

    if not claimed:
        return notes + ["found none of the release's graded cells (another assignment's notebook?)"]
    notes += _restore_test_cells(submission, release, expected)
    return notes


def _restore_test_cells(submission: NotebookNode, release: NotebookNode, expected: dict) -> list[str]:
    """Put each test cell where the release has it, after the cell it follows there: a deleted
    one comes back (nbgrader then restores its hidden tests), one moved above the code it tests
    goes back below it. Answer cells are never moved or added."""
    notes = []
    order = [nbgrader_meta(c)["grade_id"] for c in release.cells if nbgrader_meta(c).get("grade_id")]
    for position, grade_id in enumerate(order):
        original = expected[grade_id]
        if not nbgrader_meta(original).get("grade") or nbgrader_meta(original).get("solution") or position == 0:
            continue
        where = {nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(submission.cells) if nbgrader_meta(c).get("grade_id")}
        before = next((g for g in reversed(order[:position]) if g in where), None)
        if before is None:
            continue
        if grade_id not in where:
            submission.cells.insert(where[before] + 1, copy.deepcopy(original))
            notes.append(f"test cell {grade_id} was missing: put back after {before}")
        elif where[grade_id] < where[before]:
            cell = submission.cells.pop(where[grade_id])
            where = {nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(submission.cells) if nbgrader_meta(c).get("grade_id")}
            submission.cells.insert(where[before] + 1, cell)
            notes.append(f"test cell {grade_id} was moved above {before}: put back after it")
    return notes


@functools.lru_cache(maxsize=8)
def _read_release(path: str, mtime_ns: int) -> NotebookNode:
    """The release notebook, read once per run (and again if it changes)."""
    return nbformat.read(path, as_version=4)


class RepairMetadata(Preprocessor):
    """First step of the sanitizing pass: `repair` against the course's release notebook."""

    enabled = Bool(True)  # nbconvert's preprocessors are off unless enabled

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources.get("nbgrader", {})
        converter = getattr(self.parent, "parent", None)
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is None or "assignment" not in info:
            return nb, resources
        release = os.path.join(coursedir.root, coursedir.release_directory, info["assignment"], info["notebook"] + ".ipynb")
        if not os.path.isfile(release):
            return nb, resources
        notes = repair(nb, copy.deepcopy(_read_release(release, os.stat(release).st_mtime_ns)))
        if notes:
            if isinstance(getattr(converter, "repairs", None), dict):  # `backprop-hw autograde` reports them
                converter.repairs[info["student"]] = notes
            self.log.warning("%s: repaired nbgrader metadata: %s", info["student"], "; ".join(notes))
        return nb, resources
