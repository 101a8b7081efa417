"""`backprop-hw audit PATH...`: grade each submission again in a clean room, and compare.

The notebook grade runs the hidden tests in the student's kernel, where the
student's code ran first and could have changed anything (NumPy, the checks,
IPython). The clean room keeps only what the grade should depend on:

1. from each code cell of the submission (test cells excepted), its imports and
   its function definitions; every other top-level statement is dropped;
2. those run in a fresh process of their own (student_process.py): no grader
   environment variables, the grader's package cannot be imported, 
   the course's time and memory limits;
3. the hidden checks (backprop_hw.checks, the very functions the notebook's
   hidden tests call) run here, in the audit's process, which the student's code
   never enters: they call the student's functions through a pipe and compare
   the plain arrays that come back (plain_data.py).

Each graded cell then has two results, the notebook's and the clean room's; any
difference is reported with the cells involved. On honest submissions they
agree exactly (a test runs the harness catalogues through both).
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import nbformat
import numpy as np

from backprop_hw import notebooks, paths
from backprop_hw.checks import answer_key
from backprop_hw.checks.calling import HiddenTestFailure, OutsideFunction
from backprop_hw.checks.isolation import quiet
from backprop_hw.checks import messages
from backprop_hw.checks.messages import say
from backprop_hw.grading import grade as grade_module
from backprop_hw.grading import limits, plain_data, repair, sandbox, scan

STUDENT_PROCESS = Path(__file__).with_name("student_process.py")
HIDDEN_CHECK = re.compile(r"^\s*(check_\w+)\((\w+)\)", flags=re.MULTILINE)
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # far above any honest reply (the largest is a few arrays of 400 examples)
WORKER_MEMORY_MB = 2048  # beyond the student's limit, for the checks and the answer key run on its behalf
AUDIT_SEED = 0  # each file starts from the same random state: the audit of a file never depends on the one before


class StudentError(Exception):
    """What the student's function did instead of returning: raised, ran too long, ended its process."""


class _OutOfTime(BaseException):
    """A call's time ran out (the alarm of _alarm), wherever this process was: waiting for the
    student's process, or running the answer key on its behalf."""


def printable(text: str, limit: int = 500) -> str:
    """Text the student's code chose, safe to print in a report: one line, no control characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return text if len(text) <= limit else text[:limit] + "..."


# --- what the clean room runs ---------------------------------------------------------------


@dataclass
class Graded:
    """One graded test cell: what it checks and with which hidden check."""

    grade_id: str
    points: float
    function: str
    check: str


def graded_cells(assignment: str = paths.ASSIGNMENT) -> list[Graded]:
    """The release's graded test cells in order, each with the check its hidden tests call."""
    source = notebooks.read(paths.source_notebook(assignment))
    functions = notebooks.cell_functions(source)
    checks = {}
    for cell in source.cells:
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution") and (found := HIDDEN_CHECK.search(cell.source)):
            checks[meta["grade_id"]] = found.group(1)
    return [Graded(c.grade_id, c.points, functions[c.grade_id], checks[c.grade_id])
            for c in notebooks.graded_cells(source)]


def student_code(nb: nbformat.NotebookNode) -> tuple[list[dict], dict[str, list[str]], list[str]]:
    """The imports and function definitions of every code cell that is not a test cell.

    Returns the pieces to run in order ({"source", "filename"}), where each function is
    defined ({name: ["cell 12", ...]}), and the cells that could not be read as Python.
    """
    pieces, defined, unreadable = [], {}, []
    for number, cell in enumerate(nb.cells, start=1):
        meta = notebooks.nbgrader_meta(cell)
        if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        try:
            tree = ast.parse(scan.python_of(cell.source))
        except (SyntaxError, ValueError) as error:
            unreadable.append(f"cell {number}: {type(error).__name__}: {error}")
            continue
        kept = [node for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef))]
        if not kept:
            continue
        for node in kept:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defined.setdefault(node.name, []).append(f"cell {number}")
        pieces.append({"source": ast.unparse(ast.Module(body=kept, type_ignores=[])), "filename": f"<cell {number}>"})
    return pieces, defined, unreadable


# --- the student's process -------------------------------------------------------------------


class StudentProcess:
    """The student's functions in a process of their own, called through its pipes."""

    def __init__(self, code: list[dict], graded: list[str], workdir: Path, timeout: float, memory_mb: int,
                 wall_time: float = limits.WALL_TIME, policy: sandbox.Policy = sandbox.Policy()) -> None:
        self.code, self.graded, self.workdir, self.policy = code, graded, workdir, policy
        self.jail: sandbox.Jail | None = None
        self.timeout, self.memory_mb, self.wall_time = timeout, memory_mb, wall_time
        self.ends = time.monotonic() + wall_time  # all calls of one submission together
        self.process: subprocess.Popen | None = None
        self.buffer = bytearray()
        self.load_errors: list[str] = []
        self.rng_seen = None
        self.tested = ""  # the function under test: its own answer key stays out of reach

    # -- life ------------------------------------------------------------------------------------

    def start(self) -> None:
        limit = self.memory_mb * 1024 * 1024

        command, cwd = [sys.executable, "-I", str(STUDENT_PROCESS)], self.workdir
        sandbox.check(self.policy)
        if self.policy.enabled:  # a sandbox of its own, with a working copy of workdir
            self.jail = sandbox.Jail(self.policy)
            self.jail.stage(self.workdir)
            command, cwd = self.jail.command(command), self.jail.folder

        def limits() -> None:
            import resource

            if self.jail is not None:
                self.jail.enter_cgroup()
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.workdir), "LANG": "C.UTF-8",
               "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=cwd, env=env, start_new_session=True, preexec_fn=limits)
        self.buffer, self.rng_seen = bytearray(), None
        self._send({"code": self.code, "graded": self.graded})
        loaded = self._receive(min(time.monotonic() + max(self.timeout, 60.0), self.ends))  # imports take a while
        errors = loaded.get("errors")
        self.load_errors = [printable(e) for e in errors][:20] if isinstance(errors, list) else []

    def close(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # its children too
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()
        self.process = None
        if self.jail is not None:
            self.jail.close()
            self.jail = None

    # -- the pipe ----------------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        state = np.random.get_state()
        if self.rng_seen is None or not plain_data.same_random_state(state, self.rng_seen):
            message["rng"] = plain_data.encode(state)
            self.rng_seen = state
        try:
            self.process.stdin.write(plain_data.dumps(message))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._ended() from None

    def _receive(self, deadline: float) -> dict:
        out = self.process.stdout.fileno()
        searched = 0
        while (end := self.buffer.find(b"\n", searched)) < 0:
            searched = len(self.buffer)
            if searched > MAX_MESSAGE_BYTES:
                self.close()
                raise StudentError(f"the student's process sent a message over {MAX_MESSAGE_BYTES >> 20} MB")
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise self._out_of_time(deadline)
            ready, _, _ = select.select([out], [], [], left)
            if ready:
                chunk = os.read(out, 1 << 20)
                if not chunk:
                    raise self._ended()
                self.buffer += chunk
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        try:
            message = plain_data.loads(line)
            if "rng" in message:
                np.random.set_state(plain_data.random_state(message["rng"]))
                self.rng_seen = np.random.get_state()
        except (ValueError, TypeError, KeyError, RecursionError, OverflowError) as error:  # DataError is a ValueError
            self.close()
            raise StudentError("the student's process sent something that is not plain data "
                               f"({printable(error, 200)})") from None
        return message

    def _ended(self) -> StudentError:
        try:
            code = self.process.wait(timeout=2) if self.process else None
        except subprocess.TimeoutExpired:  # it closed its pipe and lives on: close() ends it
            code = None
        self.close()  # its process group too, and our ends of the pipes
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        memory = " (out of memory?)" if code == -signal.SIGKILL or code == 1 else ""
        return StudentError(f"the student's process ended ({how}{memory})")

    # -- a call ------------------------------------------------------------------------------------

    def call(self, name: str, args: tuple, kwargs: dict, count_lines: bool = False) -> Any:
        if self.process is None:
            if time.monotonic() >= self.ends:  # no new process once the submission's time is spent
                raise self._out_of_time(self.ends)
            self.start()
        callbacks: list[Callable] = []

        def number(function: Callable) -> int:
            callbacks.append(function)
            return len(callbacks) - 1

        self.tested = name
        deadline = min(time.monotonic() + self.timeout, self.ends)
        # The answer key and callbacks run here, in between, on what the student's code asked for:
        # the alarm bounds them by the call's time, and whatever they print goes nowhere.
        try:
            with _alarm(deadline - time.monotonic()), open(os.devnull, "w") as nowhere, \
                    contextlib.redirect_stdout(nowhere), contextlib.redirect_stderr(nowhere):
                return self._call(name, args, kwargs, count_lines, deadline, callbacks, number)
        except _OutOfTime:
            self.close()
            raise self._out_of_time(deadline) from None

    def _out_of_time(self, deadline: float) -> StudentError:
        if deadline >= self.ends:
            return StudentError(f"the submission's functions ran longer than {self.wall_time:g} s in all "
                                f"(GradingLimits.wall_time)")
        return StudentError(f"the function ran longer than {self.timeout:g} s (Execute.timeout)")

    def _call(self, name: str, args: tuple, kwargs: dict, count_lines: bool, deadline: float,
              callbacks: list[Callable], number: Callable[[Callable], int]) -> Any:
        self._send({"op": "call", "name": name, "args": plain_data.encode(list(args), number),
                    "kwargs": plain_data.encode(kwargs, number), "count_lines": count_lines})
        while True:
            message = self._receive(deadline)
            op = message.get("op")
            if op in ("key", "callback"):
                self._answer(message, callbacks)
                continue
            try:
                if op == "raised":
                    raise StudentError(printable(f"{message.get('type')}: {message.get('message')}"))
                if op != "result":
                    raise plain_data.DataError(f"unexpected message {op!r}")
                value = plain_data.decode(message["value"])
                if not count_lines:
                    _copy_back(list(args), plain_data.decode(message["args_after"]))
                    _copy_back(kwargs, plain_data.decode(message["kwargs_after"]))
                return value
            except (plain_data.DataError, KeyError, TypeError, RecursionError, OverflowError) as error:
                self.close()
                raise StudentError("the student's process sent something that is not plain data "
                                   f"({printable(error, 200)})") from None

    def _answer(self, message: dict, callbacks: list[Callable]) -> None:
        """A stand-in or a function argument called back from the student's side.

        The answer key runs here on arguments the student's code chose: within the call's alarm,
        printing nowhere (print_cost=True must not reach --json), in a worker whose memory is
        limited (clean_rooms)."""
        try:
            if message["op"] == "key":
                name = message.get("name")
                if name not in answer_key.GRADED_FUNCTIONS:
                    raise StudentError(f"there is no stand-in for {printable(name, 100)}")
                if name == self.tested:  # kept from another function's test (see harness.UNDER_TEST)
                    raise HiddenTestFailure(say("stand_in_refused", name=name))
                function = answer_key.GRADED_FUNCTIONS[name]
            else:
                function = callbacks[int(message["id"])]
            args, kwargs = plain_data.decode(message["args"]), plain_data.decode(message["kwargs"])
            if not isinstance(args, list) or not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
                raise plain_data.DataError("a call's arguments must be a list and a dict")
            with quiet():
                value = function(*args, **kwargs)
            reply = {"op": "return", "value": plain_data.encode(value)}
        except Exception as error:  # noqa: BLE001  (the student's side gets the error, as a call would)
            reply = {"op": "raise", "message": printable(f"{type(error).__name__}: {error}")}
        self._send(reply)


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in this thread after `seconds` (only the main thread can take signals:
    elsewhere, as in a test's thread, only the waits for the student's process are bounded)."""
    if threading.current_thread() is not threading.main_thread() or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # no signals here, or an outer call's alarm already runs (the earlier deadline)
        return
    if seconds <= 0:
        raise _OutOfTime

    def out_of_time(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _copy_back(original: Any, after: Any) -> None:
    """What the student's function did to its arguments, done to ours (a check may look)."""
    if isinstance(original, np.ndarray) and isinstance(after, np.ndarray):
        if original.shape == after.shape and original.flags.writeable:
            original[...] = after
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in list(original):
            if key not in after:
                del original[key]
        for key, value in after.items():
            mine = original.get(key)
            same_array = isinstance(mine, np.ndarray) and isinstance(value, np.ndarray) and mine.shape == value.shape
            if same_array or (isinstance(mine, dict) and isinstance(value, dict)) or (
                    isinstance(mine, list) and isinstance(value, list) and len(mine) == len(value)):
                _copy_back(mine, value)  # in place: the check may hold the inner object too
            else:
                original[key] = value  # added, or replaced by something else (another shape, another type)
    elif isinstance(original, list) and isinstance(after, list) and len(original) == len(after):
        for mine, theirs in zip(original, after):
            _copy_back(mine, theirs)


class StudentFunction(OutsideFunction):
    """What a hidden check receives instead of the student's function."""

    def __init__(self, process: StudentProcess, name: str) -> None:
        self.process, self.name = process, name
        self.__name__ = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.process.call(self.name, args, kwargs)

    def count_lines(self, name: str, *args: Any) -> int:
        return int(self.process.call(self.name, args, {}, count_lines=True))


# --- one submission ------------------------------------------------------------------------------


@dataclass
class CellAudit:
    grade_id: str
    function: str
    max_points: float
    notebook_points: float | None  # None: the notebook was not graded
    clean_room_points: float
    message: str = ""  # why the clean room failed it
    defined_in: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return self.notebook_points is not None and self.notebook_points != self.clean_room_points


@dataclass
class FileAudit:
    file: str
    status: str  # "audited", or why not ("unreadable", "not graded", ...)
    message: str = ""
    notebook_score: float | None = None
    clean_room_score: float = 0.0
    max_score: float = 0.0
    cells: list[CellAudit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # code the clean room could not load; repairs; flags

    @property
    def differences(self) -> list[CellAudit]:
        return [c for c in self.cells if c.differs]


def course_limits() -> tuple[float, int, float, int, sandbox.Policy]:
    """(seconds per call, MB of memory, seconds per submission, workers, sandbox): the course's
    Execute.timeout, GradingLimits.memory_limit_mb, .wall_time, .jobs and Sandbox settings."""
    from nbgrader.preprocessors import Execute
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(paths.COURSE_CONFIG.name, path=str(paths.COURSE_CONFIG.parent)).load_config()
    course = limits.GradingLimits(config=config)
    return (float(Execute(config=config).timeout or limits.CELL_TIMEOUT), course.memory_limit_mb, course.wall_time,
            course.jobs, sandbox.Policy.from_config(config=config))


def clean_room(file: Path, assignment: str = paths.ASSIGNMENT, timeout: float = limits.CELL_TIMEOUT,
               memory_mb: int = limits.MEMORY_LIMIT_MB, wall_time: float = limits.WALL_TIME, policy: sandbox.Policy = sandbox.Policy()) -> FileAudit:
    """Grade file's function definitions in a fresh process, the checks in this one."""
    source_folder = str(paths.SOURCE_DIR / assignment)
    if source_folder not in sys.path:
        sys.path.insert(0, source_folder)  # the checks' flower data comes from planar_utils, as in the kernel
    result = FileAudit(str(file), "audited")
    np.random.seed(AUDIT_SEED)
    try:
        with _language_of(assignment):
            return _clean_room(file, assignment, timeout, memory_mb, wall_time, policy, result)
    except Exception as error:  # noqa: BLE001  (one file's failure is that file's result, never the batch's)
        return FileAudit(str(file), "audit failed", printable(f"{type(error).__name__}: {error}"))


@contextlib.contextmanager
def _language_of(assignment: str) -> Iterator[None]:
    """The checks speak the edition's language, as in its kernel (which runs in a folder named *_uk)."""
    saved = os.environ.get(messages.ENVIRONMENT_VARIABLE)
    os.environ[messages.ENVIRONMENT_VARIABLE] = "uk" if assignment.endswith("_uk") else "en"
    try:
        yield
    finally:
        if saved is None:
            del os.environ[messages.ENVIRONMENT_VARIABLE]
        else:
            os.environ[messages.ENVIRONMENT_VARIABLE] = saved


def _clean_room(file: Path, assignment: str, timeout: float, memory_mb: int, wall_time: float,
                policy: sandbox.Policy, result: FileAudit) -> FileAudit:
    from backprop_hw import checks

    try:
        nb = nbformat.read(str(file), as_version=4)
    except Exception as error:  # noqa: BLE001  (any unreadable file is that file's result)
        return FileAudit(str(file), "unreadable", f"{type(error).__name__}: {error}")
    result.notes += [f"repaired: {note}" for note in repair.repair(nb, notebooks.read(paths.release_notebook(assignment)))]
    code, defined, unreadable = student_code(nb)
    result.notes += [f"not Python, left out: {text}" for text in unreadable]
    cells = graded_cells(assignment)
    with tempfile.TemporaryDirectory(prefix="backprop-audit-") as workdir:
        shutil.copy(paths.SOURCE_DIR / assignment / "planar_utils.py", workdir)
        process = StudentProcess(code, sorted(answer_key.GRADED_FUNCTIONS), Path(workdir), timeout, memory_mb,
                                 wall_time, policy)
        try:
            for cell in cells:
                message = ""
                try:
                    getattr(checks, cell.check)(StudentFunction(process, cell.function))
                except StudentError as error:  # raised in, or ended, the student's process
                    message = str(error)
                except Exception as error:  # noqa: BLE001  (any failure fails the cell, as in the notebook)
                    message = f"{type(error).__name__}: {error}"
                result.cells.append(CellAudit(cell.grade_id, cell.function, cell.points, None,
                                              0.0 if message else cell.points, message,
                                              defined.get(cell.function, [])))
                if process.load_errors:  # once, though a restarted process reports them again
                    result.notes += [note for e in process.load_errors
                                     if (note := f"clean room could not run {e}") not in result.notes]
                    process.load_errors = []
        finally:
            process.close()
    result.clean_room_score = sum(c.clean_room_points for c in result.cells)
    result.max_score = sum(c.max_points for c in result.cells)
    return result


def _limit_worker_memory(megabytes: int) -> None:
    """A worker's memory limit: the answer key runs there on sizes the student's code chose."""
    import resource

    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _clean_room_job(args: tuple) -> FileAudit:
    return clean_room(*args)


def clean_rooms(files: list[Path], assignment: str = paths.ASSIGNMENT, jobs: int = 0, progress: bool = True,
                timeout: float | None = None, sandboxed: bool = True) -> list[FileAudit]:
    """clean_room() for every file in worker processes, `jobs` at a time, with the course's limits (or
    `timeout` per call). A worker that dies costs its file alone: the files it may have held are
    audited again one by one, and the one that kills its worker again is reported as such."""
    from tqdm import tqdm

    course_timeout, memory_mb, wall_time, course_jobs, policy = course_limits()
    policy = dataclasses.replace(policy, enabled=policy.enabled and sandboxed,
                                 hidden=tuple(sorted({str(Path(f).resolve().parent) for f in files})))
    sandbox.check(policy)  # before any work
    work = [(file, assignment, timeout or course_timeout, memory_mb, wall_time, policy) for file in files]
    results: dict[int, FileAudit] = {}
    worker_memory = memory_mb + WORKER_MEMORY_MB
    bar = tqdm(total=len(files), unit="file", desc="clean room", disable=None if progress else True, file=sys.stderr)
    try:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs or course_jobs, len(files))), initializer=_limit_worker_memory,
                                 initargs=(worker_memory,)) as pool:
            futures = {pool.submit(_clean_room_job, args): index for index, args in enumerate(work)}
            for future, index in futures.items():
                try:
                    results[index] = future.result()
                    bar.update(1)
                except BrokenProcessPool:
                    break
        for index in (i for i in range(len(work)) if i not in results):  # after a worker died, one at a time
            with ProcessPoolExecutor(max_workers=1, initializer=_limit_worker_memory, initargs=(worker_memory,)) as alone:
                try:
                    results[index] = alone.submit(_clean_room_job, work[index]).result()
                except BrokenProcessPool:
                    results[index] = FileAudit(str(files[index]), "audit failed",
                                               "the audit's worker process died auditing this file")
            bar.update(1)
        return [results[index] for index in range(len(work))]
    finally:
        bar.close()


def merge(clean: list[FileAudit], graded: list[grade_module.FileResult]) -> list[FileAudit]:
    """Put each file's notebook grade (from `backprop-hw grade`) beside its clean-room grade."""
    for result, notebook in zip(clean, graded):
        result.notes = notebook.flags + [n for n in result.notes if n not in notebook.flags]
        if not notebook.graded:
            result.status, result.message = notebook.status, notebook.message
            continue
        points = {c.grade_id: c.points for c in notebook.cells}
        for cell in result.cells:
            cell.notebook_points = points.get(cell.grade_id, 0.0)
        result.notebook_score = notebook.score
    return clean


def audit(files: list[Path], assignment: str = paths.ASSIGNMENT, jobs: int = 0, use_cache: bool = True,
          progress: bool = True, sandboxed: bool = True) -> list[FileAudit]:
    """The notebook grade (`backprop-hw grade`) and the clean room's, cell by cell, for every file."""
    graded = grade_module.grade(files, assignment, jobs, use_cache, progress=progress,
                                extra_args=None if sandboxed else ["--Sandbox.enabled=False"])
    return merge(clean_rooms(files, assignment, jobs, progress, sandboxed=sandboxed), graded)


def table(result: FileAudit) -> str:
    if result.status != "audited" or result.notebook_score is None:
        return f"{result.file}: NOT AUDITED   [{result.status}: {result.message}]"
    differences = result.differences
    verdict = "agree" if not differences else (
        "1 cell differs" if len(differences) == 1 else f"{len(differences)} cells differ")
    lines = [f"{result.file}: notebook {result.notebook_score:g}/{result.max_score:g}, "
             f"clean room {result.clean_room_score:g}/{result.max_score:g}: {verdict}"]
    lines += [f"  note: {note}" for note in result.notes]
    for cell in differences:
        where = ", ".join(cell.defined_in) or "defined nowhere"
        lines.append(f"  {cell.grade_id} ({cell.function}: {where}): notebook {cell.notebook_points:g}/{cell.max_points:g},"
                     f" clean room {cell.clean_room_points:g}/{cell.max_points:g}"
                     + (f"  {cell.message[:200]}" if cell.message else ""))
    return "\n".join(lines)


def main(targets: list[Path], assignment: str, jobs: int, as_json: bool, use_cache: bool, sandboxed: bool = True) -> int:
    paths.check_repository()
    files = grade_module.find_notebooks(targets)  # the command line has checked that there are some
    policy = sandbox.course_policy()
    if sandboxed and policy.enabled:
        sandbox.check(policy)  # no sandbox: say so before any work (unless the course opted out)
    results = audit(files, assignment, jobs, use_cache, progress=not as_json, sandboxed=sandboxed)
    if as_json:
        print(json.dumps([asdict(r) for r in results], indent=1, ensure_ascii=False))
    else:
        print("\n\n".join(table(r) for r in results))
        differing = sum(bool(r.differences) for r in results)
        audited = sum(r.status == "audited" for r in results)
        print(f"\n{audited} of {len(results)} files audited; the clean room differs from the notebook grade "
              f"in {differing}.")
    everything_agrees = all(r.status == "audited" and not r.differences for r in results)
    return 0 if everything_agrees else 1
