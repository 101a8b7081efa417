"""Counting the lines of a student's own code that one call executes (the loop-over-examples test).

Standard library only: the clean-room audit's student process loads this file by
path, without the backprop_hw package, and counts lines exactly as a kernel does.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable


def library_paths() -> tuple[str, ...]:
    """Folders whose code is not the student's: Python, installed packages, this package."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, package, "<frozen"}
    return tuple(p for p in paths if p)


def count_lines(run: Callable[[], Any]) -> int:
    """How many lines of code outside library_paths() run() executes."""
    library = library_paths()
    count = 0

    def count_line(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return count_line

    def enter(frame, event, arg):
        return None if frame.f_code.co_filename.startswith(library) else count_line

    previous = sys.gettrace()
    sys.settrace(enter)
    try:
        run()
    finally:
        sys.settrace(previous)
    return count
