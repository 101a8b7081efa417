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


def test_the_whole_catalogue_and_a_sample_that_passes_and_fails_every_cell_are_written(tmp_path):
    from backprop_hw import notebooks, paths
    from backprop_hw.harness import catalogue

    assert pythons.write(tmp_path / "all", tmp_path / "sample") == 0
    assert {p.stem for p in (tmp_path / "all").glob("*.ipynb")} == {s.student_id for s in catalogue.ALL}
    sample = {s.student_id for s in pythons.sample()}
    assert {p.stem for p in (tmp_path / "sample").glob("*.ipynb")} == sample and len(sample) < 40
    cells = notebooks.cell_functions(notebooks.read(paths.source_notebook()))
    failed = {cell for s in pythons.sample() if s.kind in ("mistake", "untouched")
              for cell in (cells if "*" in s.fails else s.fails)}
    assert failed == set(cells) and "reference" in sample  # every graded cell fails somewhere, and passes
    assert {s.student_id for s in catalogue.ALL if s.loops_over_examples} <= sample


def test_a_python_that_graded_only_the_sample_is_compared_on_the_sample(tmp_path, capsys):
    everything = results(0.0)
    files = [write(tmp_path, "python-3.11", everything), write(tmp_path, "python-3.13", everything[:1])]
    assert pythons.compare(files) == 0
    assert "every graded cell of 1 notebooks" in capsys.readouterr().out
    assert pythons.compare([write(tmp_path, "python-3.12", [])]) == 1  # nothing graded is no proof
