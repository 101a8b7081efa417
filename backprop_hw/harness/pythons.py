"""A grade must not depend on the Python or NumPy version: the catalogue graded on each, compared.

`./run.sh pythons` drives it: it writes the catalogue's notebooks once, grades them with
`backprop-hw grade --json` in an environment of every Python 3.10+ on the machine (all of them on
the environment's own Python; on the others a sample that covers every graded cell with a pass and
a fail, the reading of loops and the recovery from a dead kernel), then compares the files graded
on every Python, cell by cell:

    python -m backprop_hw.harness.pythons write FOLDER [SAMPLE_FOLDER]
    python -m backprop_hw.harness.pythons compare SCORES.json...   # one per Python, named by it
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backprop_hw import notebooks, paths
from backprop_hw.harness import catalogue

# Beside the reference and one mistake of each graded function: the entries whose grading goes
# through code that depends most on the interpreter (the reading of loops, kernels that die).
SAMPLE_EXTRAS = ("untouched", "own-names-and-helper", "tanh-derivative-helper", "cost-from-loss")


def sample() -> list:
    """Catalogue entries that pass and fail every graded cell: the reference (all pass), the first
    mistake of each graded function (its cells fail), the loops over the examples, the kernels that
    die, and SAMPLE_EXTRAS."""
    chosen, functions = [catalogue.REFERENCE], set()
    for entry in catalogue.MISTAKES:
        if entry.function not in functions or entry.loops_over_examples:
            functions.add(entry.function)
            chosen.append(entry)
    chosen += list(catalogue.CRASHES) + [catalogue.by_id(name) for name in SAMPLE_EXTRAS]
    return chosen


def write(folder: Path, sample_folder: Path | None = None) -> int:
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    for sample_entry in catalogue.ALL:
        notebooks.write(sample_entry.notebook(source, release), folder / f"{sample_entry.student_id}.ipynb")
    print(f"wrote {len(catalogue.ALL)} catalogue notebooks to {folder}")
    if sample_folder is not None:
        for entry in sample():
            notebooks.write(entry.notebook(source, release), sample_folder / f"{entry.student_id}.ipynb")
        print(f"wrote a sample of {len(sample())} of them to {sample_folder}")
    return 0


def cell_scores(results_file: Path) -> dict[str, dict[str, float | str]]:
    """{notebook file name: {graded cell: points}}, or {"status": ...} for a file not graded to its end
    (a kernel that died was started again, and the notebook graded to its end)."""
    scores: dict[str, dict[str, float | str]] = {}
    for result in json.loads(results_file.read_text()):
        name = Path(result["file"]).name
        if result["status"] not in ("graded", "kernel died"):
            scores[name] = {"status": result["status"]}
        else:
            scores[name] = {cell["grade_id"]: cell["points"] for cell in result["cells"]}
    return scores


def compare(results_files: list[Path]) -> int:
    """Print per Python the files and points graded, then every cell whose points differ among the
    files graded on every Python (a sample on some); 1 if any."""
    by_python = {file.stem: cell_scores(file) for file in results_files}
    files = sorted(min(by_python.values(), key=len)) if by_python else []  # the sample, graded on every Python
    for python, scores in by_python.items():
        total = sum(p for name in files for p in scores.get(name, {}).values() if isinstance(p, float | int))
        graded = sum("status" not in cells for cells in scores.values())
        print(f"{python:>14}: {graded} of {len(scores)} notebooks graded; {total:g} points in the {len(files)} "
              f"compared")
    if not files:
        print("no notebook graded: nothing to compare")
        return 1
    differences = []
    for name in files:
        seen = {python: scores.get(name, {"status": "missing"}) for python, scores in by_python.items()}
        cells = sorted(set().union(*seen.values()))
        for cell in cells:
            points = {python: cells_of.get(cell) for python, cells_of in seen.items()}
            if len(set(map(str, points.values()))) > 1:
                differences.append(f"  {name} {cell}: " + ", ".join(f"{p} {v}" for p, v in points.items()))
    if len(by_python) < 2:
        print("only one Python: nothing to compare with")
    if differences:
        print(f"{len(differences)} graded cells differ between Pythons:")
        print("\n".join(differences))
        return 1
    print(f"every graded cell of {len(files)} notebooks has the same points on {', '.join(by_python)}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "write":
        return write(Path(argv[1]), Path(argv[2]) if len(argv) >= 3 else None)
    if len(argv) >= 2 and argv[0] == "compare":
        return compare([Path(a) for a in argv[1:]])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
