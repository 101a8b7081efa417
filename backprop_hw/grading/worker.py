"""Grading workers: processes that execute sanitized notebooks, each kernel fresh, the next one already booting.

A worker keeps one kernel started ahead: while a notebook runs, the kernel for
the next submission boots. Every submission still gets a kernel of its own,
started before its notebook was seen and shut down after it. Execution is
nbgrader's own `Execute` preprocessor, configured as the course configures it,
plus the limits nbgrader lacks: wall time per submission, memory per kernel,
output size per cell.
"""

from __future__ import annotations

import json
import multiprocessing.util
import os
import subprocess
import resource
import signal
import threading
import time
from dataclasses import asdict, dataclass, field

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from nbgrader import utils as nbgrader_utils

NOT_RUN = "NotRun"  # ename of the error put into graded cells that never ran


@dataclass
class Settings:
    """What a worker needs to execute like nbgrader: the course's Execute options and our limits."""

    timeout: int | None = 30
    interrupt_on_timeout: bool = True
    raise_on_iopub_timeout: bool = True
    extra_arguments: list[str] = field(default_factory=lambda: ["--HistoryManager.hist_file=:memory:"])
    kernel_name: str = "python3"
    wall_time: float = 300.0
    memory_limit_mb: int = 2048
    output_limit_kb: int = 1024


@dataclass
class Outcome:
    """A worker's answer for one notebook."""

    notebook_json: str | None
    status: str  # "ok", "timeout", "kernel died", "wall time", "error"
    message: str = ""
    seconds_kernel_ready: float = 0.0
    seconds_executing: float = 0.0
    worker_peak_mb: float = 0.0
    kernels_peak_mb: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


class LimitedExecute(Execute):
    """nbgrader's Execute, which also cuts a flood of output short while it arrives."""

    output_limit_bytes = 1024 * 1024

    def reset_execution_trackers(self):
        super().reset_execution_trackers()
        self._bytes_by_cell: dict[int, int] = {}

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._bytes_by_cell.get(cell_index, 0)
        self._bytes_by_cell[cell_index] = used + size
        if used + size <= self.output_limit_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.output_limit_bytes:  # the first message over the limit: say so, once
            name = msg.get("content", {}).get("name", "stdout")
            outs.append(nbformat.v4.new_output(
                "stream", name=name if name in ("stdout", "stderr") else "stdout",
                text=f"\n[backprop-hw: output cut off after {self.output_limit_bytes // 1024} KB]\n"))
        return None


class KernelSupply:
    """One kernel booting ahead of need, in this process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.ahead: AsyncKernelManager | None = None

    def _launch(self) -> AsyncKernelManager:
        km = AsyncKernelManager(kernel_name=self.settings.kernel_name)
        # the kernel's own stderr (ipykernel's start-up warnings) would scribble over the progress bar
        run_sync(km.start_kernel)(extra_arguments=self.settings.extra_arguments, stderr=subprocess.DEVNULL)
        return km

    def take(self) -> AsyncKernelManager:
        km = self.ahead or self._launch()
        self.ahead = self._launch()  # boots while km runs its notebook
        return km

    def close(self) -> None:
        if self.ahead is not None:
            run_sync(self.ahead.shutdown_kernel)(now=True)
            self.ahead = None


_supply: KernelSupply | None = None


def init_worker(settings_dict: dict) -> None:
    """Process-pool initializer: grade as nbgrader's autograde does, with our kernel supply."""
    global _supply
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    # Kernels run side by side on few cores: BLAS threads would only fight over them (the
    # notebook's matrices are tiny, so one thread is as fast and gives the same numbers).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and shuts the pool down
    _supply = KernelSupply(Settings(**settings_dict))
    # pool workers leave through os._exit: a Finalize with a priority still runs, so the kernel booting ahead stops
    multiprocessing.util.Finalize(None, _supply.close, exitpriority=10)


def _prepare_kernel(km: AsyncKernelManager, cwd: str, memory_limit_mb: int) -> float:
    """Wait until the kernel answers, then (silently, without touching execution counts) move it
    to the submission's folder and cap its memory. Returns the seconds spent waiting."""
    started = time.perf_counter()
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=60)
        waited = time.perf_counter() - started
        limit = memory_limit_mb * 1024 * 1024
        code = (f"import os as _o, resource as _r\n_o.chdir({cwd!r})\n"
                f"_r.setrlimit(_r.RLIMIT_AS, ({limit}, {limit}))\ndel _o, _r")
        run_sync(kc.execute_interactive)(code, silent=True, store_history=False, timeout=30,
                                         output_hook=lambda message: None)
        return waited
    finally:
        kc.stop_channels()


def _mark_not_run(nb: NotebookNode, reason: str) -> None:
    """Graded cells that never ran get an error, so nbgrader scores them 0 (no output would mean full marks)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and nbgrader_utils.is_grade(cell) and cell.get("execution_count") is None:
            cell.outputs = [nbformat.v4.new_output("error", ename=NOT_RUN, evalue=reason,
                                                   traceback=[f"{NOT_RUN}: {reason}"])]


def execute(path: str, settings_dict: dict) -> dict:
    """Execute the sanitized notebook at `path` in its folder; return an Outcome as a dict."""
    settings = Settings(**settings_dict)
    nb = nbformat.read(path, as_version=4)
    cwd = os.path.dirname(os.path.abspath(path))
    km = _supply.take()
    outcome = Outcome(None, "ok")
    try:
        outcome.seconds_kernel_ready = _prepare_kernel(km, cwd, settings.memory_limit_mb)
        executor = LimitedExecute(timeout=settings.timeout, interrupt_on_timeout=settings.interrupt_on_timeout,
                                  raise_on_iopub_timeout=settings.raise_on_iopub_timeout,
                                  extra_arguments=settings.extra_arguments, allow_errors=True)
        executor.output_limit_bytes = settings.output_limit_kb * 1024
        expired = threading.Event()

        def stop_at_wall_time():
            expired.set()
            pid = getattr(km.provisioner, "pid", None)
            if pid:
                os.kill(pid, signal.SIGKILL)

        deadline = threading.Timer(settings.wall_time, stop_at_wall_time)
        deadline.start()
        started = time.perf_counter()
        try:
            executor.preprocess(nb, {"metadata": {"path": cwd}}, km=km)
        except DeadKernelError as error:
            nb = executor.nb
            outcome.status = "wall time" if expired.is_set() else "kernel died"
            outcome.message = (f"stopped after {settings.wall_time:g} s of wall time" if expired.is_set()
                               else f"the kernel died ({error})".strip())
            _mark_not_run(nb, outcome.message)
        finally:
            deadline.cancel()
            outcome.seconds_executing = time.perf_counter() - started
        if outcome.status == "ok" and any(
                o.get("ename") == "CellTimeoutError" for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])):
            outcome.status, outcome.message = "timeout", f"a cell ran longer than {settings.timeout} s and was interrupted"
        if outcome.status == "ok" and any(o.get("ename") == "MemoryError" for c in nb.cells
                                          if c.cell_type == "code" for o in c.get("outputs", [])):
            outcome.status, outcome.message = "memory", f"a cell hit the memory limit of {settings.memory_limit_mb} MB"
        outcome.notebook_json = nbformat.writes(nb)
    except Exception as error:  # noqa: BLE001  (whatever a submission does, the batch goes on)
        outcome.status, outcome.message = "error", f"{type(error).__name__}: {error}"
        try:
            _mark_not_run(nb, outcome.message)
            outcome.notebook_json = nbformat.writes(nb)
        except Exception:  # noqa: BLE001
            outcome.notebook_json = None
    finally:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001  (already dead)
            pass
        outcome.worker_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        outcome.kernels_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return outcome.as_dict()
