"""The `backprop-hw` command line: a wrong one gets one clear line and exit status 2 before any work.

Each case runs the installed command in a fresh process, as a user would. Seen to fail against
the command line before these checks: tracebacks (autograde outside the course root, an unknown
assignment, an unknown edition), exit status 1, `--jobs -3` accepted, and `--csv missing_dir/x.csv`
grading everything first.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_hw import paths
from backprop_hw.course import Course

COMMAND = str(Path(sys.executable).with_name("backprop-hw"))


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, Path]:
    """A folder that is no course (with a real release notebook in it), a course nobody has
    submitted to, and a course whose gradebook is not a database."""
    outside = tmp_path_factory.mktemp("not-a-course")
    shutil.copy(paths.release_notebook(), outside / "some.ipynb")
    (outside / "notes.txt").write_text("not a course\n")
    empty = Course.create(tmp_path_factory.mktemp("empty") / "course").root
    broken = Course.create(tmp_path_factory.mktemp("broken") / "course").root
    (broken / "submitted" / "s1" / paths.ASSIGNMENT).mkdir(parents=True)
    shutil.copy(paths.release_notebook(), broken / "submitted" / "s1" / paths.ASSIGNMENT / paths.NOTEBOOK)
    (broken / "gradebook.db").write_text("garbage\n")
    return {"outside": outside, "empty course": empty, "broken gradebook": broken}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


# (arguments, where it runs, words the one line must contain)
BAD_COMMAND_LINES = {
    "autograde outside the course root": (["autograde", "backprop"], "outside", ["backprop-hw autograde: error:", "nbgrader_config.py", "run from"]),
    "autograde --course that does not exist": (["autograde", "backprop", "--course", "nowhere"], "outside", ["--course nowhere", "no such folder"]),
    "autograde an unknown assignment": (["autograde", "nosuch"], "empty course", ["'nosuch'", "there: backprop"]),
    "autograde with nothing submitted": (["autograde", "backprop"], "empty course", ["nothing to grade", "submitted"]),
    "autograde a broken gradebook": (["autograde", "backprop"], "broken gradebook", ["gradebook.db", "not an SQLite database"]),
    "autograde --jobs 0": (["autograde", "backprop", "--jobs", "0"], "empty course", ["--jobs", "at least 1"]),
    "grade an unknown assignment": (["grade", "--assignment", "nosuch", "some.ipynb"], "outside", ["'nosuch'", "backprop_uk"]),
    "grade a missing file": (["grade", "missing.ipynb"], "outside", ["no such file or folder", "missing.ipynb"]),
    "grade a folder without notebooks": (["grade", "sub"], "outside", ["no notebooks", "sub"]),
    "grade --csv in a missing folder": (["grade", "some.ipynb", "--csv", "missing_dir/x.csv"], "outside", ["--csv", "missing_dir", "does not exist"]),
    "grade --csv naming a folder": (["grade", "some.ipynb", "--csv", "."], "outside", ["--csv", "folder"]),
    "grade --jobs -3": (["grade", "some.ipynb", "--jobs", "-3"], "outside", ["--jobs", "at least 1", "-3"]),
    "grade --jobs x": (["grade", "some.ipynb", "--jobs", "x"], "outside", ["--jobs", "'x' is not a whole number"]),
    "release an unknown assignment": (["release", "nosuch"], "outside", ["backprop-hw release: error:", "'nosuch'", "backprop"]),
    "edition build of an unknown language": (["edition", "build", "xx"], "outside", ["editions/xx.json", "there: uk", "edition extract xx"]),
    "edition with a bad language code": (["edition", "extract", "../x"], "outside", ["not a language code"]),
    "edition with an unknown action": (["edition", "frob", "uk"], "outside", ["invalid choice: 'frob'", "--help"]),
    "demo of an unknown assignment": (["demo", "--assignment", "nosuch"], "outside", ["backprop-hw demo: error:", "'nosuch'"]),
    "demo over a folder it did not make": (["demo", "--course-dir", "."], "outside", ["--course-dir", "not a course made by backprop-hw"]),
    "report --out naming a file": (["report", "--out", "notes.txt"], "outside", ["--out notes.txt", "file"]),
    "an unknown command": (["nosuch"], "outside", ["backprop-hw: error:", "invalid choice: 'nosuch'"]),
    "no command": ([], "outside", ["backprop-hw: error:", "required"]),
    "grade without files": (["grade"], "outside", ["backprop-hw grade: error:", "required: paths"]),
}


@pytest.mark.parametrize("case", BAD_COMMAND_LINES)
def test_a_bad_command_line_is_one_line_and_exit_2(case, places):
    """Exit status 2, nothing on stdout (no work done), one line on stderr naming the problem, no traceback."""
    args, where, words = BAD_COMMAND_LINES[case]
    (places["outside"] / "sub").mkdir(exist_ok=True)
    before = sorted(p.name for p in places[where].rglob("*"))
    result = run(args, places[where])
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in places[where].rglob("*")) == before, "a refused command wrote files"


def test_a_failure_of_the_work_is_one_line_and_exit_1_and_debug_shows_the_traceback(places):
    """A demo course that cannot be created: exit 1 with the error in one line; --debug gives the traceback."""
    args = ["demo", "--course-dir", "/proc/no-such-folder/course"]
    plain = run(args, places["outside"])
    assert plain.returncode == 1
    last = plain.stderr.strip().splitlines()[-1]
    assert last.startswith("backprop-hw demo: failed: FileNotFoundError") and "--debug" in last
    assert "Traceback" not in plain.stderr
    debug = run([*args, "--debug"], places["outside"])
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr


def test_help_says_what_jobs_takes():
    """--jobs in --help: a whole number from 1, and what the default is."""
    for command in ("grade", "autograde"):
        result = run([command, "--help"], Path.cwd())
        assert result.returncode == 0
        assert "from 1 up" in " ".join(result.stdout.split()), command


@pytest.fixture(scope="module")
def course_with_a_broken_submission(tmp_path_factory) -> Path:
    """A released assignment with one submission that is not JSON at all."""
    course = Course.create(tmp_path_factory.mktemp("broken-submission") / "course")
    course.generate_assignment()
    course.add_students(["s1"])
    folder = course.root / "submitted" / "s1" / paths.ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / paths.NOTEBOOK).write_text('{"cells": [')
    return course.root


def test_autograde_says_one_line_per_failed_submission_and_tracebacks_only_with_debug(course_with_a_broken_submission):
    """nbgrader logs a traceback for a submission it cannot read; the command shows its status line
    instead (exit 1, a failure of the work), and the traceback with --debug."""
    plain = run(["autograde", paths.ASSIGNMENT, "--force", "--jobs", "1"], course_with_a_broken_submission)
    assert plain.returncode == 1, plain.stderr
    assert "Traceback" not in plain.stderr, plain.stderr
    lines = plain.stderr.splitlines()
    assert any("submitted/s1/" in line for line in lines), plain.stderr
    assert any("NotJSONError: Notebook does not appear to be JSON" in line for line in lines), plain.stderr
    debug = run(["autograde", paths.ASSIGNMENT, "--force", "--jobs", "1", "--debug"], course_with_a_broken_submission)
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr
