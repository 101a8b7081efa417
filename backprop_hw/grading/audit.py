"""`backprop-hw audit PATH...`: grade each submission again in a clean room, and compare.

The notebook grade runs the hidden tests in the student's kernel, where the
student's code ran first and could have changed anything (NumPy, the checks,
IPython). The clean room keeps only what the grade should depend on:

1. from each code cell of the submission (test cells excepted), its imports and
   its function definitions; every other top-level statement is dropped;
2. those run in a fresh process of their own (clean_room/student.py): no grader
   environment variables, the grader's package cannot be imported,
   the course's time and memory limits;
3. the hidden checks (backprop_hw.checks, the very functions the notebook's
   hidden tests call) run here, in the audit's process, which the student's code
   never enters: they call the student's functions through a pipe and compare
   the plain arrays that come back (clean_room/protocol.py).

Each graded cell then has two results, the notebook's and the clean room's; any
difference is reported with the cells involved. On honest submissions they
agree exactly (a test runs the harness catalogues through both).

The clean room is the package clean_room/: protocol.py (what crosses, on both
ends), student.py (the student's process), process.py (the audit's end of it),
room.py (one submission), pool.py (many), report.py (the results).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from backprop_hw import paths
from backprop_hw.grading import grade as grade_module
from backprop_hw.grading import sandbox
from backprop_hw.grading.clean_room.pool import clean_rooms
from backprop_hw.grading.clean_room.report import FileAudit, merge, table


def audit(files: list[Path], assignment: str = paths.ASSIGNMENT, jobs: int = 0, use_cache: bool = True,
          progress: bool = True, sandboxed: bool = True) -> list[FileAudit]:
    """The notebook grade (`backprop-hw grade`) and the clean room's, cell by cell, for every file."""
    graded = grade_module.grade(files, assignment, jobs, use_cache, progress=progress,
                                extra_args=None if sandboxed else ["--Sandbox.enabled=False"])
    return merge(clean_rooms(files, assignment, jobs, progress, sandboxed=sandboxed), graded)


def main(targets: list[Path], assignment: str, jobs: int, as_json: bool, use_cache: bool, sandboxed: bool = True) -> int:
    paths.check_repository()
    files = paths.find_notebooks(targets)  # the command line has checked that there are some
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
