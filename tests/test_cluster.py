"""backprop-hw autograde on a Dask cluster, into a PostgreSQL gradebook: faults and errors.

The row-by-row comparison with nbgrader over the cluster backend and PostgreSQL is in
test_grading_tools.py (parallel_course's second parameter), beside the local pool's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from backprop_hw import localhost, notebooks, paths
from backprop_hw.course import Course
from backprop_hw.grading import autograde, postgres
from backprop_hw.harness import catalogue
from gradebook import outputs, rows

# Right, wrong, untouched and late: what the killed-worker run grades.
STUDENTS = ["reference", "untouched", "backward-dW1-no-1-over-m", "einsum", "cost-array", "late-reference"]


@pytest.fixture
def submitted(tmp_path) -> Course:
    """A course with one submission, nothing graded yet."""
    course = Course.create(tmp_path / "course")
    course.generate_assignment()
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    course.submit("reference", catalogue.by_id("reference").notebook(source, release))
    return course


def test_an_unreachable_scheduler_is_a_clear_error(submitted):
    """Nobody listens at the address: the command says so and stops with status 1, from the command
    line's --scheduler and from c.Cluster.scheduler in the course's nbgrader_config.py alike."""
    course = submitted
    address = f"tcp://{localhost.HOST}:{localhost.free_port()}"
    with (course.root / "nbgrader_config.py").open("a") as config:
        config.write("c.Cluster.connect_timeout = 3\n")
    command = [sys.executable, "-m", "backprop_hw.cli", "autograde", paths.ASSIGNMENT, "--course", str(course.root)]
    by_option = subprocess.run(command + ["--scheduler", address], capture_output=True, text=True, timeout=300)
    with (course.root / "nbgrader_config.py").open("a") as config:
        config.write(f"c.Cluster.scheduler = {address!r}\n")
    by_config = subprocess.run(command, capture_output=True, text=True, timeout=300)
    for done in (by_option, by_config):
        assert done.returncode == 1, done.stderr
        assert f"could not reach the Dask scheduler at {address} within 3 s" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert not (course.root / "autograded").exists()  # nothing graded, nothing half-recorded


@pytest.mark.parametrize("bookkeeping", ["coordinator", "workers"])
def test_a_worker_killed_mid_submission_costs_nothing(harness, postgres_server, tmp_path, bookkeeping):
    """A worker process is killed (SIGKILL) while it holds a submission: Dask runs that task on
    another worker, every submission is recorded once, and the PostgreSQL gradebook and the
    autograded notebooks are those of plain `nbgrader autograde` in the harness; with nbgrader's
    bookkeeping on this machine, and on the workers (the killed one may have written some of its
    submission's rows)."""
    from distributed import Client, LocalCluster
    from nbgrader.api import Gradebook

    course = Course.create(tmp_path / "course", db_url=postgres.create_database(postgres_server, f"killed_worker_{bookkeeping}"))
    course.generate_assignment()
    with Gradebook(harness.course_of["reference"].gradebook_url) as gradebook:
        course.set_due_date(gradebook.find_assignment(paths.ASSIGNMENT).duedate)
    course.add_students(STUDENTS)
    for student in STUDENTS:
        shutil.copytree(harness.course_of[student].root / "submitted" / student, course.root / "submitted" / student)
    killed: dict = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        pids = client.run(os.getpid)

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                busy = {address: keys for address, keys in client.processing().items()
                        if any(str(key).startswith("grade-") for key in keys)}
                if busy:
                    address, keys = sorted(busy.items())[0]
                    time.sleep(1)  # into the execution: its kernel starting or running the notebook
                    os.kill(pids[address], signal.SIGKILL)
                    killed.update(address=address, keys=keys)
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
        killer.start()
        recorded: list[str] = []
        converter = autograde.run(course.root, paths.ASSIGNMENT, progress=False, scheduler=cluster.scheduler_address,
                                  bookkeeping=bookkeeping, on_graded=lambda record: recorded.append(record.student))
        killer.join(timeout=10)
    assert killed, "no worker was seen holding a submission, so none was killed: this run proves nothing"
    assert not converter.failed_any
    assert sorted(recorded) == sorted(STUDENTS)  # each one once
    for student in STUDENTS:
        assert rows(course, student) == rows(harness.course_of[student], student), student
        assert outputs(course, student) == outputs(harness.course_of[student], student), student


def test_bookkeeping_on_workers_refuses_a_sqlite_gradebook(submitted):
    """Workers on other machines cannot write the course's sqlite file: the command says what it
    needs and stops with status 1 before it reaches for the cluster, and nothing is graded."""
    done = subprocess.run([sys.executable, "-m", "backprop_hw.cli", "autograde", paths.ASSIGNMENT, "--course",
                           str(submitted.root), "--scheduler", f"tcp://{localhost.HOST}:{localhost.free_port()}", "--bookkeeping", "workers"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "--bookkeeping workers needs a gradebook every worker can write" in done.stderr, done.stderr
    assert "sqlite:///" in done.stderr and "Traceback" not in done.stderr
    assert not (submitted.root / "autograded").exists()
