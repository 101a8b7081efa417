"""The sandbox: a submission's code reaches nothing but its own copy, through plain `nbgrader autograde`
(this course's configuration), through `backprop-hw autograde` and through its Dask cluster backend
(with nbgrader's bookkeeping on the coordinator, and on the workers against a PostgreSQL gradebook).

One course per tool holds an honest victim graded before the attackers, every attack of
`hostile.ATTACKS` (each in the untouched release, so it deserves 0), and a copy of the victim graded
after them. Each attack must change nothing but the attacker's own grade.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import sqlalchemy

from backprop_hw import notebooks, paths, results
from backprop_hw.course import Course, NbgraderError
from backprop_hw.grading import autograde, postgres, sandbox
from backprop_hw.harness import catalogue, hostile

VICTIM = catalogue.by_id("backward-dW1-no-1-over-m")  # fails its own hidden tests: a switched-off check would show
BEFORE, AFTER = "0-victim-before", "z-victim-after"
PACKAGE = Path(sandbox.__file__).resolve().parents[1]
NBGRADER, OURS = "nbgrader autograde", "backprop-hw autograde"
ON_CLUSTER = "backprop-hw autograde --scheduler (a Dask LocalCluster)"
ON_WORKERS = "backprop-hw autograde --scheduler (a Dask LocalCluster) --bookkeeping workers, PostgreSQL"
TOOLS = [NBGRADER, OURS, ON_CLUSTER, ON_WORKERS]
OUR_TOOLS = [OURS, ON_CLUSTER, ON_WORKERS]


def _attackers() -> dict[str, hostile.Attack]:
    return {f"a{number:02d}-{attack.name}": attack for number, attack in enumerate(hostile.ATTACKS)}


class Listener:
    """A TCP server on 127.0.0.1 that records every connection (none may come)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections: list[bytes] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(100))
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.server.close()


def _digest(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """{relative path: sha256} of every file under root (links named as links), skipping the given tops."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in skip or "__pycache__" in relative:
            continue
        if path.is_symlink():
            found[relative] = "link -> " + os.readlink(path)
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _course(root: Path, port: int, db_url: str | None = None) -> Course:
    source, release = notebooks.read(paths.source_notebook()), notebooks.read(paths.release_notebook())
    course = Course.create(root, db_url=db_url)
    course.generate_assignment()
    victim = VICTIM.notebook(source, release)
    course.submit(BEFORE, victim)
    for student, attack in _attackers().items():
        course.submit(student, hostile.attacker_notebook(
            release, attack, course_root=str(course.root), assignment=paths.ASSIGNMENT, notebook=paths.NOTEBOOK,
            victim=AFTER, port=str(port), package=str(PACKAGE)))
    course.submit(AFTER, victim)
    return course


def _plain_nbgrader(course: Course) -> None:
    try:
        course.autograde()
    except NbgraderError:  # nbgrader exits 1 when any submission failed; the assertions say which
        pass


def _ours(course: Course, scheduler: str = "", bookkeeping: str = "") -> dict[str, dict]:
    return autograde.run(course.root, paths.ASSIGNMENT, jobs=2, force=True, progress=False,
                         scheduler=scheduler, bookkeeping=bookkeeping).outcomes


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, postgres_server, dask_cluster):
    """A course per tool, graded, with what was on disk before and after. Plain nbgrader grades beside
    ours; our runs take turns (each changes the process's working folder, as nbgrader's converters do).
    The cluster's workers stay up after a run, as a real cluster's do: what a notebook left running
    there would still be found."""
    if sandbox._availability():
        pytest.fail(f"no sandbox on this machine: {sandbox._availability()} (the suite needs bubblewrap)")
    listener = Listener()
    package_before = {p: p.read_bytes() for p in PACKAGE.rglob("*.py")}
    folder = {NBGRADER: "attacked-nbgrader", OURS: "attacked-ours", ON_CLUSTER: "attacked-cluster",
              ON_WORKERS: "attacked-workers"}
    db_urls = {ON_WORKERS: postgres.create_database(postgres_server, "attacked_on_workers")}
    courses = {tool: _course(tmp_path_factory.mktemp(folder[tool]) / "course", listener.port, db_urls.get(tool))
               for tool in TOOLS}
    before = {tool: _digest(c.root) for tool, c in courses.items()}
    scheduler = dask_cluster.scheduler_address
    try:
        with ThreadPoolExecutor(1) as pool:
            plain = pool.submit(_plain_nbgrader, courses[NBGRADER])
            outcomes = {OURS: _ours(courses[OURS]),
                        ON_CLUSTER: _ours(courses[ON_CLUSTER], scheduler, "coordinator"),
                        ON_WORKERS: _ours(courses[ON_WORKERS], scheduler, "workers")}
            plain.result()
        leftovers = subprocess.run(["pgrep", "-af", hostile.LEFTOVER_MARKER], capture_output=True, text=True).stdout
    finally:
        listener.close()
        changed = [p for p, data in package_before.items() if p.read_bytes() != data]
        for path in changed:  # a sandbox that failed must not leave the grader rewritten for the next test
            path.write_bytes(package_before[path])
        subprocess.run(["pkill", "-f", hostile.LEFTOVER_MARKER])
    return courses, before, listener.connections, changed, leftovers, outcomes


@pytest.mark.parametrize("tool", TOOLS)
def test_the_victim_graded_after_the_attackers_gets_what_its_code_deserves(attacked, tool):
    """Checks switched off, the submission blanked by a classmate or a process left behind would change this."""
    courses, *_ = attacked
    scores = courses[tool].cell_scores()
    cells = notebooks.graded_cells(notebooks.read(courses[tool].release_notebook))
    lost = {s: {c.grade_id for c in cells if (scores.get(s, {}).get(c.grade_id) or 0) < c.points} for s in (BEFORE, AFTER)}
    assert BEFORE in scores and AFTER in scores, sorted(scores)
    assert lost[BEFORE] == lost[AFTER] == set(VICTIM.fails), lost
    assert scores[BEFORE] == scores[AFTER]


@pytest.mark.parametrize("tool", TOOLS)
def test_every_attacker_gets_the_zero_its_code_deserves(attacked, tool):
    """reads-the-solution would score 100 if source/ were readable."""
    courses, *_ = attacked
    scores = courses[tool].cell_scores()
    for student in _attackers():
        assert sum(v or 0 for v in scores.get(student, {}).values()) == 0, (student, scores.get(student))


@pytest.mark.parametrize("tool", TOOLS)
def test_every_attackers_failed_cell_names_its_function_and_input(attacked, tool, source_nb):
    """The attackers' answers are the release's stubs: each failed cell says which call raised what
    ("sigmoid(z=0) raised NotImplementedError at ..."), not the bare exception. Cells that never ran
    (a kernel that died) say NotRun and are not counted."""
    courses, *_ = attacked
    functions = notebooks.cell_functions(source_nb)
    unnamed, notebooks_read = [], 0
    for student in _attackers():
        path = courses[tool].root / "autograded" / student / paths.ASSIGNMENT / paths.NOTEBOOK
        if path.is_file():
            notebooks_read += 1
            unnamed += [(student, cell, message[:120]) for cell, message in results.failure_messages(path).items()
                        if not message.startswith("NotRun")
                        and not results.names_function_and_input(message, functions[cell])]
    assert notebooks_read >= len(_attackers()) - 1 and not unnamed, (notebooks_read, unnamed)


@pytest.mark.parametrize("tool", TOOLS)
def test_nothing_outside_the_attackers_own_copy_changed(attacked, tool):
    """source/, release/, every submitted/ folder, the grader's package: as before; no feedback/, no filler,
    no links; the gradebook has no table of the attacker's and no score it wrote."""
    courses, before, _, changed_package, *_ = attacked
    course = courses[tool]
    after = _digest(course.root)
    kept = ("source", "release", "submitted", "nbgrader_config.py")
    assert {k: v for k, v in after.items() if k.split("/")[0] in kept} == \
           {k: v for k, v in before[tool].items() if k.split("/")[0] in kept}
    assert changed_package == [], "the grader's package was rewritten"
    assert not (course.root / "feedback").exists()
    assert not (course.root / "filler").exists()
    assert not [k for k, v in after.items() if v.startswith("link -> ")]
    nbformat.validate(nbformat.read(course.root / "autograded" / BEFORE / paths.ASSIGNMENT / paths.NOTEBOOK, 4))
    engine = sqlalchemy.create_engine(course.gradebook_url)
    try:
        tables = set(sqlalchemy.inspect(engine).get_table_names())
        with engine.connect() as db:
            manual = db.execute(sqlalchemy.text("select count(*) from grade where manual_score is not null")).scalar()
    finally:
        engine.dispose()
    assert "grade" in tables and "hacked" not in tables and manual == 0
    if not course.gradebook_url.startswith("sqlite"):
        assert not (course.root / "gradebook.db").exists()


def test_no_connection_reached_the_listener_and_no_process_outlived_its_notebook(attacked):
    _, _, connections, _, leftovers, _ = attacked
    assert connections == []
    assert leftovers == "", f"processes left running: {leftovers}"


@pytest.mark.parametrize("tool", OUR_TOOLS)
def test_a_fork_bomb_is_that_submissions_status(attacked, tool):
    """backprop-hw autograde names the submission that hit the process limit; the others are ok. The count
    of refused forks comes from the pids cgroup, which the sandbox has when grading runs as root (as in CI);
    RLIMIT_NPROC, used otherwise, keeps none, and this attack catches its own errors."""
    if os.geteuid() != 0:
        pytest.skip("refused forks are counted by the pids cgroup, made when grading runs as root")
    outcomes = attacked[-1][tool]
    bomb = next(s for s, a in _attackers().items() if a.name == "fork-bomb")
    assert outcomes[bomb]["status"] == "processes", outcomes[bomb]
    assert outcomes[BEFORE]["status"] == outcomes[AFTER]["status"] == "ok"


def test_without_bubblewrap_grading_stops_and_says_how_to_install_it(tmp_path):
    """PATH without bwrap: `backprop-hw grade` refuses before grading, with the install command."""
    notebook = tmp_path / "reference.ipynb"
    notebooks.write(notebooks.reference_submission(notebooks.read(paths.source_notebook()),
                                                   notebooks.read(paths.release_notebook())), notebook)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("python", "python3", "alembic", "jupyter", "nbgrader"):
        if (Path(sys.executable).parent / tool).exists():
            (bin_dir / tool).symlink_to(Path(sys.executable).parent / tool)
    env = dict(os.environ, PATH=str(bin_dir))
    result = subprocess.run([sys.executable, "-m", "backprop_hw.cli", "grade", str(notebook), "--no-cache"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode != 0
    assert "bubblewrap (`bwrap`) is not installed" in result.stderr and "apt-get install bubblewrap" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_sandbox_grades_and_warns(tmp_path):
    """The opt-out grades the reference to 100 and says, on this run, that nothing was sandboxed."""
    notebook = tmp_path / "reference.ipynb"
    notebooks.write(notebooks.reference_submission(notebooks.read(paths.source_notebook()),
                                                   notebooks.read(paths.release_notebook())), notebook)
    result = subprocess.run([sys.executable, "-m", "backprop_hw.cli", "grade", str(notebook), "--no-cache",
                             "--no-sandbox", "--json"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "WITHOUT a sandbox" in result.stderr
    assert '"score": 100' in result.stdout.replace("100.0", "100")


def test_the_working_copy_holds_regular_files_only(tmp_path):
    """What a sandbox sees of a submission folder: its files and folders, never a link, a pipe or what a
    link points to; staging again replaces the files in the very folder the sandbox has mounted."""
    folder = tmp_path / "submission"
    (folder / "data").mkdir(parents=True)
    (folder / "backprop.ipynb").write_text("{}")
    (folder / "data" / "x.csv").write_text("1,2")
    (folder / "etc").symlink_to("/etc")
    (folder / "secret").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("not yours")
    os.mkfifo(folder / "pipe")
    jail = sandbox.Jail(sandbox.Policy())
    try:
        inbox = jail.inbox
        jail.stage(folder)
        assert sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*")) == ["backprop.ipynb", "data", "data/x.csv"]
        jail.stage(folder / "data")
        assert jail.inbox == inbox and sorted(p.name for p in inbox.iterdir()) == ["x.csv"]
    finally:
        jail.close()


def test_a_sandboxed_fork_server_hands_each_kernel_a_clean_sandbox(tmp_path):
    """A worker's two sandboxed fork servers take turns; a kernel that leaves a file in /tmp, a process
    of its own session and tries to kill its server finds nothing of it when its server forks again."""
    from jupyter_core.utils import run_sync

    from backprop_hw.grading import worker

    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "planar_utils.py").write_text("FLOWER = 1\n")

    def run(km, code: str) -> str:
        kc, _ = worker._prepare_kernel(km, str(folder), 2048)
        printed = []
        run_sync(kc.execute_interactive)(code, timeout=60, output_hook=lambda m: printed.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        kc.stop_channels()
        return "".join(printed)

    supply = worker.KernelSupply(worker.Settings())
    try:
        first = supply.take()
        assert run(first, "import os, signal, subprocess\nopen('/tmp/left-behind', 'w').write('x')\n"
                          f"subprocess.Popen(['sh', '-c', 'sleep 600 # {hostile.LEFTOVER_MARKER}'], start_new_session=True)\n"
                          "os.kill(1, signal.SIGKILL)\nprint('done')") == "done\n"
        worker._shut_down(first, None)
        # what it started ended with it, not at its server's next fork (a Dask worker may fork none for days)
        assert subprocess.run(["pgrep", "-af", hostile.LEFTOVER_MARKER], capture_output=True, text=True).stdout == ""
        second = supply.take()  # booted ahead in the other server while the first ran
        assert first.jail is not second.jail
        worker._shut_down(second, None)
        third = supply.take()  # the first one's server again, cleaned
        assert third.jail is first.jail
        seen = run(third, "import os\nleft = [p for p in os.listdir('/proc') if p.isdigit() and "
                          f"'{hostile.LEFTOVER_MARKER}' in open(f'/proc/{{p}}/cmdline').read()]\n"
                          "print(os.path.exists('/tmp/left-behind'), left, os.getcwd(), sorted(os.listdir()))")
        assert seen == f"False [] /tmp/submission/{folder.name} ['planar_utils.py']\n"
        worker._shut_down(third, None)
    finally:
        supply.close()
    assert subprocess.run(["pgrep", "-f", hostile.LEFTOVER_MARKER], capture_output=True).returncode == 1


def test_inside_the_sandbox_the_grader_is_its_inside_folder_alone(tmp_path):
    """A kernel sees of backprop_hw only backprop_hw/inside/ (standard library and NumPy, no answer key,
    no check): the answer key's file and the checks cannot be read, nor the package imported."""
    from jupyter_core.utils import run_sync

    from backprop_hw.grading import worker

    folder = tmp_path / "submission"
    folder.mkdir()
    supply = worker.KernelSupply(worker.Settings())
    try:
        km = supply.take()
        kc, _ = worker._prepare_kernel(km, str(folder), 2048)
        printed: list[str] = []
        code = (f"import os\nprint(sorted(os.listdir({str(PACKAGE)!r})), os.path.exists({str(PACKAGE / 'checks')!r}),\n"
                f"      os.path.exists({str(sandbox.INSIDE / 'kernel_end.py')!r}))\n"
                "try:\n    import backprop_hw.checks\n    print('imported')\nexcept ImportError:\n    print('not importable')")
        run_sync(kc.execute_interactive)(code, timeout=60, output_hook=lambda m: printed.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        kc.stop_channels()
        worker._shut_down(km, None)
    finally:
        supply.close()
    assert "".join(printed) == "['inside'] False True\nnot importable\n"
    assert (PACKAGE / "checks" / "answer_key.py").is_file()  # (there it is, outside)
