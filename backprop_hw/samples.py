"""Submissions made from the source and the release: the reference, the untouched release, and changed copies."""

from __future__ import annotations

from dataclasses import dataclass

from nbformat import NotebookNode

from backprop_hw import notebooks


@dataclass(frozen=True, eq=False)
class Sample:
    student_id: str
    description: str
    # (answer cell grade_id, text in the reference answer, what the student wrote instead)
    changes: tuple[tuple[str, str, str], ...] = ()
    untouched: bool = False  # the release as handed out
    fails: frozenset[str] = frozenset()  # graded cells it must fail ("*": all)
    keeps: frozenset[str] = frozenset()  # graded cells of its function it must pass (right on the lecture's network)
    kind: str = "reference"  # "reference", "untouched", "mistake" or "variant"
    function: str = ""  # for a mistake: the graded function that holds it
    prebuilt: NotebookNode | None = None  # a notebook made elsewhere (e.g. packed mutants)
    late_hours: float = 0.0  # submitted this long after the due date
    # A loop over the examples in forward or backward propagation: the notebook's training cells are cut
    # to a few iterations (notebooks.with_short_training), as a student may do, or each would run into
    # the per-cell timeout (10,000 iterations of a loop over 400 examples). No graded cell trains.
    loops_over_examples: bool = False

    def notebook(self, source: NotebookNode, release: NotebookNode) -> NotebookNode:
        if self.prebuilt is not None:
            return self.prebuilt
        if self.untouched:
            return release
        nb = notebooks.reference_submission(source, release)
        for grade_id, old, new in self.changes:
            nb = notebooks.with_change(nb, grade_id, old, new)
        return notebooks.with_short_training(nb) if self.loops_over_examples else nb


REFERENCE = Sample("reference", "every answer from the reference solution")
UNTOUCHED = Sample("untouched", "the release as handed out, nothing filled in", untouched=True,
                   fails=frozenset({"*"}), kind="untouched")
LATE = Sample("late-reference", "the reference solution, submitted 36 hours after the due date", late_hours=36)
