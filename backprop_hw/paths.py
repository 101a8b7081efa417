"""Where the course's files are. The package is installed in editable mode from the repository."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "source"
RELEASE_DIR = REPO_ROOT / "release"
COURSE_CONFIG = REPO_ROOT / "nbgrader_config.py"
DEMO_COURSE_DIR = REPO_ROOT / "course"

ASSIGNMENT = "backprop"
NOTEBOOK = "backprop.ipynb"


def source_notebook(assignment: str = ASSIGNMENT) -> Path:
    return SOURCE_DIR / assignment / NOTEBOOK


def release_notebook(assignment: str = ASSIGNMENT) -> Path:
    return RELEASE_DIR / assignment / NOTEBOOK


def check_repository() -> None:
    """Fail clearly when the package runs outside its repository (e.g. installed without -e)."""
    if not source_notebook().is_file() or not COURSE_CONFIG.is_file():
        raise SystemExit(
            f"backprop-hw: cannot find the course at {REPO_ROOT} (no source/{ASSIGNMENT}/{NOTEBOOK} or "
            f"nbgrader_config.py). Install it from the repository with `pip install -e .` (./run.sh does)."
        )


def find_notebooks(targets: list[Path]) -> list[Path]:
    """Files named on the command line (whatever their extension) and *.ipynb under folders."""
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found += sorted(p for p in target.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts and not p.name.startswith("."))
        else:
            found.append(target)
    return found
