"""A course folder driven by the real nbgrader command line and its gradebook (sqlite, or the db_url given)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from nbformat import NotebookNode

from backprop_hw import notebooks, paths


class NbgraderError(RuntimeError):
    pass


class NotOurs(ValueError):
    """A folder that Course.create would have to delete but did not make."""


CONFIG_HEADER = "# The repository's configuration, with this folder as the course root.\n"


def refuse_to_replace(root: Path) -> None:
    """Raise NotOurs unless root is missing, an empty folder, or a course Course.create made."""
    if not root.exists():
        return
    if not root.is_dir():
        raise NotOurs(f"{root} is a file, not a folder")
    config = root / "nbgrader_config.py"
    made_here = config.is_file() and config.read_text(errors="replace").startswith(CONFIG_HEADER)
    if not made_here and any(root.iterdir()):
        raise NotOurs(f"{root} has files in it and is not a course made by backprop-hw: it would be deleted; "
                      "name a new or empty folder")


class Course:
    """A course root (source/, release/, submitted/, autograded/, feedback/, gradebook.db)."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.log_file = self.root / "nbgrader.log"

    @classmethod
    def create(cls, root: Path, assignments: tuple[str, ...] = (paths.ASSIGNMENT,), db_url: str | None = None) -> "Course":
        """A new course at root with a copy of the repository's source/ and its configuration; its
        gradebook is gradebook.db in root, or nbgrader's `db_url` if given (an empty database).

        A course made here before is deleted first; any other folder with files in it is refused
        (NotOurs), so `--course-dir ~` deletes nothing."""
        root = Path(root).resolve()
        refuse_to_replace(root)
        if root.exists():
            shutil.rmtree(root)
        for assignment in assignments:
            shutil.copytree(paths.SOURCE_DIR / assignment, root / "source" / assignment,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        cls.write_config(root, db_url)
        return cls(root)

    @staticmethod
    def write_config(root: Path, db_url: str | None = None) -> None:
        """The course's nbgrader_config.py: the repository's configuration, rooted at root."""
        (root / "nbgrader_config.py").write_text(
            CONFIG_HEADER
            + "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(paths.COURSE_CONFIG)!r})  # noqa: F821\n"
            f"c.CourseDirectory.root = {str(Path(root).resolve())!r}\n"
            + (f"c.CourseDirectory.db_url = {db_url!r}\n" if db_url else "")
        )

    def nbgrader(self, *args: str) -> str:
        """Run one nbgrader command in the course root; its log goes to nbgrader.log."""
        env = dict(os.environ)
        # nbgrader runs `alembic` for its database: it must find this environment's scripts.
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=self.root, env=env,
                                capture_output=True, text=True)
        with self.log_file.open("a") as log:
            log.write(f"$ nbgrader {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-25:])
            raise NbgraderError(f"nbgrader {' '.join(args)} failed (exit {result.returncode}):\n{tail}")
        return result.stdout + result.stderr

    def generate_assignment(self, assignment: str = paths.ASSIGNMENT) -> None:
        self.nbgrader("generate_assignment", assignment, "--force")

    def add_student(self, student_id: str, first_name: str = "", last_name: str = "") -> None:
        self.nbgrader("db", "student", "add", student_id, f"--first-name={first_name}", f"--last-name={last_name}")

    def set_due_date(self, due: datetime, assignment: str = paths.ASSIGNMENT) -> None:
        self.nbgrader("db", "assignment", "add", assignment, f"--duedate={due:%Y-%m-%d %H:%M:%S} UTC")

    def add_students(self, student_ids: list[str]) -> None:
        """Add many students with one `nbgrader db student import` (id as first name)."""
        roster = self.root / "students.csv"
        roster.write_text("id,first_name,last_name,email\n" + "".join(f"{s},{s},,\n" for s in student_ids))
        self.nbgrader("db", "student", "import", str(roster))

    def submit(self, student_id: str, nb: NotebookNode, assignment: str = paths.ASSIGNMENT,
               timestamp: datetime | None = None) -> Path:
        """Put a notebook where `nbgrader collect` would: submitted/<student>/<assignment>/."""
        folder = self.root / "submitted" / student_id / assignment
        notebooks.write(nb, folder / paths.NOTEBOOK)
        if timestamp is not None:
            (folder / "timestamp.txt").write_text(timestamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        return folder

    def autograde(self, assignment: str = paths.ASSIGNMENT, *extra: str) -> None:
        self.nbgrader("autograde", assignment, "--force", *extra)

    def generate_feedback(self, assignment: str = paths.ASSIGNMENT, student: str | None = None) -> None:
        self.nbgrader("generate_feedback", assignment, "--force", *([f"--student={student}"] if student else []))

    def export(self, csv: Path) -> None:
        self.nbgrader("export", f"--to={csv}")

    @property
    def release_notebook(self) -> Path:
        return self.root / "release" / paths.ASSIGNMENT / paths.NOTEBOOK

    @property
    def gradebook_url(self) -> str:
        """nbgrader's db_url for this course: what its nbgrader_config.py sets, else gradebook.db in the root."""
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        return config.CourseDirectory.get("db_url") or f"sqlite:///{self.root / 'gradebook.db'}"

    def late_penalties(self, assignment: str = paths.ASSIGNMENT) -> dict[str, float]:
        """{student: late penalty} for every autograded submission (0 when on time)."""
        from nbgrader.api import Gradebook

        with Gradebook(self.gradebook_url) as gradebook:
            return {s.student.id: s.late_submission_penalty or 0.0 for s in gradebook.assignment_submissions(assignment)}

    def cell_scores(self, assignment: str = paths.ASSIGNMENT) -> dict[str, dict[str, float]]:
        """{student: {grade_id: score}} from the gradebook, for every autograded submission."""
        from nbgrader.api import Gradebook

        scores: dict[str, dict[str, float]] = {}
        with Gradebook(self.gradebook_url) as gradebook:
            for submission in gradebook.assignment_submissions(assignment):
                notebook = submission.notebooks[0]
                scores[submission.student.id] = {grade.name: grade.score for grade in notebook.grades}
        return scores
