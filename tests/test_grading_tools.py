"""backprop-hw autograde and grade: nbgrader's scores and gradebook rows, in parallel, whatever the files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest

from backprop_hw import notebooks, paths, results
from backprop_hw.course import Course
from backprop_hw.grading import autograde, grade, postgres
from backprop_hw.harness import catalogue
from gradebook import outputs, rows

# Entries whose nbgrader results the parallel tools must reproduce: right, wrong, late, untouched.
COMPARED = ["reference", "untouched", "late-reference", "backward-dW1-no-1-over-m", "gradcheck-no-restore",
            "init-reseeds", "predict-hard-coded", "einsum", "update-in-place", "cost-array", "forward-loop",
            "nn-model-exits", "predict-segfault"]  # the kernel dies, is started again, the rest is graded


@pytest.fixture(scope="module", params=["local pool, sqlite", "dask cluster, postgresql",
                                        "dask cluster, bookkeeping on workers, postgresql"])
def parallel_course(request, harness, tmp_path_factory):
    """A fresh course with the same submissions as nbgrader's harness courses, graded by backprop-hw
    autograde: on the local pool into gradebook.db, or on a Dask cluster of two worker processes
    into a PostgreSQL database, with nbgrader's bookkeeping here or on the workers."""
    on_cluster = request.param.startswith("dask")
    db_url = (postgres.create_database(request.getfixturevalue("postgres_server"), f"parallel_{request.param_index}")
              if on_cluster else None)
    course = Course.create(tmp_path_factory.mktemp("parallel") / "course", db_url=db_url)
    course.scheduler = request.getfixturevalue("dask_cluster").scheduler_address if on_cluster else ""
    course.bookkeeping = "workers" if "bookkeeping on workers" in request.param else ""
    course.generate_assignment()
    original = harness.course_of["reference"]
    due = _due_date(original)
    course.set_due_date(due)
    course.add_students(COMPARED)
    for student in COMPARED:
        shutil.copytree(harness.course_of[student].root / "submitted" / student, course.root / "submitted" / student)
    graded = []
    autograde.run(course.root, paths.ASSIGNMENT, jobs=2, progress=False, scheduler=course.scheduler,
                  bookkeeping=course.bookkeeping, on_graded=lambda record: graded.append(record.student))
    course.graded_now = graded
    return course


def _due_date(course: Course):
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url) as gradebook:
        return gradebook.find_assignment(paths.ASSIGNMENT).duedate


@pytest.mark.parametrize("student", COMPARED)
def test_parallel_autograde_leaves_nbgraders_gradebookrows(harness, parallel_course, student):
    assert rows(parallel_course, student) == rows(harness.course_of[student], student)


@pytest.mark.parametrize("student", COMPARED)
def test_parallel_autograde_leaves_nbgraders_autograded_notebooks(harness, parallel_course, student):
    assert outputs(parallel_course, student) == outputs(harness.course_of[student], student)


def test_a_second_run_resumes_without_regrading(parallel_course):
    assert sorted(parallel_course.graded_now) == sorted(COMPARED)
    again = []
    autograde.run(parallel_course.root, paths.ASSIGNMENT, jobs=2, progress=False,
                  scheduler=parallel_course.scheduler,
                  bookkeeping=parallel_course.bookkeeping, on_graded=lambda record: again.append(record.student))
    assert again == []
    changed = parallel_course.root / "submitted" / "einsum" / paths.ASSIGNMENT / "timestamp.txt"
    changed.write_text(changed.read_text().replace(":", ":", 1) + " ")  # the submission changed: grade it again
    autograde.run(parallel_course.root, paths.ASSIGNMENT, jobs=2, progress=False,
                  scheduler=parallel_course.scheduler,
                  bookkeeping=parallel_course.bookkeeping, on_graded=lambda record: again.append(record.student))
    assert again == ["einsum"]
    shutil.rmtree(parallel_course.root / "autograded" / "cost-array")  # its result is gone: grade it again
    autograde.run(parallel_course.root, paths.ASSIGNMENT, jobs=2, progress=False,
                  scheduler=parallel_course.scheduler,
                  bookkeeping=parallel_course.bookkeeping, on_graded=lambda record: again.append(record.student))
    assert again == ["einsum", "cost-array"]


def test_autograde_command_fails_like_nbgrader_when_a_submission_cannot_be_graded(parallel_course):
    broken = parallel_course.root / "submitted" / "broken-json" / paths.ASSIGNMENT
    broken.mkdir(parents=True)
    (broken / paths.NOTEBOOK).write_text('{"cells": [')
    reference = parallel_course.root / "submitted" / "reference" / paths.ASSIGNMENT
    old_metadata = notebooks.read(reference / paths.NOTEBOOK)  # nbgrader alone stops the whole run at this one
    for cell in old_metadata.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader.schema_version = 1
    shutil.copytree(reference, parallel_course.root / "submitted" / "old-metadata" / paths.ASSIGNMENT)
    nbformat.write(old_metadata, str(parallel_course.root / "submitted" / "old-metadata" / paths.ASSIGNMENT / paths.NOTEBOOK))
    shutil.copytree(reference, parallel_course.root / "submitted" / "zz-after-them" / paths.ASSIGNMENT)
    misnamed = parallel_course.root / "submitted" / "misnamed" / paths.ASSIGNMENT
    shutil.copytree(reference, misnamed)
    (misnamed / paths.NOTEBOOK).rename(misnamed / "backprop (1).ipynb")
    on_cluster = ["--scheduler", parallel_course.scheduler] if parallel_course.scheduler else []
    if parallel_course.bookkeeping:
        on_cluster += ["--bookkeeping", parallel_course.bookkeeping]
    done = subprocess.run([sys.executable, "-m", "backprop_hw.cli", "autograde", paths.ASSIGNMENT,
                           "--course", str(parallel_course.root), *on_cluster], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "could not be graded" in done.stderr and "broken-json" in done.stderr
    assert "old-metadata: the notebook's nbgrader metadata has another schema version" in done.stderr
    assert "misnamed: handed in backprop (1).ipynb, not backprop.ipynb: nothing graded; rename it" in done.stderr
    assert (misnamed / "backprop (1).ipynb").is_file()  # the student's file stays where it was
    assert "1 submissions graded" in done.stderr  # zz-after-them; the others were graded before and have not changed
    assert rows(parallel_course, "zz-after-them")["score"] == 100
    assert rows(parallel_course, "reference")["score"] == 100


def _graded_students(harness) -> list[str]:
    """Every catalogue entry and every fourth mutant notebook (each holds up to one mutant per function)."""
    mutant_notebooks = sorted(set(harness.packing.values()))
    return [s.student_id for s in catalogue.ALL] + mutant_notebooks[::4]


class LooseRun(NamedTuple):
    folder: Path  # the files as students named them
    chosen: list[str]  # the harness students among them, in file order
    by_name: dict[str, grade.FileResult]  # file name -> grade's result
    course: Course  # the course grade() graded them in, kept
    course_id: dict[str, str]  # harness student -> their id in that course


@pytest.fixture(scope="module")
def loose_files(harness, tmp_path_factory):
    """Every catalogue entry and a sample of the mutants under names students give them, plus files that
    are no notebook at all, graded by backprop-hw grade in one run; the course it graded them in is kept."""
    folder = tmp_path_factory.mktemp("loose")
    chosen = _graded_students(harness)
    for index, student in enumerate(chosen):
        source = harness.course_of[student].root / "submitted" / student / paths.ASSIGNMENT / paths.NOTEBOOK
        shutil.copy(source, folder / f"{student} (copy {index}).ipynb")
    (folder / "empty.ipynb").write_text("")
    (folder / "broken.ipynb").write_text('{"cells": [')
    old = notebooks.read(folder / f"{chosen[0]} (copy 0).ipynb")
    for cell in old.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader.schema_version = 2
    nbformat.write(old, str(folder / "old-nbgrader.ipynb"))
    files = paths.find_notebooks([folder])
    kept = tmp_path_factory.mktemp("loose-graded") / "course"
    graded = grade.grade(files, use_cache=False, progress=False, keep=kept)
    ids = grade.student_ids(files)
    course_id = {student: ids[folder / f"{student} (copy {index}).ipynb"] for index, student in enumerate(chosen)}
    return LooseRun(folder, chosen, {Path(r.file).name: r for r in graded}, Course(kept), course_id)


def test_grade_gives_nbgraders_scores_on_every_catalogue_entry_and_mutant_sample(harness, loose_files):
    """Seen to fail when grade reads a cell's score wrongly (`or cell.points` in _result_of)."""
    by_name, chosen = loose_files.by_name, loose_files.chosen
    assert len(chosen) > len(catalogue.ALL) > 100  # the whole catalogue and some mutant notebooks
    for index, student in enumerate(chosen):
        result = by_name[f"{student} (copy {index}).ipynb"]
        assert result.graded, (student, result.status, result.message)
        assert {c.grade_id: c.points for c in result.cells} == {
            g: harness.scores[student][g] or 0.0 for g in harness.points}, student


def test_grade_flags_files_that_are_no_gradable_notebook(loose_files):
    by_name = loose_files.by_name
    assert by_name["empty.ipynb"].status == "unreadable" and "empty" in by_name["empty.ipynb"].message
    assert by_name["broken.ipynb"].status == "unreadable" and "not a Jupyter notebook" in by_name["broken.ipynb"].message
    assert by_name["old-nbgrader.ipynb"].status == "unreadable" and "schema version 2" in by_name["old-nbgrader.ipynb"].message


def test_autograde_leaves_nbgraders_rows_and_notebooks_on_every_catalogue_entry(harness, loose_files):
    """grade() grades through autograde.run: the course it kept holds, for every catalogue entry and
    the mutant sample, nbgrader's grade and comment rows and its autograded notebooks' outputs. (No due
    date there: the late rows are compared on parallel_course above.)"""
    course, course_id = loose_files.course, loose_files.course_id
    differ = []
    for student in loose_files.chosen:
        ours, theirs = rows(course, course_id[student]), rows(harness.course_of[student], student)
        if (ours["grades"], ours["comments"]) != (theirs["grades"], theirs["comments"]):
            differ.append(f"{student}: rows")
        if outputs(course, course_id[student]) != outputs(harness.course_of[student], student):
            differ.append(f"{student}: outputs")
    assert not differ


def test_grade_command_exit_status_json_csv_and_cache(loose_files, tmp_path):
    folder = loose_files.folder
    one = next(folder.glob("reference*.ipynb"))
    command = [sys.executable, "-m", "backprop_hw.cli", "grade", str(one), "--json", "--csv", str(tmp_path / "r.csv")]
    # a bare PATH: this environment's scripts and bubblewrap, the sandbox (nothing else is needed)
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PATH": os.pathsep.join(str(shutil.which(tool)).rsplit("/", 1)[0] for tool in ("nbgrader", "bwrap"))}
    first = subprocess.run(command, capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    [result] = json.loads(first.stdout)
    assert result["score"] == 100 and result["cached"] is False
    assert "test_predict" in (tmp_path / "r.csv").read_text()
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    assert json.loads(second.stdout)[0]["cached"] is True  # graded before: not run again
    bad = subprocess.run([sys.executable, "-m", "backprop_hw.cli", "grade", str(folder / "empty.ipynb")],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "the file is empty" in bad.stdout


def test_grade_tells_a_student_why_the_template_assert_costs_points(tmp_path):
    """`backprop-hw grade` on a notebook whose forward_propagation keeps the original template's
    `assert(A2.shape == (1, X.shape[1]))`: 98 of 100, and the one failed cell says which call raised,
    at which line of the student's code, and where the notebook asks for two outputs. Before (as the
    issue measured it): 0 of forward_propagation's 8 points and "AssertionError:" alone."""
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    nbformat.write(catalogue.by_id("forward-template-assert").notebook(source, release), str(tmp_path / "student.ipynb"))
    done = subprocess.run([sys.executable, "-m", "backprop_hw.cli", "grade", str(tmp_path / "student.ipynb"), "--no-cache"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    printed = " ".join(done.stdout.split())  # the message is wrapped over several lines
    assert "student.ipynb: 98/100" in printed
    assert ("test_forward_propagation_general 0/2 FAIL forward_propagation(X of shape (3, 4), parameters with "
            "n_x=3, n_h=6, n_y=2) raised AssertionError at `assert(A2.shape == (1, X.shape[1]))` (line 14 of your "
            "cell).") in printed
    assert "the docstring of forward_propagation asks for A2 of shape (n_y, m) for any n_y" in printed


def _catalogue_file(folder, student_id: str, name: str | None = None):
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    path = folder / (name or f"{student_id}.ipynb")
    nbformat.write(catalogue.by_id(student_id).notebook(source, release), str(path))
    return path


def test_grade_regrades_an_edited_file_and_no_cache_grades_again(tmp_path, monkeypatch):
    """The cache is keyed by the file's content: the same file again is not graded again, the file
    edited is (a cache keyed by its name or date would hand back 100), and --no-cache always grades."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    student = _catalogue_file(tmp_path, "reference", "student.ipynb")
    [first] = grade.grade([student], progress=False)
    [again] = grade.grade([student], progress=False)
    assert (first.score, first.cached, again.score, again.cached) == (100, False, 100, True)
    _catalogue_file(tmp_path, "predict-inverted", "student.ipynb")  # the student fixes... or breaks predict
    [edited] = grade.grade([student], progress=False)
    assert (edited.score, edited.cached) == (97, False)
    [forced] = grade.grade([student], progress=False, use_cache=False)
    assert (forced.score, forced.cached) == (97, False)


def test_an_interrupted_grade_picks_up_where_it_stopped(tmp_path):
    """Ctrl-C after the first result is cached: the rerun takes what was graded from the cache and
    grades the rest (exit 130 and 'kept' on the way). Fails if results were cached only at the end.

    The last file loops forever in nn_model, so it cannot be done before the cell timeout (30 s) and
    the signal always comes while something is still to grade (with three quick files, the pool had
    graded all of them when the first result was written, and the run ended before the signal came).
    For the rerun the file is fixed, as a student would: it is graded anew. (The run stops at once:
    the workers are ended with their kernels, not waited for until the endless loop times out.)"""
    files = [_catalogue_file(tmp_path, sid) for sid in ("reference", "predict-inverted")]
    endless = tmp_path / "endless.ipynb"  # graded last: the student ids keep the order of the files
    nbformat.write(notebooks.with_change(nbformat.read(str(files[0]), as_version=4), *HOSTILE["endless-loop"]), str(endless))
    files.append(endless)
    cache = tmp_path / "cache"
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    command = [sys.executable, "-m", "backprop_hw.cli", "grade", *map(str, files), "--jobs", "1", "--json"]
    # SIGINT as a terminal gives it: a suite started in the background by a script (as CI may be)
    # inherits SIGINT ignored, and Python then never raises KeyboardInterrupt
    running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    results_kept = lambda: list(cache.glob("backprop-hw/grade/*/*.json"))  # noqa: E731  (one file per result)
    started = time.monotonic()
    deadline = started + 300
    while not results_kept() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    # what the loop saw, for the message should this fail: a run that had ended before the signal
    # cached its results only at the end; one that ends with 0 after it ignored Ctrl-C
    seen = {"kept before the signal": len(results_kept()), "ended before the signal": running.poll() is not None,
            "seconds": round(time.monotonic() - started, 1)}
    os.killpg(running.pid, signal.SIGINT)  # as Ctrl-C in a terminal: to the whole process group
    _, stderr = running.communicate(timeout=120)
    kept = len(results_kept())
    assert running.returncode == 130 and 1 <= kept < len(files), (running.returncode, kept, seen, stderr)
    _catalogue_file(tmp_path, "cost-no-1-over-m", endless.name)
    rerun = subprocess.run(command, capture_output=True, text=True, env=env)
    results = json.loads(rerun.stdout)
    assert rerun.returncode == 0
    assert [r["cached"] for r in results].count(True) == kept and [r["score"] for r in results] == [100, 97, 95]


def test_a_failure_of_the_grader_records_nothing_and_a_rerun_grades_it(tmp_path):
    """No kernel can start (a sandbox allowed 2 processes, too few for a kernel): the submission's
    status is 'error', autograde reports a failure, and the gradebook holds no score for it (every
    auto_score None, as nbgrader leaves a submission it could not grade, so it shows as ungraded,
    not as 0); the next run, with kernels, grades it to 100. Fails if the failure were scored."""
    from nbgrader.api import Gradebook

    course = Course.create(tmp_path / "course")
    course.generate_assignment()
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    course.submit("reference", catalogue.by_id("reference").notebook(source, release))
    failed = autograde.run(course.root, paths.ASSIGNMENT, jobs=1, progress=False, log_level="ERROR",
                           extra_args=["--Sandbox.max_processes=2"])
    assert failed.failed_any and failed.outcomes["reference"]["status"] == "error"
    with Gradebook(course.gradebook_url) as gradebook:
        grades = gradebook.find_submission(paths.ASSIGNMENT, "reference").notebooks[0].grades
        assert grades and all(g.auto_score is None and g.manual_score is None for g in grades)
    rerun = autograde.run(course.root, paths.ASSIGNMENT, jobs=1, progress=False, log_level="ERROR")
    assert not rerun.failed_any
    assert sum(course.cell_scores()["reference"].values()) == 100


def test_kernels_started_one_by_one_grade_as_forked_ones_do(harness, tmp_path):
    """GradingLimits.fork_kernels = False: each kernel in a cold sandbox of its own, a kernel that
    dies replaced by another cold one; the same points in every cell as nbgrader's harness run."""
    students = ["reference", "backward-dW1-no-1-over-m", "predict-inverted", "nn-model-exits"]
    files = [_catalogue_file(tmp_path, student) for student in students]
    results = grade.grade(files, use_cache=False, progress=False, extra_args=["--GradingLimits.fork_kernels=False"])
    for student, result in zip(students, results):
        assert {c.grade_id: c.points for c in result.cells} == {
            g: harness.scores[student][g] or 0.0 for g in harness.points}, student
    assert results[-1].status == "kernel died" and results[-1].score == 94


def test_a_kernel_killed_by_the_earlier_cells_run_again_is_one_more_death(tmp_path):
    """nn_model ends its kernel while tested; on the way back the earlier cells run again, but not
    the test cells, so forward_propagation's cell, which ends the kernel when the test cell above it
    has not run (no `shapes`), kills the new one too. That is one more death, not the end: a third
    kernel runs the earlier cells but that one, and grading goes on. Only nn_model's cell is lost
    (forward_propagation's tests ran before)."""
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    nb = notebooks.reference_submission(source, release)
    nb = notebooks.with_change(nb, "forward_propagation", "    return A2, cache",
                               "    return A2, cache\n\nimport os\nif 'shapes' not in globals():\n    os._exit(3)")
    nb = notebooks.with_change(nb, "nn_model", "    for i in range(num_iterations):",
                               "    import os\n    os._exit(1)\n    for i in range(num_iterations):")
    nbformat.write(nb, str(tmp_path / "dies-twice.ipynb"))
    [result] = grade.grade([tmp_path / "dies-twice.ipynb"], use_cache=False, progress=False)
    assert result.status == "kernel died" and "forward_propagation" in result.message, result.message
    assert {c.grade_id for c in result.cells if not c.passed} == {"test_nn_model"} and result.score == 94


HOSTILE = {
    "kills-its-kernel": ("sigmoid", "return 1 / (1 + np.exp(-z))", "return 1 / (1 + np.exp(-z))\n\nimport os\nos._exit(3)"),
    "endless-loop": ("nn_model", "    for i in range(num_iterations):", "    while True:\n        pass\n    for i in range(num_iterations):"),
    "floods-output": ("sigmoid", "return 1 / (1 + np.exp(-z))", "return 1 / (1 + np.exp(-z))\n\nprint('x' * 50_000_000)"),
    "allocates-10-GB": ("tanh_derivative", "return 1 - np.tanh(z) ** 2", "return 1 - np.tanh(z) ** 2\n\nhuge = np.ones(10**10 // 8 * 8)"),
    # the kernel dies while a graded test cell runs: that cell must not keep its points
    "dies-in-a-test-cell": ("relu_derivative", "return (z > 0).astype(float)", "import os\n    os._exit(3)"),
    # 2 MB of print, then a line on stderr, which nbgrader scores as a failure: cutting the print must keep it
    # (these two write only for a scalar, as in the visible test sigmoid(0): the training cells call sigmoid
    # thousands of times, and so much output would make nbclient's IOPub timeout, and the result, a matter of load)
    # stderr past the limit, cleared, then stderr again: the later stderr must survive the cut-off count
    "stderr-cleared-then-again": ("sigmoid", "return 1 / (1 + np.exp(-z))",
                                  "import sys\n    from IPython.display import clear_output\n    if np.ndim(z) == 0:\n"
                                  "        sys.stderr.write('x' * 2_000_000)\n        clear_output()\n        sys.stderr.write('late')\n"
                                  "    return 1 / (1 + np.exp(-z))"),
    "floods-then-stderr": ("sigmoid", "return 1 / (1 + np.exp(-z))",
                           "import sys\n    if np.ndim(z) == 0:\n        print('x' * 2_000_000)\n        sys.stderr.write('debug')\n"
                           "    return 1 / (1 + np.exp(-z))"),
}


@pytest.fixture(scope="module")
def hostile_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    reference = notebooks.reference_submission(source, release)
    for name, (function, old, new) in HOSTILE.items():
        nbformat.write(notebooks.with_change(reference, function, old, new), str(folder / f"{name}.ipynb"))
    nbformat.write(reference, str(folder / "honest.ipynb"))
    files = sorted(folder.glob("*.ipynb"))
    results = grade.grade(files, use_cache=False, progress=False,
                          extra_args=["--Execute.timeout=4", "--GradingLimits.wall_time=25"])
    return {r.file.split("/")[-1].removesuffix(".ipynb"): r for r in results}


def test_hostile_submissions_get_a_status_and_the_others_are_graded(hostile_results):
    assert hostile_results["honest"].score == 100 and hostile_results["honest"].status == "graded"
    killed = hostile_results["kills-its-kernel"]
    # the kernel died in sigmoid's answer cell: started again without that cell, so sigmoid alone is missing
    assert killed.status == "kernel died" and killed.score == 96
    assert {c.grade_id for c in killed.cells if not c.passed} == {"test_sigmoid"}
    assert "sigmoid is not defined in the notebook" in killed.cells[0].message
    loop = hostile_results["endless-loop"]
    assert loop.status in ("timeout", "wall time")
    assert {c.grade_id for c in loop.cells if not c.passed} == {"test_nn_model"}
    flood = hostile_results["floods-output"]
    assert flood.score == 100  # the output is cut off; the code is right
    died = hostile_results["dies-in-a-test-cell"]
    assert died.status == "kernel died" and "test_relu_derivative" in died.message
    # the cell running when the kernel died scores 0 and says so; every later cell ran in a new kernel
    assert {c.grade_id for c in died.cells if not c.passed} == {"test_relu_derivative"}
    assert "KernelDied: the kernel died while testing relu_derivative" in next(
        c.message for c in died.cells if c.grade_id == "test_relu_derivative")
    cleared = hostile_results["stderr-cleared-then-again"]
    assert "test_sigmoid" in {c.grade_id for c in cleared.cells if not c.passed}  # as nbgrader: stderr fails it
    flooded = hostile_results["floods-then-stderr"]
    assert {c.grade_id for c in flooded.cells if not c.passed} == {"test_sigmoid"}
    memory = hostile_results["allocates-10-GB"]
    # the allocation fails with MemoryError after tanh_derivative is defined: the code still earns its points
    assert memory.status == "memory" and memory.score == 100


def test_hostile_failures_name_the_function_and_the_input(hostile_results, source_nb):
    """Each failed cell that ran names its function and input, stderr included ("sigmoid(z=0): it wrote
    'debug' to stderr ..."; before, it read "wrote to stderr: debug"), or says that the kernel died while
    testing that function. A cell that never ran (the wall time ran out) says NotRun."""
    functions = notebooks.cell_functions(source_nb)
    unnamed = [(name, c.grade_id, c.message[:120]) for name, result in hostile_results.items() for c in result.cells
               if not c.passed and not c.message.startswith("NotRun")
               and not results.names_function_and_input(c.message, functions[c.grade_id])
               and f"KernelDied: the kernel died while testing {functions[c.grade_id]}" not in c.message]
    assert not unnamed
    assert "sigmoid(z=0): it wrote 'debug' to stderr" in next(
        c.message for c in hostile_results["floods-then-stderr"].cells if c.grade_id == "test_sigmoid")


def test_failure_message_of_a_blank_stderr_line(tmp_path):
    """A test cell that wrote only whitespace to stderr still gets a message (and no crash)."""
    cell = nbformat.v4.new_code_cell("import sys; sys.stderr.write('  \\n')")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_x", "points": 1, "solution": False,
                                 "locked": True, "schema_version": 3}
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="  \n")]
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), str(tmp_path / "n.ipynb"))
    assert results.failure_messages(tmp_path / "n.ipynb") == {"test_x": "wrote to stderr: (blank)"}


def test_grade_cache_depends_on_limits_given_on_the_command_line():
    """Results graded with other limits (e.g. a shorter timeout) are not reused."""
    assert grade.cache_dir(paths.ASSIGNMENT) != grade.cache_dir(paths.ASSIGNMENT, ["--Execute.timeout=4"])
    assert grade.cache_dir(paths.ASSIGNMENT) == grade.cache_dir(paths.ASSIGNMENT, [])


def test_grade_cache_depends_on_every_module_that_decides_a_grade():
    """The hidden tests of each part (checks/parts/), every grading module, the source notebook and
    the config are in the cache's fingerprint: editing one regrades. (Failed while the fingerprint
    read checks/*.py only, without checks/parts/.)"""
    package = paths.REPO_ROOT / "backprop_hw"
    hashed = set(grade.grader_files(paths.ASSIGNMENT))
    deciding = {*package.glob("checks/**/*.py"), *package.glob("grading/**/*.py"), *package.glob("inside/**/*.py"),
                paths.source_notebook(), paths.COURSE_CONFIG}
    assert package / "checks" / "parts" / "training.py" in hashed
    assert package / "inside" / "kernel_end.py" in hashed  # the kernel's end of the hidden tests' channel
    assert deciding - hashed == set()


def test_forked_kernels_share_nothing_between_submissions(tmp_path):
    """Kernels forked from one server, one after another in one worker: what the first submission
    does to NumPy, the environment or its folder never reaches the next one."""
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    reference = notebooks.reference_submission(source, release)
    tampering = ("import os\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
                 "os.environ['PLANTED'] = '1'\n")
    first = notebooks.with_change(reference, "sigmoid", "return 1 / (1 + np.exp(-z))",
                                  "return 1 / (1 + np.exp(-z))\n\n" + tampering)
    second = notebooks.with_change(reference, "sigmoid", "return 1 / (1 + np.exp(-z))",
                                   "assert 'PLANTED' not in __import__('os').environ\n    return 1 / (1 + np.exp(z))")
    nbformat.write(first, str(tmp_path / "a-tampers.ipynb"))
    nbformat.write(second, str(tmp_path / "b-wrong.ipynb"))
    results = grade.grade([tmp_path / "a-tampers.ipynb", tmp_path / "b-wrong.ipynb"], jobs=1, use_cache=False,
                          progress=False)
    wrong = results[1]
    assert wrong.status == "graded"
    assert {c.grade_id for c in wrong.cells if not c.passed} == {"test_sigmoid"}
    assert "wrong values: σ(z) = 1 / (1 + e^(−z))" in wrong.cells[0].message  # the sign error, not the planted variable


def test_faster_metadata_validation_accepts_and_rejects_what_nbgrader_does():
    """speedups' cell-metadata validation (schema checked once) gives nbgrader's verdicts and errors."""
    import copy

    import jsonschema
    from nbgrader.nbgraderformat import MetadataValidator
    from nbgrader.nbgraderformat import common

    from backprop_hw.grading import speedups

    validator = MetadataValidator()
    cells = [c for c in notebooks.read(paths.source_notebook()).cells if "nbgrader" in c.metadata]
    broken = []
    for change in ({"points": "ten"}, {"grade_id": 7}, {"grade": "yes"}, {"unknown_key": 1}):
        cell = copy.deepcopy(cells[3])
        cell.metadata.nbgrader.update(change)
        broken.append(cell)
    original = speedups.NBGRADER_VALIDATE_CELL
    assert original is not speedups._validate_cell

    def verdict(cell):
        try:
            common.BaseMetadataValidator.validate_cell(validator, cell)
            return "ok"
        except jsonschema.ValidationError as error:
            return f"invalid: {error.message}"

    common.BaseMetadataValidator.validate_cell = original
    before = [verdict(c) for c in cells + broken]
    try:
        speedups.apply()
        after = [verdict(c) for c in cells + broken]
    finally:
        speedups.apply()
    assert after == before
    assert before[:len(cells)] == ["ok"] * len(cells)
    assert len(before[len(cells):]) == 4 and all(v.startswith("invalid") for v in before[len(cells):]), before[len(cells):]


def test_signalling_an_ended_forked_kernel_is_harmless():
    """jupyter_client interrupts a kernel before killing it, also one that has died: no error."""
    from backprop_hw.grading import forkserver

    ended = subprocess.Popen(["true"])
    ended.wait()
    process = forkserver.ForkedProcess(ended.pid)
    process.send_signal(2)
    process.kill()
    assert process.poll() is not None


def test_forked_kernels_end_with_their_server():
    """If the grading process goes away, its fork server and every kernel it forked go too."""
    import time
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    from backprop_hw.grading import forkserver

    server = forkserver.ForkServer()
    km = AsyncKernelManager(kernel_name="python3")
    km.kernel_id = str(uuid.uuid4())
    km.provisioner = forkserver.ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    km.provisioner.server = server
    run_sync(km.start_kernel)(stderr=subprocess.DEVNULL)
    pid = km.provisioner.pid
    assert forkserver.ForkedProcess(pid).poll() is None  # a kernel, forked and running
    server.process.stdin.close()  # as when the worker dies
    server.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while forkserver.ForkedProcess(pid).poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert forkserver.ForkedProcess(pid).poll() is not None
    run_sync(km.shutdown_kernel)(now=True)  # a manager whose kernel died shuts down without an error
