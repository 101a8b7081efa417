"""Benchmark: the local pool against a Dask cluster on the same 40 submissions, in one run.

Four ways, each run --runs times, interleaved (the machine is shared: the medians and their
ratios are what to quote):

1. `backprop-hw autograde --jobs 2`: the local pool, gradebook.db;
2. the same on a LocalCluster of 2 worker processes (one thread each, on 127.0.0.1), gradebook.db;
3. the cluster again, into a PostgreSQL gradebook (a server of the benchmark's own);
4. the cluster into PostgreSQL with nbgrader's bookkeeping on the workers (--bookkeeping workers).

It also measures what the coordinator (the process running nbgrader's bookkeeping) spends per
submission: its own CPU time, the sanitize and autograde passes, the gradebook, and for the
cluster the shipping of files. From those it estimates how many workers one coordinator keeps
busy: a worker needs `executing` seconds per submission, the coordinator `coordinator CPU`; with
the bookkeeping on the workers, a worker needs its whole task's time.

    .venv/bin/python benchmarks/cluster_throughput.py [--runs 3]

Expected on the 2-core machine: the cluster within 10% of the local pool.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from backprop_hw import paths  # noqa: E402
from backprop_hw.course import Course  # noqa: E402
from backprop_hw.grading import autograde, cluster, postgres  # noqa: E402
from grading_throughput import build_course, submissions  # noqa: E402


WORKERS_WAY = "dask (2 workers), pg, bookkeeping on workers"


def coordinator_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # this process alone: the workers are others
    return usage.ru_utime + usage.ru_stime


def copy_course(course: Course, to: Path, db_url: str | None = None) -> Course:
    """The same submissions in a new course (its own gradebook: sqlite, or db_url)."""
    copy = Course.create(to, db_url=db_url)
    copy.generate_assignment()
    shutil.copytree(course.root / "submitted", copy.root / "submitted")
    students = sorted(p.name for p in (copy.root / "submitted").iterdir())
    copy.add_students(students)
    return copy


def grade_once(course: Course, scheduler: str, bookkeeping: str = "") -> dict:
    cpu, started = coordinator_cpu(), time.perf_counter()
    converter = autograde.run(course.root, paths.ASSIGNMENT, jobs=2, force=True, progress=False,
                              log_level="ERROR", scheduler=scheduler, bookkeeping=bookkeeping)
    seconds, cpu = time.perf_counter() - started, coordinator_cpu() - cpu
    graded = len(converter.graded_now)
    timings = [t for t in converter.timings.values() if "executing" in t]
    figures = {"seconds": seconds, "graded": graded, "cpu per submission": cpu / max(graded, 1)}
    for what in ("executing", "preprocessing", "database", "on worker"):
        figures[what] = statistics.median(t.get(what, 0.0) for t in timings)
    if isinstance(getattr(converter, "pool", None), cluster.ClusterPool):  # closed, its figures kept
        figures["sent per submission"] = converter.pool.bytes_sent / max(graded, 1)
        figures["submitting"] = converter.pool.seconds_submitting / max(graded, 1)
    figures["scores"] = course.cell_scores()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from distributed import LocalCluster

    samples = submissions()
    with tempfile.TemporaryDirectory(prefix="backprop-cluster-bench-") as scratch, postgres.local_server() as server, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address="127.0.0.1:0") as dask:
        scratch = Path(scratch)
        base = build_course(scratch / "base", samples, "broken-not-json")
        ways = {
            "local pool, sqlite": (copy_course(base, scratch / "local"), ""),
            "dask cluster (2 workers), sqlite": (copy_course(base, scratch / "dask"), dask.scheduler_address),
            "dask cluster (2 workers), postgresql": (
                copy_course(base, scratch / "dask-pg", postgres.create_database(server, "bench")), dask.scheduler_address),
            WORKERS_WAY: (copy_course(base, scratch / "dask-pg-workers", postgres.create_database(server, "bench_workers")),
                          dask.scheduler_address, "workers"),
        }
        runs: dict[str, list[dict]] = {name: [] for name in ways}
        for run in range(args.runs):
            for name, (course, scheduler, *bookkeeping) in ways.items():
                figures = grade_once(course, scheduler, *bookkeeping)
                runs[name].append(figures)
                print(f"(run {run + 1}: {name}: {figures['seconds']:.1f} s, {figures['graded']} graded)", flush=True)

    total = len(samples) + 1
    local = statistics.median(f["seconds"] for f in runs["local pool, sqlite"])
    print(f"\n{total} submissions (one of them not JSON, never graded), {args.runs} runs each, medians:")
    for name, figures in runs.items():
        seconds = statistics.median(f["seconds"] for f in figures)
        print(f"  {name:38s} {seconds:6.1f} s  {60 * total / seconds:5.1f} submissions/min  {seconds / local:4.2f}x the local pool's time")
    reference_scores = runs["local pool, sqlite"][0]["scores"]
    same = all(f["scores"] == reference_scores for figures in runs.values() for f in figures)
    print(f"  same per-cell scores in every run: {same}")
    print("\nthe coordinator, per submission (medians over runs of the per-run figure):")
    for name, figures in runs.items():
        def median(key: str) -> float:
            return statistics.median(f.get(key, 0.0) for f in figures)

        line = (f"  {name:38s} CPU {median('cpu per submission'):.3f} s; sanitize+autograde passes "
                f"{median('preprocessing'):.3f} s, gradebook {median('database'):.3f} s")
        if "sent per submission" in figures[0]:
            line += f"; shipping {median('submitting') * 1000:.1f} ms, {median('sent per submission') / 1024:.0f} KiB"
        print(line)
    on_cluster = runs["dask cluster (2 workers), postgresql"]
    print("\nwith the bookkeeping on the coordinator:")
    sustained(statistics.median(f["executing"] for f in on_cluster),
              statistics.median(f["cpu per submission"] for f in on_cluster))
    on_workers = runs[WORKERS_WAY]
    print("\nwith the bookkeeping on the workers (a worker's time: its whole task):")
    sustained(statistics.median(f["on worker"] for f in on_workers),
              statistics.median(f["cpu per submission"] for f in on_workers))


def sustained(per_worker: float, cpu: float) -> None:
    """What one coordinator sustains when a worker needs per_worker seconds for a submission and
    the coordinator cpu seconds of its CPU."""
    print(f"  a worker needs {per_worker:.2f} s per submission (median), the coordinator {cpu:.3f} s of CPU:")
    print(f"  one coordinator keeps about {per_worker / cpu:.0f} workers busy, at most {1 / cpu:.1f} submissions/s "
          f"({3600 / cpu:.0f} an hour)")
    for workers in (10, 100):
        rate = min(workers / per_worker, 1 / cpu)
        print(f"  with {workers:3d} workers: about {rate:.1f} submissions/s "
              f"({'the coordinator is the limit' if workers / per_worker > 1 / cpu else 'the workers are the limit'})")

if __name__ == "__main__":
    main()
