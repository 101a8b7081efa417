"""What the clean room found for each file, beside the notebook grade, and the report of both."""

from __future__ import annotations

from dataclasses import dataclass, field

from backprop_hw.grading import grade as grade_module


@dataclass
class CellAudit:
    grade_id: str
    function: str
    max_points: float
    notebook_points: float | None  # None: the notebook was not graded
    clean_room_points: float
    message: str = ""  # why the clean room failed it
    defined_in: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return self.notebook_points is not None and self.notebook_points != self.clean_room_points


@dataclass
class FileAudit:
    file: str
    status: str  # "audited", or why not ("unreadable", "not graded", ...)
    message: str = ""
    notebook_score: float | None = None
    clean_room_score: float = 0.0
    max_score: float = 0.0
    cells: list[CellAudit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # code the clean room could not load; repairs; flags

    @property
    def differences(self) -> list[CellAudit]:
        return [c for c in self.cells if c.differs]


def merge(clean: list[FileAudit], graded: list[grade_module.FileResult]) -> list[FileAudit]:
    """Put each file's notebook grade (from `backprop-hw grade`) beside its clean-room grade."""
    for result, notebook in zip(clean, graded):
        result.notes = notebook.flags + [n for n in result.notes if n not in notebook.flags]
        if not notebook.graded:
            result.status, result.message = notebook.status, notebook.message
            continue
        points = {c.grade_id: c.points for c in notebook.cells}
        for cell in result.cells:
            cell.notebook_points = points.get(cell.grade_id, 0.0)
        result.notebook_score = notebook.score
    return clean


def table(result: FileAudit) -> str:
    if result.status != "audited" or result.notebook_score is None:
        return f"{result.file}: NOT AUDITED   [{result.status}: {result.message}]"
    differences = result.differences
    verdict = "agree" if not differences else (
        "1 cell differs" if len(differences) == 1 else f"{len(differences)} cells differ")
    lines = [f"{result.file}: notebook {result.notebook_score:g}/{result.max_score:g}, "
             f"clean room {result.clean_room_score:g}/{result.max_score:g}: {verdict}"]
    lines += [f"  note: {note}" for note in result.notes]
    for cell in differences:
        where = ", ".join(cell.defined_in) or "defined nowhere"
        lines.append(f"  {cell.grade_id} ({cell.function}: {where}): notebook {cell.notebook_points:g}/{cell.max_points:g},"
                     f" clean room {cell.clean_room_points:g}/{cell.max_points:g}"
                     + (f"  {cell.message[:200]}" if cell.message else ""))
    return "\n".join(lines)
