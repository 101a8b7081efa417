"""Score tables and failure messages, as an instructor reads them."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from backprop_hw import notebooks
from backprop_hw.notebooks import GradedCell


def part_totals(cells: list[GradedCell]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for cell in cells:
        totals[cell.part] = totals.get(cell.part, 0.0) + cell.points
    return totals


def score_table(cells: list[GradedCell], scores: dict[str, dict[str, float]],
                penalties: dict[str, float] | None = None) -> str:
    """One row per student, one column per part, the total, the late penalty and the score."""
    maxima = part_totals(cells)
    penalties = penalties or {}
    headers = (["student"] + [f"{part}/{points:g}" for part, points in maxima.items()]
               + [f"total/{sum(maxima.values()):g}", "late", "score"])
    rows = []
    for student, by_cell in sorted(scores.items()):
        per_part = {part: 0.0 for part in maxima}
        for cell in cells:
            per_part[cell.part] += by_cell.get(cell.grade_id) or 0.0
        total, penalty = sum(per_part.values()), penalties.get(student, 0.0)
        rows.append([student] + [f"{v:g}" for v in per_part.values()]
                    + [f"{total:g}", f"−{penalty:g}" if penalty else "", f"{total - penalty:g}"])
    width = [max(len(r[i]) for r in [headers] + rows) for i in range(len(headers))]
    line = lambda r: "  ".join(r[0].ljust(width[0]) if i == 0 else r[i].rjust(width[i]) for i in range(len(r)))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in width])] + [line(r) for r in rows])


def failure_messages(autograded_notebook: Path) -> dict[str, str]:
    """{grade_id: first line of the error} for each graded cell that failed in an autograded notebook."""
    failures = {}
    for cell in notebooks.read(autograded_notebook).cells:
        meta = notebooks.nbgrader_meta(cell)
        if not (meta.get("grade") and cell.cell_type == "code"):
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                message = f"{output.ename}: {output.evalue}".strip()
                failures[meta["grade_id"]] = message.splitlines()[0] if message else output.ename
                break
            if output.output_type == "stream" and output.name == "stderr":
                first_line = (output.text.strip().splitlines() or ["(blank)"])[0]
                failures[meta["grade_id"]] = "wrote to stderr: " + first_line[:200]
                break
    return failures


# How a hidden test's message begins to describe an input (checks.calling.describe_value), in either language.
_INPUT_IN_WORDS = re.compile(r"\w+ (?:of shape|розміру|with n_x=|з n_x=|of that|цього|цієї)|\w+=")


def names_function_and_input(message: str, function: str) -> bool:
    """Whether a failure message says which function failed on which input, as ``function(X of shape ...``."""
    at = message.find(f"{function}(")
    return at >= 0 and _INPUT_IN_WORDS.match(message, at + len(function) + 1) is not None


HIDDEN_TEST_FAILURE = "HiddenTestFailure"  # the exception of a failed hidden test: its name says nothing to a student
_RAISED = re.compile(r"\) raised (\w+)")


def readable(message: str, indent: int = 6, width: int = 100) -> list[str]:
    """A failure message whole, as lines to print: without the HiddenTestFailure name, wrapped."""
    text = message.removeprefix(f"{HIDDEN_TEST_FAILURE}: ")
    return textwrap.wrap(text, width, initial_indent=" " * indent, subsequent_indent=" " * indent,
                         break_on_hyphens=False)


def common_exception(messages: list[str]) -> str | None:
    """The exception every one of these messages says the student's function raised, if they all say one."""
    raised = {found.group(1) if (found := _RAISED.search(m)) else None for m in messages}
    return raised.pop() if len(raised) == 1 and None not in raised else None
