"""The autograder proven right: every catalogued mistake caught in its own function only,
every correct variant at 100, and the mutants of every graded function killed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backprop_hw import paths, results
from backprop_hw.harness import catalogue, mutation
from backprop_hw.harness.report import write


def test_the_catalogues_are_large_enough():
    assert len(catalogue.MISTAKES) >= 40
    assert len(catalogue.VARIANTS) >= 15
    assert len({s.student_id for s in catalogue.ALL}) == len(catalogue.ALL)


def test_every_graded_function_has_catalogued_mistakes(harness):
    assert set(harness.cell_functions.values()) <= {s.function for s in catalogue.MISTAKES}


@pytest.mark.parametrize("sample", catalogue.MISTAKES + catalogue.CRASHES, ids=lambda s: s.student_id)
def test_mistake_loses_points_in_its_own_function_only(harness, sample):
    assert harness.verdict(sample) == "ok"


@pytest.mark.parametrize("sample", catalogue.VARIANTS, ids=lambda s: s.student_id)
def test_correct_variant_earns_100(harness, sample):
    assert harness.total(sample.student_id) == 100.0, harness.verdict(sample)


def test_reference_100_and_untouched_0(harness):
    assert harness.total("reference") == 100.0
    assert harness.total("untouched") == 0.0


def test_mutation_score_at_least_95_percent_per_function(harness):
    scores = harness.mutation_scores()
    assert scores and all(graded > 0 for _, graded in scores.values()), "no mutant was graded"
    for function, (killed, graded) in scores.items():
        assert killed / graded >= 0.95, f"{function}: {killed} of {graded} mutants killed"


def test_every_survivor_is_explained(harness):
    unexplained = [m.name for m in harness.survivors() if (m.function, m.change) not in mutation.HARMLESS_SURVIVORS]
    assert not unexplained


def test_every_function_is_mutated_and_equivalents_are_few(harness):
    assert set(harness.mutation_scores()) == set(harness.cell_functions.values())
    assert len(harness.equivalent_mutants) < 0.1 * len(harness.graded_mutants)


def test_report_is_written_with_its_plot(harness, tmp_path):
    report = write(harness, tmp_path)
    text = report.read_text()
    assert "| mutation score |" in text and "## Survivors" in text
    assert "`test_backward_propagation_vectorized`" in text
    assert (tmp_path / "catches.png").stat().st_size > 10_000


def test_every_failed_cell_names_its_function_and_the_input(harness):
    """Every graded cell that lost points, in every notebook the harness graded (the mistakes, the
    untouched release, the mutants), has a message that starts from the call: the function and its
    input in words ("forward_propagation(X of shape (3, 1), parameters with n_x=3, ...)"), never an
    exception name alone. Before the hidden tests ran first and named the call, not one of the 98
    failed cells of the 69 catalogue entries that lost points did (`backprop-hw grade` on the 93
    entries that do not loop: the visible asserts' messages, or the hidden test's without the input)."""
    unnamed = []
    for student in harness.scores:
        course = harness.course_of[student]
        messages = results.failure_messages(course.root / "autograded" / student / paths.ASSIGNMENT / paths.NOTEBOOK)
        for cell in sorted(harness.lost_cells(student)):
            message = messages.get(cell, "")
            function = harness.cell_functions[cell]
            died = f"KernelDied: the kernel died while testing {function}" in message  # the input died with it
            if not (results.names_function_and_input(message, function) or died):
                unnamed.append(f"{student} {cell}: {message[:160]!r}")
    assert not unnamed, f"{len(unnamed)} failed cells without the call: " + "; ".join(unnamed[:5])


def test_every_catalogue_entry_keeps_the_cell_scores_it_had_while_the_tests_ran_in_the_kernel(harness):
    """The hidden tests moved out of the kernel into the grader: every catalogue entry scores cell for
    cell what the grader gave it before (tests/data/catalogue_cell_scores.json, recorded with
    `backprop-hw grade` at c952300, where the tests ran in the kernel)."""
    recorded = json.loads((Path(__file__).parent / "data" / "catalogue_cell_scores.json").read_text())["scores"]
    assert set(recorded) == {s.student_id for s in catalogue.ALL}
    differing = {student: {cell: (points, harness.scores[student].get(cell)) for cell, points in cells.items()
                           if harness.scores[student].get(cell) != points}
                 for student, cells in recorded.items()}
    assert {student: cells for student, cells in differing.items() if cells} == {}
