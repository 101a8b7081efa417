"""Sample submissions: the reference, the untouched release, and reference copies with one mistake."""

from __future__ import annotations

from dataclasses import dataclass

from nbformat import NotebookNode

from backprop_hw import notebooks


@dataclass(frozen=True)
class Sample:
    student_id: str
    description: str
    # (answer cell grade_id, text in the reference answer, what the student wrote instead)
    changes: tuple[tuple[str, str, str], ...] = ()
    untouched: bool = False  # the release as handed out
    fails: frozenset[str] = frozenset()  # the graded cells it must fail; all others must pass

    def notebook(self, source: NotebookNode, release: NotebookNode) -> NotebookNode:
        if self.untouched:
            return release
        nb = notebooks.reference_submission(source, release)
        for grade_id, old, new in self.changes:
            nb = notebooks.with_change(nb, grade_id, old, new)
        return nb


DEMO_SAMPLES = (
    Sample("reference", "every answer from the reference solution"),
    Sample("untouched", "the release as handed out, nothing filled in", untouched=True,
           fails=frozenset({"*"})),
    Sample("forgot-1-over-m", "backward_propagation: dW1 without the 1/m",
           changes=(("backward_propagation", "dW1 = np.dot(dZ1, X.T) / m", "dW1 = np.dot(dZ1, X.T)"),),
           fails=frozenset({"test_backward_propagation", "test_backward_propagation_vectorized"})),
    Sample("sigmoid-for-tanh", "backward_propagation_one_example: σ′ where tanh′ belongs in dz1",
           changes=(("backward_propagation_one_example", "(1 - np.power(a1, 2))", 'sigmoid_derivative(cache["Z1"])'),),
           fails=frozenset({"test_backward_propagation_one_example"})),
)
