"""One graded harness per test session: every catalogue entry and mutant, real nbgrader autograde."""

from __future__ import annotations

import sys

import pytest

from backprop_hw import notebooks, paths
from backprop_hw.harness.run import HarnessResult, analyse

# planar_utils ships beside the notebook; the checks import it as the kernel would.
sys.path.insert(0, str(paths.SOURCE_DIR / paths.ASSIGNMENT))


@pytest.fixture(scope="session")
def source_nb():
    return notebooks.read(paths.source_notebook())


@pytest.fixture(scope="session")
def reference(source_nb) -> dict:
    """The reference solution's functions, run outside a kernel."""
    return notebooks.answer_namespace(source_nb, filename="reference")


@pytest.fixture(scope="session")
def harness(tmp_path_factory) -> HarnessResult:
    """Courses with the demo's submissions, the catalogues and the mutants, each course released,
    submitted (with a due date and a late submission), autograded once, with feedback and grades.csv."""
    return analyse(tmp_path_factory.mktemp("harness"), say=lambda text: None)
