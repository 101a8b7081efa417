"""The Ukrainian edition is the English assignment in other words: same code, cells, hidden tests and scores."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil

import pytest

from backprop_hw import demo, editions, generated, notebooks, paths, release, results
from backprop_hw.course import Course
from backprop_hw.harness import catalogue

UK = f"{paths.ASSIGNMENT}_uk"


@pytest.fixture(scope="module")
def english():
    return notebooks.read(paths.source_notebook())


@pytest.fixture(scope="module")
def ukrainian():
    return notebooks.read(paths.source_notebook(UK))


@pytest.fixture(scope="module")
def translation():
    return editions.load("uk")


def test_uk_source_is_generated_from_the_english_source(english, translation):
    """Also what fails when a test is changed in one edition alone: the committed Ukrainian notebook
    must be exactly what the English one and the translation make."""
    built = editions.build(english, translation, "uk")
    committed = notebooks.read(paths.source_notebook(UK))
    assert json.loads(json.dumps(built)) == json.loads(json.dumps(committed)), \
        "source/backprop_uk is out of date: run `backprop-hw edition build uk` and `backprop-hw release backprop_uk`"
    module = editions.helper_module(translation, "uk")
    assert module == (editions.edition_dir("uk") / "planar_utils.py").read_text()
    for committed in (paths.source_notebook(UK), editions.edition_dir("uk") / "planar_utils.py"):
        assert "edition build uk" in (generated.mark_of(committed) or ""), f"{committed} has no generated mark"


def test_every_text_is_translated(translation):
    assert all(translation["markdown"].values()) and all(translation["code"].values())
    assert editions.extract(notebooks.read(paths.source_notebook()), translation)["markdown"].keys() == translation["markdown"].keys()


def test_same_code_in_every_code_cell(english, ukrainian):
    english_code = [editions.code_skeleton(c.source) for c in english.cells if c.cell_type == "code"]
    ukrainian_code = [editions.code_skeleton(c.source) for c in ukrainian.cells if c.cell_type == "code"]
    assert english_code == ukrainian_code


def _hidden_tests(nb) -> dict[str, str]:
    regions = {}
    for cell in nb.cells:
        found = re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
        if found:
            regions[notebooks.nbgrader_meta(cell)["grade_id"]] = "".join(found)
    return regions


def test_same_graded_cells_points_parts_and_hidden_tests(english, ukrainian):
    assert notebooks.graded_cells(english) == notebooks.graded_cells(ukrainian)
    assert _hidden_tests(english) == _hidden_tests(ukrainian)
    assert notebooks.cell_functions(english) == notebooks.cell_functions(ukrainian)


def test_glossary_and_ukrainian_prose(ukrainian):
    glossary = next(c for c in ukrainian.cells if c.id == "glossary")
    for term in ("зворотне поширення", "функція втрат", "функція витрат", "прихований шар", "поелементне множення"):
        assert term in glossary.source
    headings = [c.source.splitlines()[0] for c in ukrainian.cells if c.cell_type == "markdown" and c.source.startswith("## Частина")]
    assert len(headings) == 7


def _uk_course(folder, translation, samples) -> Course:
    """`samples` on the Ukrainian edition, their changes read in Ukrainian where they touch prose."""
    samples = tuple(dataclasses.replace(s, changes=tuple((f, editions.translate_snippet(old, translation),
                                                           editions.translate_snippet(new, translation))
                                                          for f, old, new in s.changes))
                    for s in samples)
    return demo.build(folder / "course", samples, progress=lambda text: None,
                      feedback_for=("backward-dW1-no-1-over-m",), assignment=UK, parallel_jobs=2)


@pytest.fixture(scope="module")
def uk_course(tmp_path_factory, translation) -> Course:
    """The whole harness catalogue on the Ukrainian edition (the full tier: a few minutes)."""
    return _uk_course(tmp_path_factory.mktemp("uk"), translation, catalogue.ALL)


@pytest.fixture(scope="module")
def uk_sample_course(tmp_path_factory, translation) -> Course:
    """The Ukrainian release, and two submissions graded on it with feedback (the fast tier)."""
    samples = [catalogue.by_id(sid) for sid in ("reference", "backward-dW1-no-1-over-m")]
    return _uk_course(tmp_path_factory.mktemp("uk-sample"), translation, samples)


def test_catalogue_scores_the_same_on_both_editions(harness, uk_course):
    uk_scores = uk_course.cell_scores(UK)
    for sample in catalogue.ALL:
        assert uk_scores[sample.student_id] == harness.scores[sample.student_id], sample.student_id


def test_uk_feedback_speaks_ukrainian(uk_sample_course):
    page = (uk_sample_course.root / "feedback" / "backward-dW1-no-1-over-m" / UK / paths.NOTEBOOK.replace("ipynb", "html")).read_text()
    assert "Видимі тести пройдено" in page


def test_uk_release_is_what_nbgrader_generates(uk_sample_course, tmp_path):
    """Every committed file of release/backprop_uk/ is what nbgrader generates, with its mark."""
    made = shutil.copytree(uk_sample_course.root / "release" / UK, tmp_path / UK)
    release.mark(made, UK)
    generated_files = sorted(p.name for p in made.iterdir())
    committed_files = sorted(p.name for p in (paths.RELEASE_DIR / UK).iterdir())
    assert paths.NOTEBOOK in generated_files and generated_files == committed_files, "run `backprop-hw release backprop_uk`"
    for made_file in sorted(made.iterdir()):
        committed = paths.RELEASE_DIR / UK / made_file.name
        assert f"backprop-hw release {UK}" in (generated.mark_of(committed) or ""), f"{committed} has no generated mark"
        if made_file.suffix == ".ipynb":
            assert json.loads(committed.read_text()) == json.loads(made_file.read_text()), "run `backprop-hw release backprop_uk`"
        else:
            assert committed.read_bytes() == made_file.read_bytes(), "run `backprop-hw release backprop_uk`"


def test_uk_failures_name_the_call_in_ukrainian(uk_course, ukrainian):
    """Every failed cell of the catalogue on the Ukrainian edition: the call and its input in words,
    in Ukrainian ("forward_propagation(X розміру (3, 4), parameters з n_x=3, ...) завершилася винятком
    ..."), or the kernel's death while testing that function."""
    functions, points = notebooks.cell_functions(ukrainian), {c.grade_id: c.points for c in notebooks.graded_cells(ukrainian)}
    wrong = []
    for student, scores in uk_course.cell_scores(UK).items():
        messages = results.failure_messages(uk_course.root / "autograded" / student / UK / paths.NOTEBOOK)
        for cell, score in scores.items():
            message = messages.get(cell, "")
            if (score or 0) < points[cell] and not (
                    re.search("[а-яіїєґ]", message)
                    and (results.names_function_and_input(message, functions[cell])
                         or f"під час тестування {functions[cell]}" in message)):
                wrong.append((student, cell, message[:120]))
    assert not wrong, wrong[:5]
