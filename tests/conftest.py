"""One demo course per test session: generated, submitted, autograded, with feedback and grades."""

from __future__ import annotations

import sys

import pytest

from backprop_hw import demo, notebooks, paths
from backprop_hw.course import Course

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
def demo_course(tmp_path_factory) -> Course:
    """The demo's course: release, sample submissions, real autograde, feedback, grades.csv."""
    return demo.build(tmp_path_factory.mktemp("demo") / "course", say=lambda text: None)
