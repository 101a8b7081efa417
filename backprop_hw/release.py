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
