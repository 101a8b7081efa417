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
import uuid
from queue import Empty
from dataclasses import asdict, dataclass, field

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils

from backprop_hw.grading import channel, forkserver, limits, sandbox
from backprop_hw.grading.execute import GradingExecute, not_run_output



@dataclass
class Settings:
    """What a worker needs to execute like nbgrader: the course's Execute options and our limits."""

    timeout: int | None = limits.CELL_TIMEOUT
    interrupt_on_timeout: bool = True
    raise_on_iopub_timeout: bool = True
    iopub_timeout: int = 4  # nbclient's default; autograde sets the per-cell timeout (see there)
    extra_arguments: list[str] = field(default_factory=lambda: ["--HistoryManager.hist_file=:memory:"])
    kernel_name: str = "python3"
    wall_time: float = limits.WALL_TIME
    memory_limit_mb: int = limits.MEMORY_LIMIT_MB
    output_limit_kb: int = limits.OUTPUT_LIMIT_KB
    fork_kernels: bool = True
    max_restarts: int = GradingExecute.max_restarts.default_value  # the course's setting, in autograde.py
    sandbox_policy: dict = field(default_factory=lambda: sandbox.Policy().as_dict())  # as plain data


@dataclass
class Outcome:
    """A worker's answer for one notebook."""

    notebook_json: str | None
    status: str  # "ok", "timeout", "kernel died", "wall time", "error"
    message: str = ""
    seconds_kernel_ready: float = 0.0
    seconds_executing: float = 0.0
    seconds_checking: float = 0.0  # the hidden tests' own work in the grader (CPU)
    seconds_waiting_for_kernel: float = 0.0  # the hidden tests waiting for the student's functions in the kernel
    worker_peak_mb: float = 0.0
    kernels_peak_mb: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


class LimitedExecute(GradingExecute):
    """nbgrader's Execute, which also cuts a flood of output short while it arrives.

    Only what cannot change a grade is cut: stdout, displays and results past the
    limit. Errors are always kept, and so is stderr up to the limit plus a note on
    stderr after it, because nbgrader scores a cell by its errors and stderr; an
    execute_result is kept too, since nbgrader reads a number in it as partial credit.
    It also remembers which cell is running, so a kernel that dies is blamed on that cell.
    A kernel that dies is replaced by the next one of the worker's supply (GradingExecute),
    unless the submission's wall time ran out.
    """

    output_limit_bytes = 1024 * 1024
    prepared_client = None
    replace_kernel = None  # () -> (manager, client) of a kernel ready in the submission's folder
    stopped: threading.Event | None = None  # set when the wall time ran out: no new kernel then

    def may_recover(self) -> bool:
        return self.replace_kernel is not None and not (self.stopped is not None and self.stopped.is_set())

    def fresh_kernel(self) -> None:
        old_km, old_kc = self.km, self.kc
        self.km, self.kc = self.replace_kernel()
        _shut_down(old_km, None, clients=(old_kc,))

    def reset_execution_trackers(self):
        super().reset_execution_trackers()
        self._bytes_by_stream: dict[tuple[int, str], int] = {}
        self.running_cell_index: int | None = None

    def start_new_kernel_client(self):
        """Use the client the worker connected and made ready (nbclient's own would wait for
        0.2 s of IOPub silence once more)."""
        if self.prepared_client is None:
            return super().start_new_kernel_client()
        self.kc, self.prepared_client = self.prepared_client, None
        self.kc.allow_stdin = False
        return self.kc

    def clear_output(self, outs, msg, cell_index):
        # what was cleared no longer counts; the limit starts afresh (and says so again if reached)
        if not msg.get("content", {}).get("wait", False):
            self._bytes_by_stream = {k: v for k, v in self._bytes_by_stream.items() if k[0] != cell_index}
        return super().clear_output(outs, msg, cell_index)

    def preprocess_cell(self, cell, resources, index):
        self.running_cell_index = index
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        msg_type = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
        content = msg.get("content", {})
        if msg_type in ("error", "execute_result"):  # one per cell at most, and both decide the grade
            return super().output(outs, msg, display_id, cell_index)
        stream = "stderr" if msg_type == "stream" and content.get("name") == "stderr" else "stdout"
        size = len(json.dumps(content, default=str))
        used = self._bytes_by_stream.get((cell_index, stream), 0)
        self._bytes_by_stream[(cell_index, stream)] = used + size
        if used + size <= self.output_limit_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.output_limit_bytes:  # the first message over the limit: say so, once, on its stream
            outs.append(nbformat.v4.new_output(
                "stream", name=stream, text=f"\n[backprop-hw: output cut off after {self.output_limit_bytes // 1024} KB]\n"))
        return None


class KernelSupply:
    """One kernel booting ahead of need, in this process; forked by a fork server when asked.

    In a sandbox: without forking, each kernel starts in a sandbox of its own; with it, two
    sandboxed fork servers take turns, each holding one kernel at a time and cleaned before
    it forks the next, so that the kernel booting ahead never shares a sandbox with the one
    running a notebook.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.source: dict | None = None  # the settings as given, to know whether a run's are the same
        self.policy = sandbox.Policy(**settings.sandbox_policy)
        self.ahead: AsyncKernelManager | None = None
        self.servers: list[forkserver.ForkServer] = []
        if settings.fork_kernels:
            self.servers = ([forkserver.SandboxedForkServer(self.policy) for _ in range(2)] if self.policy.enabled
                            else [forkserver.ForkServer()])
        self.turn = 0

    def _server(self) -> forkserver.ForkServer:
        """The next server in turn, replaced if it died, cleaned if sandboxed."""
        index, self.turn = self.turn, (self.turn + 1) % len(self.servers)
        server = self.servers[index]
        if not server.alive():
            server.close()
            server = self.servers[index] = (forkserver.SandboxedForkServer(self.policy) if self.policy.enabled
                                            else forkserver.ForkServer())
        if isinstance(server, forkserver.SandboxedForkServer):
            server.clean()
        return server

    def _launch(self) -> AsyncKernelManager:
        if self.policy.enabled and not self.servers:  # a sandbox of its own for each kernel
            km = sandbox.SandboxedKernelManager(kernel_name=self.settings.kernel_name, policy=self.policy)
            # its start-up banner ("To connect another client ...") would land in the grade table
            run_sync(km.start_kernel)(extra_arguments=self.settings.extra_arguments, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            return km
        km = AsyncKernelManager(kernel_name=self.settings.kernel_name)
        if self.servers:
            server = self._server()
            km.kernel_id = str(uuid.uuid4())
            if isinstance(server, forkserver.SandboxedForkServer):
                km.transport = "ipc"  # no network in the sandbox: sockets in the runtime folder it sees
                km.ip, km.connection_file = server.connection()
                km.kernel_spec.interrupt_mode = "message"  # signals would reach the kernel through its pid alone
                km.jail = server.jail
            km.provisioner = forkserver.ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
            km.provisioner.server = server
        # the kernel's own stderr (ipykernel's start-up warnings) would scribble over the progress bar
        run_sync(km.start_kernel)(extra_arguments=self.settings.extra_arguments, stderr=subprocess.DEVNULL)
        return km

    def kernels_peak_mb(self) -> float:
        """The largest kernel so far (ours, or the fork servers' children)."""
        if self.servers:
            return max(server.peak_rss_mb() for server in self.servers)
        return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    def take(self) -> AsyncKernelManager:
        km, self.ahead = self.ahead or self._launch(), None
        try:
            self.ahead = self._launch()  # boots while km runs its notebook
        except Exception:  # noqa: BLE001  (the next take() launches afresh, and says why if it fails again)
            self.ahead = None
        return km

    def close(self) -> None:
        try:
            if self.ahead is not None:
                run_sync(self.ahead.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001  (already gone)
            pass
        finally:
            self.ahead = None
            for server in self.servers:
                server.close()


_settings: dict | None = None  # this process's worker settings, from init_worker
_local = threading.local()  # each thread that executes notebooks has a kernel supply of its own
_supplies: list[KernelSupply] = []
_supplies_lock = threading.Lock()


def init_worker(settings_dict: dict, pool_process: bool = True) -> None:
    """Process-pool initializer (and, with pool_process=False, a Dask worker's set-up): grade as
    nbgrader's autograde does, with our kernel supply."""
    global _settings
    _settings = settings_dict
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    # Kernels run side by side on few cores: BLAS threads would only fight over them (the
    # notebook's matrices are tiny, so one thread is as fast and gives the same numbers).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    if pool_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and shuts the pool down
        # pool workers leave through os._exit: a Finalize with a priority still runs, so the kernel booting ahead stops
        multiprocessing.util.Finalize(None, close_supplies, exitpriority=10)
        _kernel_supply()  # at once (on a Dask worker, each task's thread makes its own when it first needs one)


def _kernel_supply(settings_dict: dict | None = None) -> KernelSupply:
    """This thread's kernel supply for these settings (default: init_worker's). A Dask worker may
    serve runs of several courses, one after another or side by side: a supply made for other
    settings (another course's sandbox policy, say) is closed and a new one made."""
    wanted = settings_dict if settings_dict is not None else _settings
    supply = getattr(_local, "supply", None)
    with _supplies_lock:
        if supply is not None and supply in _supplies and supply.source == wanted:
            return supply
        if supply in _supplies:
            _supplies.remove(supply)
        else:
            supply = None  # closed by close_supplies() already
    if supply is not None:
        supply.close()
    if wanted is None:
        raise RuntimeError("init_worker() was not called in this process")
    supply = _local.supply = KernelSupply(Settings(**wanted))
    supply.source = wanted
    with _supplies_lock:
        _supplies.append(supply)
    return supply


def close_supplies() -> None:
    """Stop the kernels booting ahead and the fork servers of every thread of this process."""
    with _supplies_lock:
        closing = list(_supplies)
        _supplies.clear()
    for supply in closing:
        supply.close()


async def _until_ready(kc, timeout: float) -> None:
    """jupyter_client's wait_for_ready without its closing 0.2 s of listening for silence: a
    kernel_info reply on shell, then one message on IOPub to know that channel is connected
    (stale IOPub messages do no harm: nbclient keeps only those answering its own requests)."""
    deadline = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await kc.iopub_channel.get_msg(timeout=0.2)  # returns as soon as the kernel's status arrives
            except Empty:
                pass
            else:
                kc._handle_kernel_info_reply(reply)
                return
        if not await kc._async_is_alive():
            raise RuntimeError("the kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the kernel did not answer in {timeout:g} s")


def _prepare_kernel(km: AsyncKernelManager, cwd: str, memory_limit_mb: int):
    """Connect to the kernel, wait until it answers, then (silently, without touching execution
    counts) move it to the submission's folder (in a sandbox: its working copy of it), cap its
    memory and load the kernel's end of the hidden tests' channel. Returns the connected client, which the executor then uses, and the seconds spent waiting."""
    started = time.perf_counter()
    kc = km.client()
    kc.start_channels()
    try:
        run_sync(_until_ready)(kc, 60)
        waited = time.perf_counter() - started
        limit = memory_limit_mb * 1024 * 1024
        jail = getattr(km, "jail", None)
        if jail is not None:
            jail.stage(cwd)
            move = sandbox.copy_in_code(jail)
        else:
            move = f"import os as _o\n_o.chdir({cwd!r})\ndel _o"
        code = (f"{move}\nimport resource as _r\n_r.setrlimit(_r.RLIMIT_AS, ({limit}, {limit}))\ndel _r\n"
                f"{channel.prepare_code()}")  # the kernel's end of the hidden tests' channel
        reply = run_sync(kc.execute_interactive)(code, silent=True, store_history=False, timeout=30,
                                                 output_hook=lambda message: None)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not prepare the kernel: {reply['content'].get('evalue', reply['content'])}")
        kc.channel_prepared = True
        return kc, waited
    except BaseException:
        kc.stop_channels()
        raise


def _mark_not_run(nb: NotebookNode, reason: str, from_index: int = 0) -> None:
    """Graded cells from `from_index` on get an error, so nbgrader scores them 0 (a cell that
    never ran has no output, which would mean full marks). The cell that was running when the
    kernel died keeps what it printed and gets the error after it."""
    error = not_run_output(reason)
    for index, cell in enumerate(nb.cells):
        if index < from_index or cell.cell_type != "code" or not nbgrader_utils.is_grade(cell):
            continue
        if index == from_index:
            cell.outputs = list(cell.get("outputs", [])) + [error]
        else:
            cell.outputs = [error]


def _status_of(nb: NotebookNode, settings: Settings, process_limit_hit: bool = False,
               deaths: list[int] = (), given_up: bool = False) -> tuple[str, str]:
    """A finished run's status, from the cells the kernel died in (also when they ran again after a
    death), the errors in its cells and the sandbox's count of forks refused."""
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    names = {o.get("ename") for o in errors}
    if deaths:
        where = ", ".join(nb.cells[i].get("id") or f"#{i}" for i in deaths)
        if given_up:
            return "kernel died", (f"the kernel died in cell {where}; after {settings.max_restarts} restarts "
                                   "the later test cells were not run")
        return "kernel died", f"the kernel died in cell {where}; restarted, the later cells were graded"
    if "CellTimeoutError" in names:
        return "timeout", f"a cell ran longer than {settings.timeout} s and was interrupted"
    if "MemoryError" in names:
        return "memory", f"a cell hit the memory limit of {settings.memory_limit_mb} MB"
    refused = any(o.get("ename") == "BlockingIOError" or "can't start new thread" in str(o.get("evalue")) for o in errors)
    if process_limit_hit or refused:
        limit = settings.sandbox_policy.get("max_processes")
        return "processes", f"the notebook hit the sandbox's limit of {limit} processes (a fork bomb?)"
    return "ok", ""


def execute(path: str, settings_dict: dict) -> dict:
    """Execute the sanitized notebook at `path` in its folder; return an Outcome as a dict.

    Whatever the submission does, an Outcome comes back: with the executed notebook
    (cells that never ran marked as errors) when the notebook ran at all, or with
    notebook_json None when no kernel could be made ready for it, so that nbgrader
    reports the submission as failed instead of recording zeros.
    """
    settings = Settings(**settings_dict)
    nb = nbformat.read(path, as_version=4)
    cwd = os.path.dirname(os.path.abspath(path))
    outcome = Outcome(None, "ok")
    km: AsyncKernelManager | None = None
    executor: LimitedExecute | None = None
    try:
        supply = _kernel_supply(settings_dict)
        km = supply.take()
        kc, outcome.seconds_kernel_ready = _prepare_kernel(km, cwd, settings.memory_limit_mb)
    except Exception as error:  # noqa: BLE001
        outcome.status, outcome.message = "error", f"no kernel for this submission: {type(error).__name__}: {error}"
        _shut_down(km, None)
        return _finish(outcome)
    try:
        executor = LimitedExecute(timeout=settings.timeout, interrupt_on_timeout=settings.interrupt_on_timeout,
                                  raise_on_iopub_timeout=settings.raise_on_iopub_timeout,
                                  iopub_timeout=settings.iopub_timeout, extra_arguments=settings.extra_arguments,
                                  allow_errors=True, max_restarts=settings.max_restarts)
        executor.output_limit_bytes = settings.output_limit_kb * 1024
        executor.prepared_client = kc
        expired = threading.Event()
        executor.stopped = expired

        def replace_kernel():
            fresh = supply.take()
            try:
                return fresh, _prepare_kernel(fresh, cwd, settings.memory_limit_mb)[0]
            except BaseException:
                _shut_down(fresh, None)
                raise

        executor.replace_kernel = replace_kernel

        def stop_at_wall_time():
            expired.set()
            process = getattr(executor.km.provisioner, "process", None)
            if process is not None:  # Popen or ForkedProcess: neither signals a pid that has ended
                process.kill()

        deadline = threading.Timer(settings.wall_time, stop_at_wall_time)
        deadline.start()
        jail = getattr(km, "jail", None)  # (a kernel started again after a death has a jail of its own)
        refused_before = jail.forks_refused() if jail is not None else 0
        started = time.perf_counter()
        try:
            executor.preprocess(nb, {"metadata": {"path": cwd}}, km=km)
            refused = jail is not None and jail.forks_refused() > refused_before
            outcome.status, outcome.message = _status_of(nb, settings, refused, executor.deaths, executor.given_up)
        except Exception as error:  # noqa: BLE001  (whatever a submission does, the batch goes on)
            nb = executor.nb if executor.nb is not None else nb
            if expired.is_set():
                outcome.status, outcome.message = "wall time", f"stopped after {settings.wall_time:g} s of wall time"
            elif isinstance(error, DeadKernelError):
                outcome.status, outcome.message = "kernel died", f"the kernel died ({error})".replace(" ()", "")
            else:  # as in nbgrader, the submission fails and nothing is recorded; a rerun grades it again
                if isinstance(error, CellTimeoutError):  # raise_on_iopub_timeout: output still arriving after the cell
                    outcome.status = "timeout"
                    index = executor.running_cell_index
                    cell = nb.cells[index].get("id") or f"#{index}" if index is not None else "?"
                    outcome.message = (f"output was still arriving {executor.iopub_timeout} s after cell {cell} ended "
                                       f"(a flood of output, or a loaded machine): not graded, as nbgrader does")
                else:
                    outcome.status, outcome.message = "error", f"{type(error).__name__}: {error}"
                return _finish(outcome)
            _mark_not_run(nb, outcome.message, executor.running_cell_index or 0)
        finally:
            deadline.cancel()
            outcome.seconds_executing = time.perf_counter() - started
            outcome.seconds_checking = executor.seconds_checking
            outcome.seconds_waiting_for_kernel = executor.seconds_waiting_for_kernel
        outcome.notebook_json = nbformat.writes(nb)
    except Exception as error:  # noqa: BLE001
        outcome.status, outcome.message = "error", f"{type(error).__name__}: {error}"
        outcome.notebook_json = None
    finally:
        _shut_down(executor.km if executor is not None and executor.km is not None else km, executor)
    return _finish(outcome)


def folder_files(folder: str) -> dict[str, bytes | str]:
    """Every file under folder, by its path relative to it: a submission as a task carries it. A
    symbolic link travels as its target's name (a str), never followed; special files stay behind."""
    root = os.path.abspath(folder)
    files: dict[str, bytes | str] = {}
    if os.path.islink(root):  # (os.walk would follow it)
        return files
    for directory, folders, names in os.walk(root):
        for name in names + [f for f in folders if os.path.islink(os.path.join(directory, f))]:
            path = os.path.join(directory, name)
            if os.path.islink(path):
                files[os.path.relpath(path, root)] = os.readlink(path)
            elif os.path.isfile(path):
                with open(path, "rb") as stream:
                    files[os.path.relpath(path, root)] = stream.read()
    return files


def write_files(folder: str | os.PathLike, files: dict[str, bytes | str]) -> None:
    """Write what folder_files() read into folder (links as links); a path that leaves the folder is refused."""
    root = os.path.abspath(folder)
    for relative, data in files.items():
        path = os.path.abspath(os.path.join(root, relative))
        if os.path.commonpath([root, path]) != root or path == root:
            raise ValueError(f"a file outside its folder: {relative}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(data, str):
            os.symlink(data, path)
        else:
            with open(path, "wb") as stream:
                stream.write(data)


def execute_files(files: dict[str, bytes], notebook: str, settings_dict: dict, folder_name: str = "submission") -> dict:
    """execute() on a machine that does not share the course's disk: the submission's folder
    arrives as `files`, is written to a temporary folder of its own name (backprop_uk: the
    Ukrainian edition's messages) and executed there; the Outcome also carries, as "files", what
    the notebook wrote or changed in its folder (besides itself)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="backprop-hw-task-") as scratch:
        folder = os.path.join(scratch, os.path.basename(folder_name) or "submission")
        write_files(folder, files)
        outcome = execute(os.path.join(folder, notebook), settings_dict)
        written = folder_files(folder)
        outcome["files"] = {relative: data for relative, data in written.items()
                            if relative != notebook and files.get(relative) != data and isinstance(data, bytes)}
    return outcome


def _shut_down(km: AsyncKernelManager | None, executor: LimitedExecute | None, clients: tuple = ()) -> None:
    """Stop the kernel and every channel and socket of it, so a long batch leaks nothing per submission."""
    for client in (getattr(executor, "kc", None), getattr(executor, "prepared_client", None)) + clients:
        if client is not None:
            try:
                client.stop_channels()
            except Exception:  # noqa: BLE001
                pass
    if km is None:
        return
    provisioner = km.provisioner  # (None after the shutdown)
    server, pid = getattr(provisioner, "server", None), getattr(provisioner, "pid", None)
    try:  # also closes the manager's sockets and destroys its zmq context
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001  (already dead)
        pass
    if isinstance(server, forkserver.SandboxedForkServer):
        try:  # whatever the notebook left running in its sandbox ends with its grading
            server.kernel_ended(pid)
        except Exception:  # noqa: BLE001  (a server that died took its sandbox along; the next take() replaces it)
            pass


def _finish(outcome: Outcome) -> dict:
    outcome.worker_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        outcome.kernels_peak_mb = _local.supply.kernels_peak_mb()
    except Exception:  # noqa: BLE001  (a figure for the benchmark, never a reason to lose a grade)
        outcome.kernels_peak_mb = float("nan")
    return outcome.as_dict()
