"""The `backprop-hw` command.

Every argument is checked before any work starts. A wrong command line is one line on stderr,
`backprop-hw COMMAND: error: ...`, and exit status 2, as argparse does; a failure of the work
itself is exit status 1 with its own message. No traceback reaches the user unless `--debug`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from backprop_hw import paths
from backprop_hw.grading.errors import SandboxUnavailable, SchedulerUnreachable

NO_SANDBOX_HELP = ("run student code without the bubblewrap sandbox (warns): it can then read source/ and the "
                   "answer key, write the gradebook and reach the network")
JOBS_HELP = "parallel workers, a whole number from 1 up (default: the course's GradingLimits.jobs, 2)"


class UsageError(Exception):
    """A wrong command line, found before any work: `prog: error: message`, exit status 2."""

    def __init__(self, prog: str, message: str):
        super().__init__(message)
        self.prog, self.message = prog, message


class Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line (no usage block) raised as UsageError."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(self.prog, f"{message} (see `{self.prog} --help`)")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((a for a in argv if not a.startswith("-")), "")
    prog = f"backprop-hw {command}".strip()
    try:
        args = parser().parse_args(argv)
        check_arguments(args)
        return run(args)
    except UsageError as error:
        print(f"{error.prog}: error: {one_line(error.message)}", file=sys.stderr)
        return 2
    except (SandboxUnavailable, SchedulerUnreachable) as error:
        print(f"{prog}: {one_line(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; what was graded is kept", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 -- the user gets one line; --debug gives the traceback
        if "--debug" in argv:
            raise
        print(f"{prog}: failed: {type(error).__name__}: {one_line(str(error))} "
              "(run it again with --debug for the traceback)", file=sys.stderr)
        return 1


def one_line(text: str, limit: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parser() -> Parser:
    top = Parser(prog="backprop-hw", description="Tools for the backpropagation nbgrader course.")
    top.add_argument("--debug", action="store_true", help="show the Python traceback of a failure")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # --debug after the command too; SUPPRESS keeps the subcommand from resetting the top-level value.
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of a failure")

    def command(name: str, help: str) -> Parser:
        return commands.add_parser(name, help=help, description=help, parents=[debug])

    demo = command("demo", "release, sample submissions, real autograde, feedback, grades, score table")
    demo.add_argument("--assignment", default=paths.ASSIGNMENT, help="backprop (English) or backprop_uk (Ukrainian)")
    demo.add_argument("--course-dir", type=Path, default=paths.DEMO_COURSE_DIR,
                      help=f"where to build the demo course (default: {paths.DEMO_COURSE_DIR}; a demo course "
                           "there is recreated on each run, any other folder with files in it is refused)")

    release = command("release", "regenerate release/ from source/ with nbgrader generate_assignment")
    release.add_argument("assignment", nargs="?", default=paths.ASSIGNMENT)

    report = command("report", "grade every catalogued mistake, correct variant and mutant; "
                               "write a Markdown report with a plot")
    report.add_argument("--out", type=Path, default=None, help="folder for harness-report.md and catches.png "
                        "(default: build/harness-report)")
    report.add_argument("--work-dir", type=Path, default=None, help="keep the graded courses here (default: a temporary folder)")

    grade = command("grade", "run the hidden tests on notebooks or folders of them, no course needed")
    grade.add_argument("paths", nargs="+", type=Path, help="notebooks (any name) or folders searched for *.ipynb")
    grade.add_argument("--assignment", default=paths.ASSIGNMENT, help="which assignment they are (default: %(default)s)")
    grade.add_argument("--jobs", type=positive_int, default=0, help=JOBS_HELP)
    grade.add_argument("--json", action="store_true", help="print the results as JSON")
    grade.add_argument("--csv", type=Path, metavar="FILE", help="also write the results to a CSV file")
    grade.add_argument("--no-cache", action="store_true", help="grade again even files graded before")
    grade.add_argument("--no-sandbox", action="store_true", help=NO_SANDBOX_HELP)

    autograde = command("autograde", "nbgrader autograde of a course's submitted/ with parallel workers")
    autograde.add_argument("assignment")
    autograde.add_argument("--jobs", type=positive_int, default=0, help=JOBS_HELP)
    autograde.add_argument("--force", action="store_true", help="grade again submissions graded before")
    autograde.add_argument("--course", type=Path, default=None,
                           help="the course root, the folder with nbgrader_config.py (default: here)")
    autograde.add_argument("--no-sandbox", action="store_true", help=NO_SANDBOX_HELP)
    autograde.add_argument("--scheduler", metavar="ADDRESS", default="",
                           help="execute on the workers of this Dask scheduler (tcp://host:8786) instead of "
                                "local processes (default: c.Cluster.scheduler in nbgrader_config.py, else local)")
    autograde.add_argument("--bookkeeping", choices=["coordinator", "workers"], default="",
                           help="with --scheduler: where nbgrader's per-submission work besides execution runs, "
                                "here or on the workers against a shared PostgreSQL gradebook (default: "
                                "c.Cluster.bookkeeping, else coordinator)")

    edition = command("edition", "translated editions: refresh a translation file, or build the edition")
    edition.add_argument("action", choices=["extract", "build"],
                         help="extract: add the English texts still untranslated to editions/LANGUAGE.json; "
                              "build: write source/backprop_LANGUAGE/ from the English source and the translation")
    edition.add_argument("language", help="a two- or three-letter language code, e.g. uk")
    return top


# ---- checks of the arguments, before any work ----------------------------------------------------

def assignments_in(folder: Path) -> list[str]:
    """The assignments of a source/ folder: its subfolders that hold the notebook."""
    return sorted(d.name for d in folder.iterdir() if (d / paths.NOTEBOOK).is_file()) if folder.is_dir() else []


def check_assignment(prog: str, name: str, source: Path) -> None:
    known = assignments_in(source)
    if name not in known:
        raise UsageError(prog, f"no assignment {name!r} in {source} (there: {', '.join(known) or 'none'})")


def check_output_file(prog: str, option: str, file: Path) -> None:
    if file.is_dir():
        raise UsageError(prog, f"{option} {file}: that is a folder; name a file")
    if not file.parent.is_dir():
        raise UsageError(prog, f"{option} {file}: the folder {file.parent} does not exist")
    if not os.access(file.parent, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
        raise UsageError(prog, f"{option} {file}: cannot write there")


def check_output_folder(prog: str, option: str, folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(prog, f"{option} {folder}: that is a file; name a folder")
    existing = folder.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise UsageError(prog, f"{option} {folder}: cannot write in {existing}")


def check_notebook_paths(prog: str, targets: list[Path]) -> None:
    missing = [str(t) for t in targets if not t.exists()]
    if missing:
        raise UsageError(prog, f"no such file or folder: {', '.join(missing)}")
    if not paths.find_notebooks(targets):
        raise UsageError(prog, f"no notebooks (*.ipynb) in {' '.join(map(str, targets))}")


def check_course(prog: str, args: argparse.Namespace) -> None:
    """autograde runs where nbgrader_config.py is, on an assignment somebody submitted."""
    here = Path.cwd()
    course = (args.course or here).absolute()
    if not course.is_dir():
        raise UsageError(prog, f"--course {args.course}: no such folder")
    if not (course / "nbgrader_config.py").is_file():
        where = f"--course {course}" if args.course else f"run from {here}"
        raise UsageError(prog, f"{where}, which has no nbgrader_config.py: run it in the course root, the folder "
                               "with nbgrader_config.py, or name that folder with --course")
    submitted = sorted({d.name for d in (course / "submitted").glob("*/*") if d.is_dir()})
    known = sorted(set(assignments_in(course / "source")) | set(submitted))
    if args.assignment not in known:
        raise UsageError(prog, f"no assignment {args.assignment!r} in the course {course} "
                               f"(there: {', '.join(known) or 'none'})")
    if args.assignment not in submitted:
        raise UsageError(prog, f"nothing to grade: nobody has submitted {args.assignment!r} "
                               f"(no {course / 'submitted'}/*/{args.assignment}/)")
    gradebook = course / "gradebook.db"  # nbgrader's default db_url; it would fail every submission one by one
    if gradebook.is_file() and gradebook.stat().st_size and sqlite_header(gradebook) != b"SQLite format 3\0":
        raise UsageError(prog, f"{gradebook} is not an SQLite database: restore the course's gradebook from a backup")
    args.course = course


def sqlite_header(file: Path) -> bytes:
    with file.open("rb") as stream:
        return stream.read(16)


def check_arguments(args: argparse.Namespace) -> None:
    prog = f"backprop-hw {args.command}"
    if args.command == "grade":
        paths.check_repository()
        check_assignment(prog, args.assignment, paths.SOURCE_DIR)
        check_notebook_paths(prog, args.paths)
        if getattr(args, "csv", None):
            check_output_file(prog, "--csv", args.csv)
    elif args.command == "autograde":
        check_course(prog, args)
    elif args.command == "release":
        paths.check_repository()
        check_assignment(prog, args.assignment, paths.SOURCE_DIR)
    elif args.command == "demo":
        from backprop_hw.course import NotOurs, refuse_to_replace

        paths.check_repository()
        check_assignment(prog, args.assignment, paths.SOURCE_DIR)
        try:
            refuse_to_replace(args.course_dir.resolve())
        except NotOurs as error:
            raise UsageError(prog, f"--course-dir: {error}") from None
    elif args.command == "report":
        for option, folder in (("--out", args.out), ("--work-dir", args.work_dir)):
            if folder is not None:
                check_output_folder(prog, option, folder)
    elif args.command == "edition":
        from backprop_hw.editions import EDITIONS_DIR

        if not re.fullmatch(r"[a-z]{2,3}", args.language):
            raise UsageError(prog, f"{args.language!r} is not a language code: use two or three small letters, e.g. uk")
        languages = sorted(p.stem for p in EDITIONS_DIR.glob("*.json"))
        if args.action == "build" and args.language not in languages:
            raise UsageError(prog, f"no translation editions/{args.language}.json (there: {', '.join(languages) or 'none'}); "
                                   f"start one with `backprop-hw edition extract {args.language}`")


# ---- the work -------------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> int:
    if args.command == "edition":
        from backprop_hw import editions

        return editions.main(args.action, args.language)
    if args.command == "grade":
        from backprop_hw.grading import grade as grade_module

        return grade_module.main(args.paths, args.assignment, args.jobs, args.json, args.csv, not args.no_cache,
                                 sandboxed=not args.no_sandbox)
    if args.command == "autograde":
        return autograde(args)
    if args.command == "report":
        from backprop_hw.harness import report as report_module

        return report_module.main(args.out or report_module.DEFAULT_OUT, args.work_dir)
    if args.command == "release":
        from backprop_hw import release as release_module

        return release_module.main(args.assignment)
    if args.command == "demo":
        from backprop_hw import demo as demo_module

        return demo_module.main(args.course_dir, args.assignment)
    raise AssertionError(f"no code for the command {args.command}")  # argparse accepts only the ones above


def autograde(args: argparse.Namespace) -> int:
    from backprop_hw.grading import autograde as autograde_module

    converter = autograde_module.run(args.course, args.assignment, jobs=args.jobs, force=args.force,
                                     extra_args=[] if not args.no_sandbox else ["--Sandbox.enabled=False"],
                                     tracebacks=args.debug, scheduler=args.scheduler,
                                     bookkeeping=args.bookkeeping)
    problems = {s: o for s, o in converter.outcomes.items() if o["status"] != "ok"}
    for student, outcome in sorted(problems.items()):
        print(f"{student}: {outcome['status']}: {outcome['message']}", file=sys.stderr)
    for student, notes in sorted(converter.repairs.items()):
        print(f"{student}: repaired nbgrader metadata: {'; '.join(notes)}", file=sys.stderr)
    for student, notes in sorted(converter.refusals.items()):
        print(f"{student}: refused: {'; '.join(notes)}", file=sys.stderr)
    for student, names in autograde_module.misnamed_notebooks(args.course, args.assignment).items():
        print(f"{student}: handed in {', '.join(names)}, not {paths.NOTEBOOK}: nothing graded; rename it in "
              f"submitted/{student}/{args.assignment}/ and run again, or grade it with `backprop-hw grade`",
              file=sys.stderr)
    for student, flags in autograde_module.suspicious_code(args.course, args.assignment).items():
        print(f"{student}: suspicious code, read the notebook: {'; '.join(flags)}", file=sys.stderr)
    print(f"{len(converter.graded_now)} submissions graded in {args.course} in this run "
          f"(others unchanged since graded); see autograded/ and the gradebook", file=sys.stderr)
    if converter.failed_any:
        print("some submissions could not be graded: see the errors above", file=sys.stderr)
        return 1  # as nbgrader autograde does
    return 0


if __name__ == "__main__":
    sys.exit(main())
