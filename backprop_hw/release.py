"""`backprop-hw release`: regenerate release/ from source/ with `nbgrader generate_assignment`.

nbgrader runs in a scratch course, so the repository gets no gradebook.db; the
generated files then replace release/<assignment>/, each marked as generated (generated.py).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from backprop_hw import generated, paths
from backprop_hw.course import Course


def _region_lines(nb, begin: str, end: str) -> tuple[set[str], set[str]]:
    """(stripped lines inside begin/end regions, stripped lines outside them) over all cells."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_region = False
        for line in cell.source.splitlines():
            if begin in line:
                in_region = True
            elif end in line:
                in_region = False
            elif line.strip():
                (inside if in_region else outside).add(line.strip())
    return inside, outside


def secret_lines(nb) -> dict[str, set[str]]:
    """Lines that occur only inside solution or only inside hidden-test regions of the source: what
    must never reach a student (the release, a feedback file; the tests look for them there)."""
    solution, not_solution = _region_lines(nb, "### BEGIN SOLUTION", "### END SOLUTION")
    hidden, not_hidden = _region_lines(nb, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    return {"solution": solution - not_solution, "hidden test": hidden - not_hidden}


def generate(assignment: str = paths.ASSIGNMENT) -> Path:
    with tempfile.TemporaryDirectory(prefix="backprop-release-") as scratch:
        course = Course.create(Path(scratch) / "course", assignments=(assignment,))
        course.generate_assignment(assignment)
        target = paths.RELEASE_DIR / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(course.root / "release" / assignment, target)
    mark(target, assignment)
    return target


def mark(folder: Path, assignment: str) -> None:
    """Mark every file nbgrader generated into `folder` with its source and this command."""
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        origin = f"source/{assignment}/{file.relative_to(folder).as_posix()}"
        generated.mark_file(file, origin, f"backprop-hw release {assignment}")


def main(assignment: str) -> int:
    paths.check_repository()
    target = generate(assignment)
    print(f"Regenerated {target.relative_to(paths.REPO_ROOT)}/ from source/{assignment}/:")
    for file in sorted(target.rglob("*")):
        print(f"  {file.relative_to(paths.REPO_ROOT)}")
    return 0
