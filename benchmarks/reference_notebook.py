"""Benchmark: how long the reference notebook takes to execute, hidden tests included.

Runs the source notebook (reference solution + visible + hidden tests, exactly
what autograde executes for a perfect submission) with the course's Execute
(GradingExecute: the hidden tests in this process, the cells in a fresh kernel,
no sandbox) N times and prints the median execution time (first cell start to
last cell end, kernel start excluded), the hidden tests' share on each side of
their channel, the median kernel start, and the slowest cells.

    .venv/bin/python benchmarks/reference_notebook.py [--runs 5]

Target (issue 2): at most 3 s of execution on the 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from backprop_hw import notebooks, paths  # noqa: E402
from backprop_hw.grading.execute import GradingExecute  # noqa: E402


def _stamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def run_once(workdir: Path) -> tuple[float, float, dict[str, float], tuple[float, float]]:
    nb = notebooks.read(workdir / paths.NOTEBOOK)
    executor = GradingExecute(timeout=120, kernel_name="python3", record_timing=True)
    started = time.time()
    executor.preprocess(nb, {"metadata": {"path": str(workdir)}})
    finished = time.time()
    per_cell, first, last = {}, None, None
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            begin, end = _stamp(timing["iopub.execute_input"]), _stamp(timing["shell.execute_reply"])
            per_cell[cell.id] = end - begin
            first = begin if first is None else min(first, begin)
            last = end if last is None else max(last, end)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                raise SystemExit(f"cell {cell.id} failed: {output.ename}: {output.evalue}")
    execution = last - first
    return execution, (finished - started) - execution, per_cell, (executor.seconds_checking,
                                                                   executor.seconds_waiting_for_kernel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch) / paths.ASSIGNMENT
        shutil.copytree(paths.SOURCE_DIR / paths.ASSIGNMENT, workdir)
        results = [run_once(workdir) for _ in range(args.runs)]
    executions = [r[0] for r in results]
    overheads = [r[1] for r in results]
    cells = {cell: statistics.median(r[2][cell] for r in results) for cell in results[0][2]}
    print(f"reference notebook, {args.runs} runs in fresh kernels")
    print(f"  execution (kernel start excluded): median {statistics.median(executions):.2f} s "
          f"(min {min(executions):.2f}, max {max(executions):.2f}); target ≤ 3 s")
    print(f"  of which the hidden tests:         median {statistics.median(r[3][0] for r in results):.2f} s of CPU "
          f"here (the grader), {statistics.median(r[3][1] for r in results):.2f} s waiting for the kernel's answers")
    print(f"  kernel start and shutdown:         median {statistics.median(overheads):.2f} s")
    print("  slowest cells (median):")
    for cell, seconds in sorted(cells.items(), key=lambda item: -item[1])[:8]:
        print(f"    {cell:40s} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
