"""One graded harness per test session: every catalogue entry and mutant, real nbgrader autograde.

Two tiers. `pytest` (`./run.sh test`) is the fast one: every module, one submission or a few at a
time. `pytest --full` (`./run.sh test --full`, what CI runs) adds the tests that grade whole
catalogues through real nbgrader: those that use one of FULL_TIER_FIXTURES.
"""

from __future__ import annotations

import sys
from typing import Iterator

import pytest

from backprop_hw import notebooks, paths
from backprop_hw.grading import postgres
from backprop_hw.harness.run import HarnessResult, analyse

# planar_utils ships beside the notebook; the checks import it as the kernel would.
sys.path.insert(0, str(paths.SOURCE_DIR / paths.ASSIGNMENT))


# The fixtures that grade a whole catalogue (minutes each): a test that uses one is in the full tier.
FULL_TIER_FIXTURES = {
    "harness": "every catalogue entry and mutant, in real nbgrader (about 7 minutes)",
    "uk_course": "the catalogue on the Ukrainian edition (about 4 minutes)",
    "attacked": "the attacks, through plain nbgrader and backprop-hw autograde",
    "cases_graded": "the hostile cases and links handed in, through plain nbgrader autograde and backprop-hw autograde",
    "exchange_collected": "a link planted in an exchange, collected and autograded by nbgrader",
}


def pytest_addoption(parser):
    parser.addoption("--full", action="store_true",
                     help="the whole suite: also the tests that grade whole catalogues through real nbgrader "
                          "(those using the fixtures " + ", ".join(sorted(FULL_TIER_FIXTURES)) + ")")


def _in_full_tier(item) -> bool:
    return not FULL_TIER_FIXTURES.keys().isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config, items):
    if config.getoption("--full"):
        return
    left_out = [item for item in items if _in_full_tier(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not _in_full_tier(item)]


def pytest_report_header(config):
    if not config.getoption("--full"):
        return "fast tier: the tests that grade whole catalogues are deselected; --full runs them"
    return None


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
    return analyse(tmp_path_factory.mktemp("harness"), progress=lambda text: None)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server of this session's own on 127.0.0.1 (a free port, a random password),
    stopped and deleted at the end; the URL of its `postgres` database."""
    if postgres.bin_dir() is None:
        pytest.fail(f"no PostgreSQL on this machine: {postgres.INSTALL_HINT} (./run.sh test installs it where it can)")
    with postgres.local_server() as url:
        yield url


@pytest.fixture(scope="session")
def dask_cluster():
    """A real Dask cluster on 127.0.0.1: a scheduler and two worker processes of one thread each."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        yield cluster
