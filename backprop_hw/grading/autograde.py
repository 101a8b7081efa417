"""`backprop-hw autograde ASSIGNMENT --jobs N`: nbgrader's autograde, with execution in parallel.

nbgrader's own converter does all the bookkeeping (students, submissions and
timestamps, the sanitizing pass, SaveAutoGrades, late penalties, the
autograded/ folder and its permissions), so the gradebook rows and the
autograded notebooks are nbgrader's. Only the execution step moves out to a
pool of workers, in two passes over the submissions:

1. sanitize every submission (nbgrader's pass: clear outputs, restore the
   test cells with their hidden tests, ...) and queue it for execution;
2. in submission order, wait for each executed notebook and run nbgrader's
   autograde pass on it, with `PooledExecute` handing over the result instead
   of executing again.

An interrupted run resumes: a state file beside the gradebook records the
submissions graded (by a fingerprint of their files), and those are skipped
unless they changed or --force is given.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import os
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.apps.autogradeapp import AutogradeApp
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter, NbGraderException
from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError
from nbgrader.preprocessors import Execute
from nbgrader import utils as nbgrader_utils
from traitlets import Any, Instance, Integer, default

from backprop_hw.grading import cluster, links, on_workers, pools, repair, sandbox, scan, speedups, worker
from backprop_hw.grading.limits import GradingLimits
from backprop_hw.grading.execute import GradingExecute


@dataclass
class Graded:
    """One submission this run recorded in the gradebook, with what the worker and the repair saw."""

    student: str
    status: str = "ok"  # or how the worker stopped the kernel: "timeout", "memory", "kernel died", ...
    message: str = ""
    repairs: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # links and special files, graded as missing (grading/links.py)


class PooledExecute(GradingExecute):
    """In pass 2: hand over the notebook a worker executed for this submission (else execute here).

    The future and the outcome live on the converter of this run (the exporter's parent), not in
    nbgrader's resources: nbconvert deep-copies those before the preprocessors see them."""

    def preprocess(self, nb, resources=None, km=None):
        converter = getattr(self.parent, "parent", None)
        student = resources["nbgrader"]["student"]
        future = converter.pending.pop(student, None) if isinstance(converter, ParallelAutograde) else None
        if future is None:
            return super().preprocess(nb, resources, km=km)
        started = time.perf_counter()
        try:
            outcome = future.result()
        except Exception as error:  # noqa: BLE001  (a worker lost too often, say: nothing recorded, a rerun grades it)
            raise NbGraderException(f"{student}: could not be executed: {type(error).__name__}: {error}") from None
        outcome["seconds_waiting"] = time.perf_counter() - started
        if "files" in outcome:  # executed on a cluster's worker: what the notebook wrote there comes here
            cluster.written_back(outcome, converter.built[student])
        converter.outcomes[student] = outcome
        if outcome["notebook_json"] is None:
            raise NbGraderException(f"{student}: could not be executed: {outcome['message']}")
        return nbformat.reads(outcome["notebook_json"], as_version=4), resources


class ParallelAutograde(Autograde):
    """nbgrader's Autograde converter with the Execute step farmed out to worker processes."""

    pool = Any(allow_none=True)  # a ProcessPoolExecutor, or a cluster.ClusterPool
    settings = Instance(dict, allow_none=True)
    rerun_all = Integer(0)  # 1 with --force: grade everything again

    def __init__(self, *args, on_graded=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase = "prefetch"
        self.prefetched: set[tuple[str, str]] = set()
        self.failed_any = False  # nbgrader could not grade some submission
        self.graded_now: list[str] = []  # students graded in this run, in order
        self.on_graded = on_graded or (lambda graded: None)
        # this run's results, by student: executions in flight (pass 1 to pass 2), the workers'
        # outcomes (status, message, timings), the repairs of damaged metadata
        self.pending: dict[str, Future] = {}  # (or distributed's futures, on a cluster)
        self.built: dict[str, str] = {}  # the sanitized notebook each execution is of
        self.outcomes: dict[str, dict] = {}
        self.repairs: dict[str, list[str]] = {}
        self.refusals: dict[str, list[str]] = {}
        self.state_file, self.state = load_state(Path(self.coursedir.root), self.coursedir.assignment_id)
        self.autograde_preprocessors = [PooledExecute if isinstance(p, type) and issubclass(p, Execute) else p
                                        for p in self.autograde_preprocessors]
        # links are refused, then damaged nbgrader metadata is repaired (and noted) before nbgrader's own
        # sanitizing sees it (the course's config lists both first)
        for first in (repair.RepairMetadata, links.RefuseLinks):
            if first not in self.sanitize_preprocessors:
                self.sanitize_preprocessors = [first] + list(self.sanitize_preprocessors)
        self.timings: dict[str, dict[str, float]] = {}

    # -- the two passes -------------------------------------------------------------------------

    def start(self) -> None:
        self.init_notebooks()
        from nbconvert.writers import FilesWriter

        self.writer = FilesWriter(parent=self, config=self.config)
        self.exporter = self.exporter_class(parent=self, config=self.config)
        # nbconvert validates the whole notebook after each of the 13 preprocessors, a third of a second
        # of CPU per submission; its own option validates once, after the last (the same error if invalid)
        self.exporter.optimistic_validation = True
        here = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            for phase in ("prefetch", "finish"):
                self.phase = phase
                try:
                    self.convert_notebooks()
                except NbGraderException as error:  # nbgrader goes on past a failed submission, then raises
                    self.failed_any = True
                    self.log.error("%s", error)
        finally:
            os.chdir(here)

    def fingerprint(self, assignment_id: str, student_id: str) -> str:
        return fingerprint_folder(Path(self._format_source(assignment_id, student_id)))

    def init_destination(self, assignment_id: str, student_id: str) -> bool:
        if self.phase == "finish":
            return any(s == student_id for s, _ in self.prefetched)
        done = self.state.get(student_id)
        autograded = Path(self._format_dest(assignment_id, student_id))
        if not self.rerun_all and done == self.fingerprint(assignment_id, student_id) and autograded.is_dir():
            self.log.info("Skipping %s: graded before and unchanged", student_id)
            return False
        forced, self.force = self.force, True  # an unfinished or changed submission is graded afresh
        try:
            return super().init_destination(assignment_id, student_id)
        finally:
            self.force = forced

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        if self.phase == "finish":  # files are about to be copied again: let this student's run finish first
            if student_id in self.pending:
                self.pending[student_id].exception()
        started = time.perf_counter()
        # nbgrader copies the submission's files into autograded/, following links: not those (links.py)
        unsafe = links.refused(self._format_source(assignment_id, student_id))
        ignore = self.coursedir.ignore
        self.coursedir.ignore = list(ignore) + (["*"] if "." in unsafe else [glob.escape(os.path.basename(r)) for r in unsafe])
        try:
            super().init_assignment(assignment_id, student_id)
        finally:
            self.coursedir.ignore = ignore
        self._time(student_id, "database", time.perf_counter() - started)

    def convert_single_notebook(self, notebook_filename: str) -> None:
        resources = self.init_single_notebook_resources(notebook_filename)
        student, notebook = resources["nbgrader"]["student"], resources["nbgrader"]["notebook"]
        built = os.path.join(self._format_dest(resources["nbgrader"]["assignment"], student),
                             os.path.basename(notebook_filename))
        started = time.perf_counter()
        if self.phase == "prefetch":
            self._sanitizing = True
            self._init_preprocessors()
            with _one_submission_fails_alone(student):
                BaseConverter.convert_single_notebook(self, notebook_filename)
            self.built[student] = built
            if isinstance(self.pool, cluster.ClusterPool):
                self.pending[student] = self.pool.submit_folder(student, built, self.settings)
            else:
                self.pending[student] = self.pool.submit(worker.execute, built, self.settings)
            self.prefetched.add((student, notebook))
            self._time(student, "preprocessing", time.perf_counter() - started)
            return
        self._sanitizing = False
        self._init_preprocessors()
        try:
            with nbgrader_utils.setenv(NBGRADER_EXECUTION="autograde"), _one_submission_fails_alone(student):
                BaseConverter.convert_single_notebook(self, built)
        finally:
            self._sanitizing = True
        outcome = self.outcomes.get(student, {})
        spent = time.perf_counter() - started - outcome.get("seconds_waiting", 0.0)
        self._time(student, "executing", outcome.get("seconds_executing", 0.0))
        self._time(student, "kernel start", outcome.get("seconds_kernel_ready", 0.0))
        self._time(student, "hidden tests in the grader", outcome.get("seconds_checking", 0.0))
        self._time(student, "hidden tests waiting for the kernel", outcome.get("seconds_waiting_for_kernel", 0.0))
        self._time(student, "preprocessing", spent)

    def set_permissions(self, assignment_id: str, student_id: str) -> None:
        if self.phase == "finish":
            super().set_permissions(assignment_id, student_id)
            self.state[student_id] = self.fingerprint(assignment_id, student_id)
            save_state(self.state_file, self.state)
            self.graded_now.append(student_id)
            outcome = self.outcomes.get(student_id, {})
            self.on_graded(Graded(student_id, outcome.get("status", "ok"), outcome.get("message", ""),
                                  self.repairs.get(student_id, []), self.refusals.get(student_id, [])))

    def run_pre_convert_hook(self):
        if self.phase == "finish":
            super().run_pre_convert_hook()

    def run_post_convert_hook(self):
        if self.phase == "finish":
            super().run_post_convert_hook()

    def _time(self, student: str, what: str, seconds: float) -> None:
        self.timings.setdefault(student, {}).setdefault(what, 0.0)
        self.timings[student][what] += seconds


def fingerprint_folder(folder: Path) -> str:
    """A digest of a submission's files (names and contents; a link by its target's name, never
    followed): changed files, another grading."""
    digest = hashlib.sha256()
    for relative, data in sorted(worker.folder_files(str(folder)).items()):
        digest.update(relative.encode() + b"\0" + (data if isinstance(data, bytes) else b"link:" + data.encode()))
    return digest.hexdigest()


def load_state(course_root: Path, assignment: str) -> tuple[Path, dict[str, str]]:
    """The resume state of the course's runs: its file, and {student: fingerprint of what was graded}."""
    state_file = course_root / ".backprop-hw" / f"autograde-{assignment}.json"
    return state_file, (json.loads(state_file.read_text()) if state_file.exists() else {})


def save_state(state_file: Path, state: dict[str, str]) -> None:
    state_file.parent.mkdir(exist_ok=True)
    state_file.write_text(json.dumps(state, indent=1))


@contextmanager
def _one_submission_fails_alone(student: str):
    """nbgrader stops the whole run at the first notebook with cell metadata of another schema
    version; make that an error of this submission alone, so the others are still graded."""
    try:
        yield
    except (SchemaTooOldError, SchemaTooNewError) as error:
        raise RuntimeError(f"{student}: the notebook's nbgrader metadata has another schema version than "
                           f"this nbgrader's ({type(error).__name__}); `nbgrader update` converts an older file") from None


class ParallelAutogradeApp(AutogradeApp):
    """`nbgrader autograde` with ParallelAutograde: the same options, configuration and gradebook."""

    name = "backprop-hw-autograde"

    @default("classes")
    def _classes_default(self):
        return AutogradeApp._classes_default(self) + [GradingLimits, sandbox.Sandbox, cluster.Cluster]

    def start(self) -> None:
        from nbgrader.apps.baseapp import NbGrader

        NbGrader.start(self)
        speedups.apply()
        if len(self.extra_args) != 1:
            self.fail("Give exactly one assignment id")
        self.coursedir.assignment_id = self.extra_args[0]
        limits = GradingLimits(parent=self)
        policy = sandbox.Policy.from_config(parent=self, hidden=(self.coursedir.root,))
        sandbox.check(policy)  # before any work: no sandbox, no grading (unless the course opted out)
        jobs = self.jobs or limits.jobs
        execute = GradingExecute(parent=self)  # the course's Execute options, resolved as nbgrader resolves them
        settings = worker.Settings(
            timeout=execute.timeout, interrupt_on_timeout=execute.interrupt_on_timeout,
            raise_on_iopub_timeout=execute.raise_on_iopub_timeout,
            # Output still arriving after a cell's reply: nbclient waits iopub_timeout for it, then nbgrader
            # fails the submission. With N kernels on the cores a flood drains up to N times slower than in
            # nbgrader's lone kernel (seen: 2,000 results of a cell still arriving after 30 s with six
            # kernels on two cores), and output that arrives is progress, not a hang: we wait as long as
            # the submission has time left (the wall time stops an endless flood).
            iopub_timeout=max(execute.iopub_timeout, int(limits.wall_time)),
            wall_time=limits.wall_time, memory_limit_mb=limits.memory_limit_mb,
            output_limit_kb=limits.output_limit_kb, fork_kernels=limits.fork_kernels,
            max_restarts=execute.max_restarts,
            sandbox_policy=policy.as_dict(),
        ).__dict__
        progress = self.progress_factory(self.count_submissions())

        def graded(record: Graded) -> None:
            progress.update(1)
            self.on_graded(record)

        where = cluster.Cluster(parent=self)
        address = self.scheduler or where.scheduler
        bookkeeping = self.bookkeeping or where.bookkeeping
        if bookkeeping == "workers":
            if not address:
                self.fail("--bookkeeping workers needs a Dask cluster: give --scheduler (or c.Cluster.scheduler)")
            if not on_workers.shared_gradebook(self.coursedir.db_url):
                self.fail(f"--bookkeeping workers needs a gradebook every worker can write, a database server such "
                          f"as PostgreSQL (c.CourseDirectory.db_url); this course's is {self.coursedir.db_url}")
        if address:
            pool = cluster.ClusterPool(address, settings, where.connect_timeout)
            self.log.info("Executing on the %d workers of the Dask cluster at %s", pool.workers(), address)
            if bookkeeping == "workers":
                try:
                    self.converter = on_workers.run(self, pool, settings, graded)
                finally:
                    progress.close()
                    pool.close()
                return
            stop, leave = (lambda: pool.client.cancel(list(converter.pending.values()), force=True)), pool.close
        else:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker.init_worker, initargs=(settings,))
            stop, leave = (lambda: pools.stop_workers(pool)), pool.shutdown
        converter = ParallelAutograde(coursedir=self.coursedir, parent=self, on_graded=graded)
        converter.pool, converter.settings, converter.rerun_all = pool, settings, int(self.force_all)
        try:
            converter.start()
        except BaseException:  # Ctrl-C above all: stop now, not when the running kernels time out
            stop()
            raise
        finally:
            progress.close()
            for future in converter.pending.values():
                future.cancel()
            leave()
        self.converter = converter

    jobs = 0
    force_all = False
    scheduler = ""  # a Dask scheduler's address: from the command line, else c.Cluster.scheduler
    bookkeeping = ""  # "coordinator" or "workers": from the command line, else c.Cluster.bookkeeping
    progress_factory = staticmethod(lambda total: _NoProgress())
    on_graded = staticmethod(lambda graded: None)

    def count_submissions(self) -> int:
        submitted = Path(self.coursedir.root) / self.coursedir.submitted_directory
        return sum(1 for p in submitted.glob(f"*/{self.coursedir.assignment_id}") if p.is_dir())


def suspicious_code(course_root: Path, assignment: str) -> dict[str, list[str]]:
    """{student: flags} for the submitted notebooks whose code the scan flags (see grading/scan.py)."""
    found = {}
    for notebook in sorted((Path(course_root) / "submitted").glob(f"*/{assignment}/*.ipynb")):
        flags = scan.scan_file(notebook)  # an unreadable file is nbgrader's error to report
        if flags:
            found.setdefault(notebook.parent.parent.name, []).extend(flags)
    return found


def misnamed_notebooks(course_root: Path, assignment: str) -> dict[str, list[str]]:
    """{student: the notebooks they handed in} for each submission that lacks a notebook of the
    release's name but holds others: nbgrader skips those ("unknown notebook") and grades nothing."""
    released = {p.name for p in (Path(course_root) / "release" / assignment).glob("*.ipynb")}
    found = {}
    for folder in sorted((Path(course_root) / "submitted").glob(f"*/{assignment}")):
        names = sorted(p.name for p in folder.glob("*.ipynb"))
        if names and released and not released & set(names):
            found[folder.parent.name] = names
    return found


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


class HideTracebacks(logging.Filter):
    """nbgrader logs the traceback of every submission it could not grade: keep its last line, the
    error itself, and leave the rest to --debug."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "the above traceback" in message:
            return False
        if message.startswith("Traceback (most recent call last)"):
            error = message.strip().splitlines()[-1].strip()
            record.msg, record.args = "    %s (--debug shows the traceback)", (error,)
        return True


def run(course_root: Path, assignment: str, jobs: int = 0, force: bool = False, progress: bool = True,
        extra_args: list[str] | None = None, on_graded=None, log_level: str = "WARN",
        tracebacks: bool = True, scheduler: str = "", bookkeeping: str = "") -> ParallelAutograde:
    """Autograde every submission of `assignment` under course_root/submitted with `jobs` workers
    (0: as nbgrader_config.py says), or on the Dask cluster whose scheduler is at `scheduler` (empty:
    as nbgrader_config.py says), with nbgrader's bookkeeping of each submission on this machine
    (bookkeeping "coordinator") or on the cluster's workers ("workers"; empty: as nbgrader_config.py
    says; see on_workers.py); `on_graded(Graded)` is called as each one is recorded. The
    converter returned holds the run's results: graded_now, outcomes, repairs, failed_any.
    tracebacks=False keeps nbgrader's tracebacks of failed submissions out of the log."""
    from tqdm import tqdm

    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own session warnings, harmless noise
    hide = HideTracebacks()
    here = os.getcwd()
    os.chdir(course_root)
    try:
        app = ParallelAutogradeApp()  # here: nbgrader finds nbgrader_config.py in the working folder
        app.jobs, app.force_all, app.scheduler, app.bookkeeping = jobs, force, scheduler, bookkeeping
        if on_graded is not None:
            app.on_graded = on_graded
        if progress:
            app.progress_factory = lambda total: tqdm(total=total, unit="submission", desc="autograde",
                                                      disable=None, file=sys.stderr)
        app.initialize([assignment, f"--log-level={log_level}", *(extra_args or [])])
        if not tracebacks:
            app.log.addFilter(hide)  # the logger is named after the app class
        app.start()
        return app.converter
    finally:
        os.chdir(here)
        logging.getLogger(ParallelAutogradeApp.__name__).removeFilter(hide)
