"""Counting the lines of a student's own code that one call executes (the loop-over-examples test).

Standard library only: the kernel's end of the grader's channel (kernel_end.py) loads it by path
inside the sandbox, where the backprop_hw package cannot be read. The count comes from the
student's kernel, so the grader trusts it only to lower a grade: a loop it finds fails the test,
and the grader reads the function's source for loops itself (checks/loops.py).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable


ANSWER_KEY_FILE = "<backprop-hw answer key>"  # the file name the stand-ins' code is compiled under


class TracingChanged(RuntimeError):
    """The counted code replaced or removed the line counter (sys.settrace): its count means nothing."""


def library_paths() -> tuple[str, ...]:
    """Folders whose code is not the student's: Python, installed packages, this package, and the
    answer key's stand-ins (compiled under the file name ANSWER_KEY_FILE)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, package, "<frozen", ANSWER_KEY_FILE}
    return tuple(p for p in paths if p)


def count_lines(run: Callable[[], Any]) -> int:
    """How many lines of code outside library_paths() run() executes.

    Counting is sys.settrace, which the counted code could turn off: while it runs,
    sys.settrace and sys.setprofile refuse (TracingChanged), and the counter must
    still be in place when it returns.
    """
    library = library_paths()
    count = 0
    touched: list[str] = []

    def count_line(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return count_line

    def enter(frame, event, arg):
        return None if frame.f_code.co_filename.startswith(library) else count_line

    def refuse(name: str) -> Callable[..., None]:
        def refused(*args: Any) -> None:
            touched.append(name)
            raise TracingChanged(f"the function called sys.{name}, so its lines cannot be counted")
        return refused

    settrace, setprofile, previous = sys.settrace, sys.setprofile, sys.gettrace()
    sys.settrace, sys.setprofile = refuse("settrace"), refuse("setprofile")
    settrace(enter)
    try:
        run()
        if touched or sys.gettrace() is not enter:  # a caught TracingChanged still counts
            raise TracingChanged("the function changed sys.settrace, so its lines cannot be counted")
    finally:
        sys.settrace, sys.setprofile = settrace, setprofile
        settrace(previous)
    return count
