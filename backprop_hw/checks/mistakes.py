"""How a part of the checks names the mistakes it must catch: plain data.

Each part (checks/parts/) lists its own; harness/catalogue.py turns every one into
a graded submission (the reference with the change) and says which cells it must
fail. Nothing here imports nbformat: the kernel imports the parts.
"""

from __future__ import annotations

from dataclasses import dataclass

# `old` of a change that replaces the function's whole reference body (between the solution
# markers), e.g. with a loop over the examples; harness/catalogue.py reads that body from the notebook.
WHOLE_BODY = None


@dataclass(frozen=True)
class Mistake:
    student_id: str
    function: str  # the graded function whose answer cell holds the mistake
    description: str
    changes: tuple[tuple[str | None, str], ...]  # (text in the reference answer or WHOLE_BODY, what the student wrote)
    must_fail: tuple[str, ...] = ()  # test cells it must fail; by default test_<function>
    loops_over_examples: bool = False  # its submission's training cells are cut short (samples.Sample)
    beyond_lecture: bool = False  # right on the lecture's network, wrong only beyond it


def mistake(student_id: str, function: str, description: str, *changes: tuple[str | None, str],
            must_fail: tuple[str, ...] = (), loops_over_examples: bool = False, beyond_lecture: bool = False) -> Mistake:
    return Mistake(student_id, function, description, changes, must_fail, loops_over_examples, beyond_lecture)
