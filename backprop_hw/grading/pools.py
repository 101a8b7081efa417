"""Process pools that stop at once when grading is interrupted."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers at once; their kernels' sandboxes die with them (bwrap --die-with-parent).
    Without this, leaving the pool waits for each running submission to finish or time out."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # the same, before 3.14
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
