"""nbgrader's whole autograde of a submission on a Dask worker, against the shared gradebook.

With `c.Cluster.bookkeeping = "workers"` (or `backprop-hw autograde --bookkeeping workers`), the
coordinator only lists the submissions, ships each one with the assignment's source/ and the
course's configuration, and writes back the autograded folder that comes back. Everything else
nbgrader does per submission (the sanitizing pass, the students and submissions and their
timestamps, the grades and late penalties, the autograde pass) runs on the worker, with the same
converter as the coordinator's (autograde.ParallelAutograde) and the same runner (worker.execute)
in the same process, in a course root of its own made from what the task carries. The gradebook
must be one that every worker reaches: a database server (PostgreSQL), never a sqlite file.

A worker that dies mid-task leaves its submission's rows half-written at worst; Dask runs the task
again elsewhere, and nbgrader's autograde rewrites that submission's rows whole (they are keyed by
student and assignment), so nothing is lost or counted twice. The coordinator records a submission
as graded (the resume state, the progress bar) only once its folder has come back.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from backprop_hw.grading import worker as runner

# nbgrader's converter works in the course root's folder (os.chdir, for the whole process): a worker
# process with several threads grades one submission at a time (run workers with --nthreads 1).
_one_at_a_time = threading.Lock()
TASK_PREFIX = "grade-"  # as the coordinator-bookkeeping tasks: the same name in Dask's dashboard


def shared_gradebook(db_url: str) -> bool:
    """Whether workers on other machines can write this gradebook (not a sqlite file)."""
    return not db_url.startswith("sqlite")


class _InlinePool:
    """The converter's pool on a worker: executes at once, in this process (worker.execute, the
    runner of every pool), and hands back a finished future."""

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as error:  # noqa: BLE001  (the converter reports it for this submission)
            future.set_exception(error)
        return future


class _Errors(logging.Handler):
    """What nbgrader logs as errors while grading one submission on a worker: the coordinator
    logs it under the submission's name."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def autograde_submission(config, assignment: str, student: str, source_files: dict[str, bytes],
                         submission_files: dict[str, bytes], settings: dict) -> dict:
    """On a worker: nbgrader's autograde of one submission, writing the shared gradebook; the files
    of its autograded folder, what the runner saw, the repairs, and nbgrader's errors."""
    with _one_at_a_time:
        return _autograde_submission(config, assignment, student, source_files, submission_files, settings)


def _autograde_submission(config, assignment, student, source_files, submission_files, settings) -> dict:
    from nbgrader.coursedir import CourseDirectory

    from backprop_hw.grading.autograde import ParallelAutograde

    started = time.perf_counter()
    # Under the system's temporary folder, which the sandbox hides from every kernel: the kernel
    # never sees this course root, its source/ or its hidden tests.
    with tempfile.TemporaryDirectory(prefix="backprop-hw-course-") as folder:
        root = Path(folder)
        runner.write_files(root / "source" / assignment, source_files)
        runner.write_files(root / "submitted" / student / assignment, submission_files)
        config = copy.deepcopy(config)
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.assignment_id = assignment
        config.CourseDirectory.student_id = student
        coursedir = CourseDirectory(config=config)
        converter = ParallelAutograde(coursedir=coursedir, config=config)
        errors = _Errors()
        converter.log.addHandler(errors)
        converter.pool, converter.settings, converter.rerun_all = _InlinePool(), settings, 1
        here = os.getcwd()
        try:
            converter.start()
        finally:
            os.chdir(here)
            converter.log.removeHandler(errors)
        autograded = root / coursedir.autograded_directory / student / assignment
        files = runner.folder_files(str(autograded)) if student in converter.graded_now else None
        return {"files": files, "outcome": converter.outcomes.get(student, {}),
                "repairs": converter.repairs.get(student, []), "refusals": converter.refusals.get(student, []),
                "errors": errors.lines,
                "failed": converter.failed_any,
                "seconds_on_worker": time.perf_counter() - started}


@dataclass
class Run:
    """What a run with the bookkeeping on the workers leaves (as ParallelAutograde does)."""

    graded_now: list[str] = field(default_factory=list)
    outcomes: dict[str, dict] = field(default_factory=dict)
    repairs: dict[str, list[str]] = field(default_factory=dict)
    refusals: dict[str, list[str]] = field(default_factory=dict)
    failed_any: bool = False
    timings: dict[str, dict[str, float]] = field(default_factory=dict)  # {student: {"on worker", "executing": s}}


def run(app, pool, settings: dict, on_graded) -> Run:
    """Grade every submission of app's assignment on pool's cluster (a cluster.ClusterPool), each
    task doing all of nbgrader's work for it; write back each autograded folder as it arrives.
    Submissions graded before and unchanged are skipped, as in the coordinator's runs."""
    from distributed import as_completed
    from nbgrader.converters import Autograde

    from backprop_hw.grading.autograde import Graded, fingerprint_folder, load_state, save_state

    coursedir = app.coursedir
    assignment, course_root = coursedir.assignment_id, Path(coursedir.root)
    submitted = course_root / coursedir.submitted_directory
    state_file, state = load_state(course_root, assignment)
    done = Run()
    config = copy.deepcopy(app.config)
    [source_files, config_future] = pool.client.scatter(
        [runner.folder_files(str(course_root / coursedir.source_directory / assignment)), config], broadcast=True)
    permissions = int(str(Autograde(coursedir=coursedir, parent=app).permissions), 8)  # nbgrader's, for autograded/
    futures = {}
    for folder in sorted(submitted.glob(f"{coursedir.student_id}/{assignment}")):
        student = folder.parent.name
        autograded = course_root / coursedir.autograded_directory / student / assignment
        if not app.force_all and state.get(student) == fingerprint_folder(folder) and autograded.is_dir():
            app.log.info("Skipping %s: graded before and unchanged", student)
            continue
        files = runner.folder_files(str(folder))
        if folder.is_symlink():  # never followed: its notebooks travel as the link they are (refused there)
            files = {p.name: os.readlink(folder) for p in (course_root / coursedir.release_directory / assignment).glob("*.ipynb")}
        future = pool.client.submit(autograde_submission, config_future, assignment, student, source_files, files, settings,
                                    key=f"{TASK_PREFIX}{student}-{pool.run_id}", pure=False)
        futures[future] = (student, folder)
    for future in as_completed(futures, loop=pool.client.loop):
        student, folder = futures[future]
        try:
            result = future.result()
        except Exception as error:  # noqa: BLE001  (a task lost too often: nothing recorded, a rerun grades it)
            app.log.error("%s: could not be graded on the cluster: %s: %s", student, type(error).__name__, error)
            done.failed_any = True
            continue
        for line in result["errors"]:
            app.log.error("%s: %s", student, line)
        done.failed_any |= result["failed"]
        if result["files"] is None:  # nbgrader could not grade it (its errors are above), or skipped it
            continue
        autograded = course_root / coursedir.autograded_directory / student / assignment
        if autograded.exists():
            shutil.rmtree(autograded)
        runner.write_files(autograded, result["files"])
        for path in autograded.rglob("*"):
            if path.is_file():
                path.chmod(permissions)
        state[student] = fingerprint_folder(folder)
        save_state(state_file, state)
        done.graded_now.append(student)
        done.outcomes[student] = result["outcome"]
        done.repairs[student] = result["repairs"]
        done.refusals[student] = result["refusals"]
        done.timings[student] = {"on worker": result["seconds_on_worker"],
                                 "executing": result["outcome"].get("seconds_executing", 0.0)}
        on_graded(Graded(student, result["outcome"].get("status", "ok"), result["outcome"].get("message", ""),
                         result["repairs"], result["refusals"]))
    return done
