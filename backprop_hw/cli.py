"""The `backprop-hw` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backprop_hw import paths


NO_SANDBOX_HELP = ("run student code without the bubblewrap sandbox (warns): it can then change the hidden "
                   "tests, read source/, write the gradebook and reach the network")


def main(argv: list[str] | None = None) -> int:
    from backprop_hw.grading.sandbox import SandboxUnavailable

    try:
        return _run(argv)
    except SandboxUnavailable as error:
        print(f"backprop-hw: {error}", file=sys.stderr)
        return 1


def _run(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-hw", description="Tools for the backpropagation nbgrader course.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="release, sample submissions, real autograde, feedback, grades, score table")
    demo.add_argument("--assignment", default=paths.ASSIGNMENT, help="backprop (English) or backprop_uk (Ukrainian)")
    demo.add_argument("--course-dir", type=Path, default=paths.DEMO_COURSE_DIR,
                      help=f"where to build the demo course (default: {paths.DEMO_COURSE_DIR}; recreated each run)")

    release = commands.add_parser("release", help="regenerate release/ from source/ with nbgrader generate_assignment")
    release.add_argument("assignment", nargs="?", default=paths.ASSIGNMENT)

    report = commands.add_parser("report", help="grade every catalogued mistake, correct variant and mutant; "
                                                "write a Markdown report with a plot")
    report.add_argument("--out", type=Path, default=None, help="folder for harness-report.md and catches.png "
                        "(default: build/harness-report)")
    report.add_argument("--work-dir", type=Path, default=None, help="keep the graded courses here (default: a temporary folder)")

    grade = commands.add_parser("grade", help="run the hidden tests on notebooks or folders of them, no course needed")
    grade.add_argument("paths", nargs="+", type=Path, help="notebooks (any name) or folders searched for *.ipynb")
    grade.add_argument("--assignment", default=paths.ASSIGNMENT, help="which assignment they are (default: %(default)s)")
    grade.add_argument("--jobs", type=int, default=0, help="parallel workers (default: GradingLimits.jobs, 2)")
    grade.add_argument("--json", action="store_true", help="print the results as JSON")
    grade.add_argument("--csv", type=Path, metavar="FILE", help="also write the results to a CSV file")
    grade.add_argument("--no-cache", action="store_true", help="grade again even files graded before")
    grade.add_argument("--no-sandbox", action="store_true", help=NO_SANDBOX_HELP)

    audit = commands.add_parser("audit", help="grade notebooks again in a clean room (their functions alone, in a "
                                              "process of their own) and report where it differs from the notebook grade")
    audit.add_argument("paths", nargs="+", type=Path, help="notebooks (any name) or folders searched for *.ipynb")
    audit.add_argument("--assignment", default=paths.ASSIGNMENT, help="which assignment they are (default: %(default)s)")
    audit.add_argument("--jobs", type=int, default=0, help="parallel workers (default: GradingLimits.jobs, 2)")
    audit.add_argument("--json", action="store_true", help="print the results as JSON")
    audit.add_argument("--no-cache", action="store_true", help="grade the notebooks again even if graded before")
    audit.add_argument("--no-sandbox", action="store_true", help=NO_SANDBOX_HELP)

    autograde = commands.add_parser("autograde", help="nbgrader autograde of a course's submitted/ with parallel workers")
    autograde.add_argument("assignment")
    autograde.add_argument("--jobs", type=int, default=0, help="parallel workers (default: GradingLimits.jobs, 2)")
    autograde.add_argument("--force", action="store_true", help="grade again submissions graded before")
    autograde.add_argument("--course", type=Path, default=Path.cwd(), help="the course root (default: here)")
    autograde.add_argument("--no-sandbox", action="store_true", help=NO_SANDBOX_HELP)

    edition = commands.add_parser("edition", help="translated editions: refresh a translation file, or build the edition")
    edition.add_argument("action", choices=["extract", "build"],
                         help="extract: add the English texts still untranslated to editions/LANGUAGE.json; "
                              "build: write source/backprop_LANGUAGE/ from the English source and the translation")
    edition.add_argument("language", help="e.g. uk")

    args = parser.parse_args(argv)
    if args.command == "edition":
        from backprop_hw import editions

        return editions.main(args.action, args.language)
    if args.command == "grade":
        from backprop_hw.grading import grade as grade_module

        return grade_module.main(args.paths, args.assignment, args.jobs, args.json, args.csv, not args.no_cache,
                                 sandboxed=not args.no_sandbox)
    if args.command == "audit":
        from backprop_hw.grading import audit as audit_module

        return audit_module.main(args.paths, args.assignment, args.jobs, args.json, not args.no_cache,
                                 sandboxed=not args.no_sandbox)
    if args.command == "autograde":
        from backprop_hw.grading import autograde as autograde_module

        converter = autograde_module.run(args.course, args.assignment, jobs=args.jobs, force=args.force,
                                         extra_args=[] if not args.no_sandbox else ["--Sandbox.enabled=False"])
        problems = {s: o for (s, _), o in autograde_module.OUTCOMES.items() if o["status"] != "ok"}
        for student, outcome in sorted(problems.items()):
            print(f"{student}: {outcome['status']}: {outcome['message']}", file=sys.stderr)
        from backprop_hw.grading import repair

        for (student, _), notes in sorted(repair.REPAIRS.items()):
            print(f"{student}: repaired nbgrader metadata: {'; '.join(notes)}", file=sys.stderr)
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
    if args.command == "report":
        from backprop_hw.harness import report as report_module

        return report_module.main(args.out or report_module.DEFAULT_OUT, args.work_dir)
    if args.command == "release":
        from backprop_hw import release as release_module

        return release_module.main(args.assignment)
    if args.command == "demo":
        from backprop_hw import demo as demo_module

        return demo_module.main(args.course_dir, args.assignment)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
