"""Executing submissions on the workers of a Dask distributed cluster.

`backprop-hw autograde ASSIGNMENT --scheduler tcp://host:8786` (or `c.Cluster.scheduler` in
nbgrader_config.py) hands each sanitized submission to the cluster instead of the local pool.
Nothing else changes: nbgrader's bookkeeping (the gradebook, autograded/, late penalties) stays
on this machine, the coordinator, and each Dask worker executes with the very runner of the local
pool (worker.execute: the sandbox, the limits, a fresh kernel per submission).

A task carries the submission's files, so workers need not share the course's disk; they need
this package and its pinned environment, and bubblewrap. Dask runs a task again elsewhere when
its worker dies, and the gradebook is written here once per submission, after its task has
returned: a lost worker costs time, never a grade, and nothing is counted twice.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from traitlets import Enum, Float, Unicode
from traitlets.config import Configurable

from backprop_hw.grading import worker as runner
from backprop_hw.grading.errors import SchedulerUnreachable

PLUGIN_NAME = "backprop-hw-grading"


class Cluster(Configurable):
    """Where `backprop-hw autograde` executes submissions (set it in nbgrader_config.py)."""

    scheduler = Unicode("", help="Address of a Dask scheduler (tcp://host:8786) whose workers execute the "
                                 "submissions; empty: a pool of processes on this machine.").tag(config=True)
    bookkeeping = Enum(["coordinator", "workers"], "coordinator",
                       help="Where nbgrader's per-submission work besides execution runs (the sanitizing and "
                            "autograde passes, the gradebook's rows): on this machine, or on the workers "
                            "against a shared gradebook (PostgreSQL), which one coordinator's CPU would "
                            "otherwise limit to about 10 workers.").tag(config=True)
    connect_timeout = Float(30.0, help="Seconds to wait for the scheduler before giving up.").tag(config=True)


def _worker_plugin(settings: dict):
    from distributed.diagnostics.plugin import WorkerPlugin

    class SetUpGrading(WorkerPlugin):
        """On each worker, now and when it joins later: the pool's initializer, and the kernels'
        clean-up when the worker closes."""

        name = PLUGIN_NAME

        def __init__(self, settings: dict):
            self.settings = settings

        def setup(self, worker) -> None:
            runner.init_worker(self.settings, pool_process=False)

        def teardown(self, worker) -> None:
            runner.close_supplies()

    return SetUpGrading(settings)


class ClusterPool:
    """What the converter submits executions to, as it does to the local pool."""

    def __init__(self, address: str, settings: dict, timeout: float):
        from distributed import Client

        self.address = address
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise SchedulerUnreachable(f"could not reach the Dask scheduler at {address} within {timeout:g} s "
                                       f"({type(error).__name__}: {error}); start one with `dask scheduler`, "
                                       "or check the address") from None
        self.client.register_plugin(_worker_plugin(settings), name=PLUGIN_NAME)
        self.run_id = uuid.uuid4().hex[:8]
        self.bytes_sent = 0  # the submissions' files, as shipped (for the benchmark)
        self.seconds_submitting = 0.0  # reading them and handing them to the scheduler

    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def submit_folder(self, student: str, notebook_path: str, settings: dict):
        """A future of worker.execute for the notebook at notebook_path, its folder shipped along."""
        started = time.perf_counter()
        files = runner.folder_files(str(Path(notebook_path).parent))
        future = self.client.submit(runner.execute_files, files, Path(notebook_path).name, settings,
                                    Path(notebook_path).parent.name,
                                    key=f"grade-{student}-{self.run_id}", pure=False)
        self.bytes_sent += sum(len(data) for data in files.values())
        self.seconds_submitting += time.perf_counter() - started
        return future

    def close(self) -> None:
        self.client.close()


def written_back(outcome: dict, notebook_path: str) -> None:
    """Put what the notebook wrote into its folder on the worker into the same folder here."""
    folder = Path(notebook_path).parent.resolve()
    for relative, data in (outcome.pop("files", None) or {}).items():
        target = (folder / relative).resolve()
        if folder in target.parents:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

