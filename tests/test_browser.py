"""The student's and the instructor's flows in a real browser: Debian's Chromium, driven by
Playwright, against `jupyter lab` started on a free port of 127.0.0.1 (tests/browser.py).

A machine without Chromium skips these tests and says how to install it; with
BACKPROP_HW_REQUIRE_BROWSER=1 (CI sets it) they fail instead. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import browser
from exchange import instructor_course, student_command
from backprop_hw import notebooks, paths, release
from backprop_hw.course import Course
from backprop_hw.harness import catalogue
from backprop_hw.samples import REFERENCE

SUCCESS = "Success! Your notebook passes all the tests."
MISTAKE = "backward-dW1-no-1-over-m"  # a typical mistake: the 1/m left out of dW1
# A visible test cell starts with the docstring '"""function (N points): ...' (or
# '"""function, any size (N points)'), which the Validate dialog shows for each cell that failed.
TEST_CELL_HEADING = re.compile(r'^"""(\w+)(, [^(]*)? \(\d+ [^)]*\)', re.MULTILINE)


@pytest.fixture(scope="module")
def chromium():
    """Chromium, started once for the module; skipped (or failed, where required) without it."""
    executable = browser.chromium()
    if executable is None:
        if os.environ.get("BACKPROP_HW_REQUIRE_BROWSER"):
            pytest.fail(browser.INSTALL_HINT)
        pytest.skip(browser.INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(browser.UI_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def student_folder(folder: Path, edition: str, nb=None) -> Path:
    """A folder with only what students get: the release of `edition`, its notebook replaced by nb."""
    shutil.copytree(paths.RELEASE_DIR / edition, folder)
    if nb is not None:
        nbformat.write(nb, str(folder / paths.NOTEBOOK))
    return folder


def submission(edition: str, sample=REFERENCE):
    source, release = notebooks.read(paths.source_notebook(edition)), notebooks.read(paths.release_notebook(edition))
    return sample.notebook(source, release)


def failed_cells(validation: str) -> list[str]:
    """The functions of the test cells that nbgrader's validation text lists as failed, in order."""
    return [TEST_CELL_HEADING.match(part.lstrip()).group(1)
            for part in validation.split("The following cell failed:")[1:]
            if TEST_CELL_HEADING.match(part.lstrip())]


def nbgrader_validate(folder: Path) -> str:
    """What `nbgrader validate` prints for the folder's notebook, run in that folder as Validate is."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", "validate", paths.NOTEBOOK], cwd=folder,
                          capture_output=True, text=True, env=dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / ".cfg")))
    return done.stdout + done.stderr


# --- the student -----------------------------------------------------------------------------------

@pytest.mark.parametrize("front_end, edition", [("lab", "backprop"), ("lab", "backprop_uk"), ("notebook", "backprop")],
                         ids=["jupyterlab-english", "jupyterlab-ukrainian", "notebook7-english"])
def test_a_student_runs_the_filled_notebook_and_validate_says_success(page, tmp_path, front_end, edition):
    """The release with the reference's answers, opened in JupyterLab 4 (both editions) and
    Notebook 7: Restart and Run All runs every cell without an error, every plotting cell shows its
    plot (decoded images in the page, image outputs in the saved file), and Validate says success."""
    folder = student_folder(tmp_path / "student", edition, submission(edition))
    with browser.jupyter_server(folder, tmp_path) as server:
        browser.open_notebook(page, server, paths.NOTEBOOK, front_end)
        browser.restart_and_run_all(page)
        assert not browser.stderr_outputs(page)
        images = page.locator(".jp-OutputArea-output img")
        assert images.count() > 0
        assert all(images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(images.count()))
        browser.save(page, folder / paths.NOTEBOOK)
        saved = notebooks.read(folder / paths.NOTEBOOK)
        code = [cell for cell in saved.cells if cell.cell_type == "code"]
        assert all(output.output_type != "error" for cell in code for output in cell.outputs)
        plotting = [cell for cell in code if re.search(r"^\s*plot_\w+\(|\bplt\.", cell.source, re.MULTILINE)]
        assert plotting and all(any("image/png" in output.get("data", {}) for output in cell.outputs)
                                for cell in plotting), "a plotting cell shows no plot"
        assert images.count() == sum("image/png" in output.get("data", {}) for cell in code for output in cell.outputs)
        if (front_end, edition) == ("lab", "backprop"):
            images.nth(1).scroll_into_view_if_needed()
            browser.screenshot(page, "student-notebook")
        assert SUCCESS in browser.validate(page)


@pytest.mark.parametrize("sample", [None, MISTAKE], ids=["untouched-release", "one-typical-mistake"])
def test_validate_names_the_cells_that_fail(page, tmp_path, sample):
    """Validate on the untouched release and on a notebook with one typical mistake (the 1/m left
    out of dW1) lists the test cells that fail: the same cells as `nbgrader validate` on the same
    file, never success; the mistake's own test cell is among them and the cells of functions before
    it are not."""
    nb = None if sample is None else submission("backprop", catalogue.by_id(sample))
    folder = student_folder(tmp_path / "student", "backprop", nb)
    with browser.jupyter_server(folder, tmp_path) as server:
        browser.open_notebook(page, server, paths.NOTEBOOK)
        shown = browser.validate(page)
        if sample is not None:
            browser.screenshot(page, "student-validate-failed")
    failed = failed_cells(shown)
    assert SUCCESS not in shown and failed
    assert failed == failed_cells(nbgrader_validate(folder))
    if sample is None:
        assert failed[0] == "sigmoid"  # the first function: nothing is filled in
    else:
        assert "backward_propagation" in failed and "sigmoid" not in failed and "forward_propagation" not in failed


# --- the instructor --------------------------------------------------------------------------------

def cli_autograde(course: Course, folder: Path) -> tuple[str, dict[str, float]]:
    """Autograde a copy of the course, as it is now, with the real `nbgrader autograde`: its
    submission's (student, {grade_id: score})."""
    copy = Course(folder)
    shutil.copytree(course.root, copy.root)
    Course.write_config(copy.root)
    copy.autograde()
    [(student, scores)] = copy.cell_scores().items()
    return student, scores


def test_an_instructor_releases_collects_autogrades_and_gives_feedback_in_the_formgrader(page, tmp_path, source_nb):
    """The formgrader of a new course lists the assignment; generate, release and collect from its
    buttons (a student fetches and submits, with one typical mistake, through a local exchange);
    autograde that submission from the UI: the score and every cell's score are those of `nbgrader
    autograde` on the same course; the feedback generated from the UI shows the failure's message
    and no hidden-test code."""
    course, exchange = instructor_course(tmp_path)
    home = tmp_path / "student"
    home.mkdir()
    with browser.jupyter_server(course.root, tmp_path) as server:
        page.goto(server.url("formgrader"))
        assignment = page.locator("#main-table tr", has=page.locator("td", has_text=paths.ASSIGNMENT)).first
        assignment.wait_for()
        assert "draft" in assignment.inner_text()
        browser.formgrader_action(page, assignment, "glyphicon-education")  # generate the student version
        released = notebooks.read(course.release_notebook)
        assert [cell.source for cell in released.cells] == [cell.source for cell in notebooks.read(paths.release_notebook()).cells]
        browser.formgrader_action(page, assignment, "glyphicon-cloud-upload")  # release to the exchange
        assert "released" in assignment.inner_text()

        student_command(home, exchange, "fetch_assignment", paths.ASSIGNMENT)
        nbformat.write(submission("backprop", catalogue.by_id(MISTAKE)), str(home / paths.ASSIGNMENT / paths.NOTEBOOK))
        student_command(home, exchange, "submit", paths.ASSIGNMENT)
        browser.formgrader_action(page, assignment, "glyphicon-cloud-download")  # collect
        student, expected = cli_autograde(course, tmp_path / "cli-course")

        page.goto(server.url(f"formgrader/manage_submissions/{paths.ASSIGNMENT}"))
        row = page.locator("#main-table tr", has=page.locator("td.student-id", has_text=student)).first
        assert "needs autograding" in row.inner_text()
        browser.formgrader_action(page, row, "glyphicon-flash")  # autograde
        score = row.locator("td.score")
        page.wait_for_function("cell => /\\d/.test(cell.innerText)", arg=score.element_handle())
        total = sum(expected.values())
        max_score = sum(cell.points for cell in notebooks.graded_cells(source_nb))
        assert score.inner_text().strip() == f"{total:g} / {max_score:g}"
        assert 0 < total < max_score
        browser.formgrader_action(page, row, "glyphicon-comment")  # generate feedback
        browser.screenshot(page, "instructor-submissions")

        # The per-cell scores: the gradebook's page of the notebook's submissions, then this one.
        page.goto(server.url(f"formgrader/gradebook/{paths.ASSIGNMENT}/{Path(paths.NOTEBOOK).stem}"))
        page.locator("#main-table td.name a").first.click()
        page.wait_for_selector("input.score")
        page.wait_for_function("() => [...document.querySelectorAll('input.score')].every(i => i.placeholder !== '')")
        shown = {field.get_attribute("id"): float(field.get_attribute("placeholder"))
                 for field in page.locator("input.score").all()}
        assert shown == expected
        points = {cell.grade_id: cell.points for cell in notebooks.graded_cells(source_nb)}
        assert catalogue.by_id(MISTAKE).fails <= {grade_id for grade_id, score in shown.items() if score < points[grade_id]}

    feedback = course.root / "feedback" / student / paths.ASSIGNMENT / f"{Path(paths.NOTEBOOK).stem}.html"
    page.goto(feedback.as_uri())
    text = page.locator("body").inner_text()
    assert "HiddenTestFailure: backward_propagation(parameters with n_x=" in text
    assert "dW1 should be the mean over the m examples" in text
    assert "BEGIN HIDDEN TESTS" not in text and "backprop_hw" not in page.content()
    leaked = release.secret_lines(source_nb)["hidden test"] & {line.strip() for line in text.splitlines()}
    assert not leaked, f"hidden test code in the feedback: {sorted(leaked)[:3]}"
    page.get_by_text("HiddenTestFailure: backward_propagation(").first.scroll_into_view_if_needed()
    browser.screenshot(page, "student-feedback")

