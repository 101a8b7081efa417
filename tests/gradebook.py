"""What a course's gradebook and autograded notebooks hold, as plain data, to compare two gradings."""

from __future__ import annotations

import re

from backprop_hw import notebooks, paths
from backprop_hw.course import Course


def rows(course: Course, student: str) -> dict:
    """What the gradebook holds for one submission, as plain data."""
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url) as gradebook:
        submission = gradebook.find_submission(paths.ASSIGNMENT, student)
        notebook = submission.notebooks[0]
        return {
            "timestamp": submission.timestamp,
            "late_seconds": submission.total_seconds_late,
            "penalty": notebook.late_submission_penalty,
            "score": submission.score,
            "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade) for g in notebook.grades},
            "comments": {c.name: (c.auto_comment, c.manual_comment) for c in notebook.comments},
        }


# IPython names a cell's code /tmp/ipykernel_<pid>/<hash>.py, and warnings quote that name: the
# kernel's process id, which differs from one run to the next (and in a fresh pid namespace or not)
KERNEL_CELL_FILE = re.compile(r"/tmp/ipykernel_\d+/")


def _same_in_any_kernel(text: str | None) -> str | None:
    return KERNEL_CELL_FILE.sub("/tmp/ipykernel_<pid>/", text) if text else text


CUT_MARK = "... Output truncated ..."  # what nbgrader's LimitOutput puts where it cuts a cell's output


class CutOff(str):
    """A stream that LimitOutput cut at the cell's line limit, up to the cut. It counts the limit over
    the output's messages and loses up to a line at each message's end, so where it cuts depends on
    how the kernel happened to split the output: two runs agree when one kept text starts the other."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and (self.startswith(other) or other.startswith(self))

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__


def _stream(text: str) -> str:
    text = _same_in_any_kernel(text)
    return CutOff(text.split(CUT_MARK)[0]) if CUT_MARK in text else text


class TimedOut:
    """A cell stopped by the per-cell timeout, with its error outputs. Whether a cell that runs near
    the limit (a loop over the examples in a training cell: about 30 s on a quiet machine) is
    stopped depends on the machine's load while it runs, so it matches the other run's cell whether
    that one was stopped too (then with the same errors) or finished. A graded cell's score is
    still compared by `rows`, where a timeout shows as lost points."""

    def __init__(self, errors: list):
        self.errors = errors

    def __eq__(self, other: object) -> bool:
        return self.errors == other.errors if isinstance(other, TimedOut) else isinstance(other, tuple)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None

    def __repr__(self) -> str:
        return f"TimedOut({self.errors!r})"


def outputs(course: Course, student: str) -> list:
    """Each code cell's outputs: what it wrote to stdout and to stderr, each joined whole, and its
    other outputs in order. The kernel sends a print as messages as its timing happens to fall,
    and flushes stdout and stderr each on its own schedule, so where one stream's chunk falls
    between the other's differs from run to run, in nbgrader's runs as in ours. The kernel's
    process id is left out of the file names that warnings quote."""
    nb = notebooks.read(course.root / "autograded" / student / paths.ASSIGNMENT / paths.NOTEBOOK)
    cells = []
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        errors = sorted((o.output_type, o.get("ename")) for o in cell.outputs if o.output_type == "error")
        if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            # what it printed depends on how far it got, and whether it was stopped at all on load
            cells.append(TimedOut(errors))
            continue
        if any(o.get("ename") == "KernelDied" for o in cell.outputs):
            # stopped by its kernel's death: what it printed depends on how much of its output the
            # kernel had flushed before it died (CI saw a segfault lose two lines); that it was
            # stopped, and how, is what both runs must agree on
            cells.append(errors)
            continue
        streams = {name: _stream("".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name))
                   for name in ("stdout", "stderr")}
        others = [(o.output_type, o.get("ename"), _same_in_any_kernel(o.get("evalue")), sorted(o.get("data", {})))
                  for o in cell.outputs if o.output_type != "stream"]
        cells.append((streams, others))
    return cells
