"""Benchmark: the same 40 submissions graded four ways, in one run.

1. sequential `nbgrader autograde` without the sandbox (`--Sandbox.enabled=False`): the baseline;
2. sequential `nbgrader autograde` as this course configures it, each kernel in a sandbox;
3. `backprop-hw autograde --jobs 2` (sandboxed) on an identical course;
4. `backprop-hw grade --jobs 2` (sandboxed) on the same files, loose in a folder.

The 40 are the reference, correct variants, typical mistakes and three broken
files (a kernel that kills itself, a 50 MB print, not JSON at all). It prints
wall time, submissions per minute, the ratio to nbgrader, peak memory per
worker and per kernel, where one submission's time goes, and checks that all
three give the same scores.

    .venv/bin/python benchmarks/grading_throughput.py [--jobs 2] [--runs N]

Targets: at least 2.8x the throughput of unsandboxed nbgrader on the 2-core machine
with the sandbox on, peak memory per worker at most 300 MB. `--runs N` then grades the
course N times more with `backprop-hw autograde` and counts grader-side failures (a
submission that could not be executed for a reason of ours: target 0).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backprop_hw import notebooks, paths  # noqa: E402
from backprop_hw.course import Course  # noqa: E402
from backprop_hw.grading import autograde, grade  # noqa: E402
from backprop_hw.harness import catalogue  # noqa: E402
from backprop_hw.samples import Sample  # noqa: E402

BROKEN = {
    "broken-kills-kernel": ("sigmoid", "return 1 / (1 + np.exp(-z))", "return 1 / (1 + np.exp(-z))\n\nimport os\nos._exit(3)"),
    "broken-floods-output": ("sigmoid", "return 1 / (1 + np.exp(-z))", "return 1 / (1 + np.exp(-z))\n\nprint('x' * 50_000_000)"),
}


def submissions() -> list[Sample]:
    """40 submissions (the two loop-over-examples mistakes left out, as in the earlier figures)."""
    fast = [s for s in catalogue.ALL if not s.loops_over_examples and s.kind != "untouched"]
    chosen = fast[:37]
    broken = [Sample(name, "broken", changes=((function, old, new),), kind="broken") for name, (function, old, new) in BROKEN.items()]
    return chosen + broken


def build_course(root: Path, samples: list[Sample], not_json: str) -> Course:
    course = Course.create(root)
    course.generate_assignment()
    course.set_due_date(datetime.now(timezone.utc) - timedelta(days=1))
    course.add_students([s.student_id for s in samples] + [not_json])
    source, release = notebooks.read(course.root / "source" / paths.ASSIGNMENT / paths.NOTEBOOK), notebooks.read(course.release_notebook)
    for sample in samples:
        course.submit(sample.student_id, sample.notebook(source, release), timestamp=datetime.now(timezone.utc) - timedelta(days=2))
    broken = course.root / "submitted" / not_json / paths.ASSIGNMENT
    broken.mkdir(parents=True)
    (broken / paths.NOTEBOOK).write_text('{"cells": [')
    return course


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=0, help="extra backprop-hw autograde runs, counting grader-side failures")
    args = parser.parse_args()
    samples = submissions()
    not_json = "broken-not-json"
    total = len(samples) + 1
    with tempfile.TemporaryDirectory(prefix="backprop-bench-") as scratch:
        scratch = Path(scratch)
        sequential = build_course(scratch / "nbgrader", samples, not_json)
        sandboxed = build_course(scratch / "nbgrader-sandboxed", samples, not_json)
        parallel = build_course(scratch / "parallel", samples, not_json)
        loose = scratch / "loose"
        shutil.copytree(parallel.root / "submitted", loose)

        def nbgrader_autograde(course: Course, *extra: str) -> float:
            started = time.perf_counter()
            try:
                course.autograde(paths.ASSIGNMENT, *extra)
            except Exception as error:  # nbgrader exits 1 when a submission fails (the not-JSON one); the rest is graded
                print(f"(nbgrader autograde reported: {str(error).splitlines()[0]})")
            return time.perf_counter() - started

        seconds_nbgrader = nbgrader_autograde(sequential, "--Sandbox.enabled=False")
        seconds_sandboxed = nbgrader_autograde(sandboxed)

        started = time.perf_counter()
        converter = autograde.run(parallel.root, paths.ASSIGNMENT, jobs=args.jobs, force=True, progress=False,
                                  log_level="ERROR")
        seconds_parallel = time.perf_counter() - started
        outcomes = dict(converter.outcomes)

        # a first run: no scratch course kept from before (it costs one `nbgrader generate_assignment`)
        os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")
        started = time.perf_counter()
        results = grade.grade(paths.find_notebooks([loose]), jobs=args.jobs, use_cache=False, progress=False)
        seconds_grade = time.perf_counter() - started

        failures = []
        for run in range(args.runs):
            again = autograde.run(parallel.root, paths.ASSIGNMENT, jobs=args.jobs, force=True, progress=False,
                                  log_level="ERROR")
            failed = {s: o for s, o in again.outcomes.items() if o["status"] == "error"}
            failures.append(failed)
            print(f"(run {run + 1} of {args.runs}: {len(failed)} grader-side failures"
                  + "".join(f"; {s}: {o['message'][:120]}" for s, o in failed.items()) + ")", flush=True)

        scores_nbgrader, scores_parallel = sequential.cell_scores(), parallel.cell_scores()
        same_parallel = scores_nbgrader == scores_parallel
        same_sandboxed = scores_nbgrader == sandboxed.cell_scores()
        by_student = {Path(r.file).parent.parent.name: r for r in results}
        same_grade = all({c.grade_id: c.points for c in by_student[s].cells} == {g: v or 0.0 for g, v in cells.items()}
                         for s, cells in scores_nbgrader.items() if s != not_json)

    def line(name: str, seconds: float) -> str:
        return (f"  {name:44s} {seconds:7.1f} s  {60 * total / seconds:6.1f} submissions/min  "
                f"{seconds_nbgrader / seconds:4.2f}x nbgrader")

    print(f"{total} submissions ({len(samples) - 2} correct or mistaken, 3 broken), {args.jobs} workers")
    print(line("nbgrader autograde (sequential, no sandbox)", seconds_nbgrader))
    print(line("nbgrader autograde (sequential, sandboxed)", seconds_sandboxed))
    print(line(f"backprop-hw autograde --jobs {args.jobs}", seconds_parallel))
    print(line(f"backprop-hw grade --jobs {args.jobs} (first run)", seconds_grade))
    print(f"  same scores as nbgrader: sandboxed nbgrader {same_sandboxed}, autograde {same_parallel}, grade {same_grade}")
    if args.runs:
        print(f"  grader-side failures in {args.runs} more autograde runs: {sum(len(f) for f in failures)}")
    for student, cells in sorted(scores_nbgrader.items()):
        mine = by_student.get(student)
        if mine and student != not_json and {c.grade_id: c.points for c in mine.cells} != {g: v or 0.0 for g, v in cells.items()}:
            print(f"    grade differs for {student}: {mine.status} {mine.score} vs nbgrader {sum(v or 0 for v in cells.values())}")
    print(f"  peak memory: worker {max(o['worker_peak_mb'] for o in outcomes.values()):.0f} MB, "
          f"kernel {max(o['kernels_peak_mb'] for o in outcomes.values()):.0f} MB (target: worker ≤ 300 MB)")
    statuses = {}
    for outcome in outcomes.values():
        statuses[outcome["status"]] = statuses.get(outcome["status"], 0) + 1
    print(f"  statuses: {statuses}; not graded by any tool: {not_json} (not JSON)")
    for student, outcome in sorted(outcomes.items()):
        if outcome["status"] != "ok":
            print(f"    {student}: {outcome['status']}: {outcome['message'][:160]}")
    print("  one submission's time in backprop-hw autograde (median over submissions):")
    for what in ("kernel start", "executing", "hidden tests in the grader", "hidden tests waiting for the kernel",
                 "preprocessing", "database"):
        values = [t.get(what, 0.0) for t in converter.timings.values() if "executing" in t]
        print(f"    {what:36s} {statistics.median(values):6.3f} s"
              + ("   (waiting for a kernel booted ahead)" if what == "kernel start" else ""))
    print(f"    {'nbgrader, all in':22s} {seconds_nbgrader / total:6.3f} s per submission, one after another")


if __name__ == "__main__":
    main()
