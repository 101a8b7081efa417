"""The `backprop-hw` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backprop_hw import paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backprop-hw", description="Tools for the backpropagation nbgrader course.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="release, sample submissions, real autograde, feedback, grades, score table")
    demo.add_argument("--course-dir", type=Path, default=paths.DEMO_COURSE_DIR,
                      help=f"where to build the demo course (default: {paths.DEMO_COURSE_DIR}; recreated each run)")

    release = commands.add_parser("release", help="regenerate release/ from source/ with nbgrader generate_assignment")
    release.add_argument("assignment", nargs="?", default=paths.ASSIGNMENT)

    report = commands.add_parser("report", help="grade every catalogued mistake, correct variant and mutant; "
                                                "write a Markdown report with a plot")
    report.add_argument("--out", type=Path, default=None, help="folder for harness-report.md and catches.png "
                        "(default: build/harness-report)")
    report.add_argument("--work-dir", type=Path, default=None, help="keep the graded courses here (default: a temporary folder)")

    args = parser.parse_args(argv)
    if args.command == "report":
        from backprop_hw.harness import report as report_module

        return report_module.main(args.out or report_module.DEFAULT_OUT, args.work_dir)
    if args.command == "release":
        from backprop_hw import release as release_module

        return release_module.main(args.assignment)
    if args.command == "demo":
        from backprop_hw import demo as demo_module

        return demo_module.main(args.course_dir)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
