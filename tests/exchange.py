"""A course with an nbgrader exchange of its own, and its students' commands: what the browser tests
and the integrity tests (links planted in the exchange) share."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from backprop_hw.course import Course

COURSE_ID = "backprop-course"  # nbgrader_config.py's CourseDirectory.course_id


def instructor_course(folder: Path) -> tuple[Course, Path]:
    """A new course (source/ and configuration) whose exchange is a folder of its own, open to all
    as nbgrader's exchange must be."""
    course = Course.create(folder / "course")
    exchange = folder / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    with (course.root / "nbgrader_config.py").open("a") as config:
        config.write(f"c.Exchange.root = {str(exchange)!r}\n")
    return course, exchange


def student_command(home: Path, exchange: Path, *args: str, user: str | None = None) -> None:
    """A student's nbgrader command (fetch_assignment, submit) in their own folder, with no course
    configuration but the course id and the exchange; `user`: the login nbgrader takes for the student's id."""
    login = {"USER": user, "LOGNAME": user} if user else {}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--course={COURSE_ID}", f"--Exchange.root={exchange}"],
                          cwd=home, capture_output=True, text=True,
                          env=dict(os.environ, JUPYTER_CONFIG_DIR=str(home / ".jupyter"), **login))
    assert done.returncode == 0, done.stdout + done.stderr
