"""The comparison behind `./run.sh pythons`: it passes only when every graded cell has the same points."""

from __future__ import annotations

import json
from pathlib import Path

from backprop_hw.harness import pythons


def results(points_of_sigmoid: float, status: str = "graded") -> list[dict]:
    """`backprop-hw grade --json` output for two notebooks."""
    def cells(sigmoid: float) -> list[dict]:
        return [{"grade_id": "test_sigmoid", "points": sigmoid, "max_points": 4.0, "message": ""},
                {"grade_id": "test_layer_sizes", "points": 2.0, "max_points": 2.0, "message": ""}]
    return [{"file": "/x/reference.ipynb", "status": "graded", "cells": cells(4.0)},
            {"file": "/x/mistake.ipynb", "status": status, "cells": cells(points_of_sigmoid) if status == "graded" else []}]


def write(folder: Path, name: str, data: list[dict]) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data))
    return path


def test_same_points_on_every_python_pass(tmp_path, capsys):
    files = [write(tmp_path, f"python-3.{minor}", results(0.0)) for minor in (10, 11, 12)]
    assert pythons.compare(files) == 0
    assert "same points on python-3.10, python-3.11, python-3.12" in capsys.readouterr().out


def test_one_cell_that_differs_fails_and_is_named(tmp_path, capsys):
    files = [write(tmp_path, "python-3.10", results(0.0)), write(tmp_path, "python-3.13", results(4.0))]
    assert pythons.compare(files) == 1
    out = capsys.readouterr().out
    assert "mistake.ipynb test_sigmoid: python-3.10 0.0, python-3.13 4.0" in out


def test_a_file_graded_on_one_python_only_fails(tmp_path, capsys):
    files = [write(tmp_path, "python-3.10", results(0.0)), write(tmp_path, "python-3.12", results(0.0, "timeout"))]
    assert pythons.compare(files) == 1
    assert "mistake.ipynb" in capsys.readouterr().out


def test_the_catalogue_is_written_without_the_entries_that_wait_for_timeouts(tmp_path):
    from backprop_hw.harness import catalogue

    assert pythons.write(tmp_path) == 0
    written = {p.stem for p in tmp_path.glob("*.ipynb")}
    assert written == {s.student_id for s in catalogue.ALL if not s.slow}
    assert any(s.slow for s in catalogue.ALL) and len(written) > 80
