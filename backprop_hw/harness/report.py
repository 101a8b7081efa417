"""`backprop-hw report`: what the hidden tests catch, as an instructor wants to read it.

Runs the harness (every catalogued mistake and correct variant, every mutant,
all graded by real `nbgrader autograde`) and writes a Markdown report with a
plot: per graded cell the mistakes it catches, the mutation score per
function, the survivors, and any mistake that cost points outside its function.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from backprop_hw import paths
from backprop_hw.harness import catalogue
from backprop_hw.harness.mutation import HARMLESS_SURVIVORS
from backprop_hw.harness.run import HarnessResult, analyse

DEFAULT_OUT = paths.REPO_ROOT / "build" / "harness-report"


def catches_plot(result: HarnessResult, path: Path) -> Path:
    """A grid: one row per catalogued mistake, one column per graded cell, filled where it lost points."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    mistakes = [s for s in catalogue.MISTAKES]
    cells = [c.grade_id for c in result.cells]
    grid = np.array([[cell in result.lost_cells(s.student_id) for cell in cells] for s in mistakes], dtype=float)
    own = np.array([[result.cell_functions[cell] == s.function for cell in cells] for s in mistakes], dtype=float)
    fig, ax = plt.subplots(figsize=(9, 0.19 * len(mistakes) + 2.5))
    ax.imshow(own * 0.15, cmap="Greys", vmin=0, vmax=1, aspect="auto")  # the mistake's own cells, shaded
    rows, columns = np.nonzero(grid)
    ax.scatter(columns, rows, marker="s", s=30, color="#c0392b", label="cell lost its points")
    ax.set_xticks(range(len(cells)), [c.removeprefix("test_") for c in cells], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(mistakes)), [s.student_id for s in mistakes], fontsize=6)
    ax.set_title("Which graded cell catches which mistake (grey: the mistake's own function)")
    ax.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def markdown(result: HarnessResult, plot_name: str = "catches.png") -> str:
    samples = catalogue.ALL
    mistakes = [s for s in samples if s.kind == "mistake"]
    variants = [s for s in samples if s.kind == "variant"]
    wrong = [(s, result.verdict(s)) for s in samples if result.verdict(s) != "ok"]
    leaking = [s for s in mistakes if result.functions_charged(s.student_id) - {s.function}]
    scores = result.mutation_scores()
    killed = sum(k for k, _ in scores.values())
    graded = sum(g for _, g in scores.values())
    survivors = result.survivors()
    explained = [m for m in survivors if (m.function, m.change) in HARMLESS_SURVIVORS]

    lines = [
        "# What the hidden tests catch",
        "",
        f"Graded by real `nbgrader autograde` in {len(result.courses)} courses "
        f"({len(result.scores)} submissions) in {result.seconds.get('total', 0):.0f} s.",
        "",
        "| check | result |",
        "|---|---|",
        f"| reference solution | {result.total('reference'):g} / {sum(result.points.values()):g} |",
        f"| untouched release | {result.total('untouched'):g} |",
        f"| correct variants earning 100 | {sum(result.total(v.student_id) == 100 for v in variants)} of {len(variants)} |",
        f"| catalogued mistakes caught where expected | {sum(result.verdict(s) == 'ok' for s in mistakes)} of {len(mistakes)} |",
        f"| mistakes costing points outside their function | {len(leaking)} |",
        f"| mutation score | {killed} of {graded} killed ({100 * killed / max(graded, 1):.1f}%); "
        f"{len(result.equivalent_mutants)} equivalent mutants dropped |",
        f"| survivors | {len(survivors)} ({len(explained)} explained as harmless) |",
        "",
    ]
    if wrong:
        lines += ["## Entries the grader got wrong", ""] + [f"- `{s.student_id}`: {v}" for s, v in wrong] + [""]
    lines += ["## Mistakes caught, per graded cell", "", f"![which cell catches which mistake]({plot_name})", "",
              "| graded cell | points | catches |", "|---|---|---|"]
    for cell in result.cells:
        caught = [s.student_id for s in mistakes if cell.grade_id in result.lost_cells(s.student_id)]
        lines.append(f"| `{cell.grade_id}` | {cell.points:g} | {', '.join(f'`{c}`' for c in caught) or '—'} |")
    lines += ["", "## Mutation score per function", "", "| function | killed | graded | score |", "|---|---|---|---|"]
    for function, (k, g) in scores.items():
        lines.append(f"| `{function}` | {k} | {g} | {100 * k / g:.0f}% |")
    lines += ["", "## Survivors", ""]
    if not survivors:
        lines.append("None: every non-equivalent mutant lost points in a cell of its own function.")
    for mutant in survivors:
        reason = HARMLESS_SURVIVORS.get((mutant.function, mutant.change), "NOT EXPLAINED: needs a better hidden test")
        lines.append(f"- `{mutant.name}` ({mutant.operator}, {mutant.change}): {reason}")
    lines += ["", "## Equivalent mutants (same outputs as the reference on every probe, not graded)", ""]
    lines += [f"- `{m.name}` ({m.operator}, {m.change})" for m in result.equivalent_mutants]
    lines += ["", "## The catalogue", "", "| submission | kind | what it does | cells that lost points | verdict |",
              "|---|---|---|---|---|"]
    for sample in samples:
        lost = ", ".join(f"`{c}`" for c in sorted(result.lost_cells(sample.student_id))) or "—"
        lines.append(f"| `{sample.student_id}` | {sample.kind} | {sample.description} | {lost} | {result.verdict(sample)} |")
    return "\n".join(lines) + "\n"


def write(result: HarnessResult, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    catches_plot(result, out / "catches.png")
    report = out / "harness-report.md"
    report.write_text(markdown(result))
    return report


def main(out: Path, work_dir: Path | None) -> int:
    paths.check_repository()
    with tempfile.TemporaryDirectory(prefix="backprop-harness-") as scratch:
        result = analyse(Path(work_dir or scratch), progress=print)
        report = write(result, out)
    print(f"\nReport: {report}\nPlot:   {out / 'catches.png'}")
    print(markdown(result).split("## Entries")[0].split("## Mistakes")[0])
    return 0
