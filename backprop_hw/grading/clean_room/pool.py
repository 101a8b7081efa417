"""Many submissions in the clean room: worker processes, `jobs` at a time, with a progress bar;
a worker that dies costs its file alone, and Ctrl-C ends the workers at once."""

from __future__ import annotations

import dataclasses
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from backprop_hw import paths
from backprop_hw.grading import limits, pools, sandbox
from backprop_hw.grading.clean_room.report import FileAudit
from backprop_hw.grading.clean_room.room import clean_room

WORKER_MEMORY_MB = 2048  # beyond the student's limit, for the checks and the answer key run on its behalf


@dataclasses.dataclass(frozen=True)
class CourseLimits:
    """The course's limits as the clean room applies them (nbgrader_config.py)."""

    timeout: float  # seconds per call: Execute.timeout
    memory_mb: int  # GradingLimits.memory_limit_mb
    wall_time: float  # seconds per submission: GradingLimits.wall_time
    jobs: int  # GradingLimits.jobs
    policy: sandbox.Policy  # the Sandbox settings


def course_limits() -> CourseLimits:
    from nbgrader.preprocessors import Execute

    config = limits.course_config()
    course = limits.GradingLimits(config=config)
    return CourseLimits(float(Execute(config=config).timeout or limits.CELL_TIMEOUT), course.memory_limit_mb,
                        course.wall_time, course.jobs, sandbox.Policy.from_config(config=config))


def clean_rooms(files: list[Path], assignment: str = paths.ASSIGNMENT, jobs: int = 0, progress: bool = True,
                timeout: float | None = None, sandboxed: bool = True) -> list[FileAudit]:
    """clean_room() for every file in worker processes, `jobs` at a time (0: GradingLimits.jobs), with
    the course's limits (or `timeout` per call). A worker that dies costs its file alone: the files it
    may have held are audited again one by one, and the one that kills its worker again is reported
    as such."""
    from tqdm import tqdm

    course = course_limits()
    policy = dataclasses.replace(course.policy, enabled=course.policy.enabled and sandboxed,
                                 hidden=tuple(sorted({str(Path(f).resolve().parent) for f in files})))
    sandbox.check(policy)  # before any work
    work = [(file, assignment, timeout or course.timeout, course.memory_mb, course.wall_time, policy) for file in files]
    results: dict[int, FileAudit] = {}
    worker_memory = course.memory_mb + WORKER_MEMORY_MB
    bar = tqdm(total=len(files), unit="file", desc="clean room", disable=None if progress else True, file=sys.stderr)
    try:
        with _StoppingPool(max(1, min(jobs or course.jobs, len(files))), worker_memory) as pool:
            futures = {pool.submit(_clean_room_job, args): index for index, args in enumerate(work)}
            for future, index in futures.items():
                try:
                    results[index] = future.result()
                    bar.update(1)
                except BrokenProcessPool:
                    break
        for index in (i for i in range(len(work)) if i not in results):  # after a worker died, one at a time
            with _StoppingPool(1, worker_memory) as alone:
                try:
                    results[index] = alone.submit(_clean_room_job, work[index]).result()
                except BrokenProcessPool:
                    results[index] = FileAudit(str(files[index]), "audit failed",
                                               "the audit's worker process died auditing this file")
            bar.update(1)
        return [results[index] for index in range(len(work))]
    finally:
        bar.close()


class _StoppingPool(ProcessPoolExecutor):
    """Workers whose memory is limited; leaving it by an exception (Ctrl-C above all) ends them at once,
    instead of waiting for each running file to finish or time out."""

    def __init__(self, workers: int, memory_mb: int) -> None:
        super().__init__(max_workers=workers, initializer=_limit_worker_memory, initargs=(memory_mb,))

    def __exit__(self, kind, value, traceback):
        if kind is not None and not issubclass(kind, BrokenProcessPool):
            pools.stop_workers(self)
            return False
        return super().__exit__(kind, value, traceback)


def _limit_worker_memory(megabytes: int) -> None:
    """A worker's memory limit: the answer key runs there on sizes the student's code chose."""
    import resource

    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _clean_room_job(args: tuple) -> FileAudit:
    return clean_room(*args)
