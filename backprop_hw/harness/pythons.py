"""A grade must not depend on the Python or NumPy version: the catalogue graded on each, compared.

`./run.sh pythons` drives it: it writes the catalogue's notebooks once, grades them with
`backprop-hw grade --json` in an environment of every Python 3.10+ on the machine, then compares:

    python -m backprop_hw.harness.pythons write FOLDER
    python -m backprop_hw.harness.pythons compare SCORES.json...   # one per Python, named by it

The two entries that loop over the examples are left out: they run into per-cell timeouts, and
how far a cell gets before its timeout depends on the machine's load, not on the Python.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backprop_hw import notebooks, paths
from backprop_hw.harness import catalogue


def write(folder: Path) -> int:
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    entries = [s for s in catalogue.ALL if not s.slow]
    for sample in entries:
        notebooks.write(sample.notebook(source, release), folder / f"{sample.student_id}.ipynb")
    print(f"wrote {len(entries)} catalogue notebooks to {folder}")
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
    """Print per Python the files and points graded, then every cell whose points differ; 1 if any."""
    by_python = {file.stem: cell_scores(file) for file in results_files}
    files = sorted(set().union(*by_python.values()))
    for python, scores in by_python.items():
        total = sum(p for cells in scores.values() for p in cells.values() if isinstance(p, float | int))
        graded = sum("status" not in cells for cells in scores.values())
        print(f"{python:>14}: {graded} of {len(files)} notebooks graded, {total:g} points in all")
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
        return write(Path(argv[1]))
    if len(argv) >= 2 and argv[0] == "compare":
        return compare([Path(a) for a in argv[1:]])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
