"""The grading limits and their defaults, written once.

Courses set them in nbgrader_config.py (`c.GradingLimits.wall_time = ...`, and nbgrader's own
`c.Execute.timeout` per cell); `backprop-hw autograde` and `grade` read them from there, and the
workers' settings default to the same values.
"""

from __future__ import annotations

from traitlets import Bool, Float, Integer
from traitlets.config import Config, Configurable

from backprop_hw import paths

CELL_TIMEOUT = 30  # seconds one cell may run: nbgrader's Execute.timeout, as the course's config sets it
WALL_TIME = 300.0  # seconds one submission may run in all cells together (the reference needs a few)
MEMORY_LIMIT_MB = 2048  # address space of one kernel: the reference needs about 300
OUTPUT_LIMIT_KB = 1024  # output kept per cell while it runs
JOBS = 2  # parallel workers: the cores of the machine this course was built on


class GradingLimits(Configurable):
    """Limits of `backprop-hw autograde` and `backprop-hw grade` (set them in nbgrader_config.py)."""

    jobs = Integer(JOBS, help="Parallel workers (one kernel each, plus one booting ahead).").tag(config=True)
    wall_time = Float(WALL_TIME, help="Seconds one submission may run in all before its kernel is killed.").tag(config=True)
    memory_limit_mb = Integer(MEMORY_LIMIT_MB, help="Address-space limit of each kernel, in MB.").tag(config=True)
    output_limit_kb = Integer(OUTPUT_LIMIT_KB, help="Output kept per cell while it runs, in KB; the rest is cut off.").tag(config=True)
    fork_kernels = Bool(True, help="Fork each kernel from a process that has imported ipykernel, NumPy and "
                                   "matplotlib already (a fresh process all the same, at a fraction of the "
                                   "start-up cost); False starts each one with `python -m ipykernel_launcher`.").tag(config=True)


def course_config() -> Config:
    """The repository's nbgrader_config.py, read as nbgrader reads it (for the commands that grade
    loose files, outside a course folder)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(paths.COURSE_CONFIG.name, path=str(paths.COURSE_CONFIG.parent)).load_config()
