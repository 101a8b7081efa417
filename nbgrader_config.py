"""nbgrader configuration of the backpropagation course.

Run every nbgrader command from this folder (the course root): source/, release/,
submitted/, autograded/ and feedback/ live beside this file.
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import Autograde
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearOutput, DeduplicateIds, Execute, GetGrades,
                                    OverwriteCells, OverwriteKernelspec)

from backprop_hw.grading.execute import GradingExecute
from backprop_hw.grading.links import CollectWithoutLinks, RefuseLinks
from backprop_hw.grading.repair import RepairMetadata
from backprop_hw.nbgrader_plugins import HideHiddenTestTracebacks, LatePenaltyPerDay, NoResultsInTestCells

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "backprop-course"

# The reference runs in about 1.6 s; its longest cell trains the flower network
# for 10,000 iterations in 0.35 s. 30 s (nbgrader's default) is 100 times that: room
# for a slow but honest solution, and an endless loop is stopped; nbgrader interrupts
# the cell and goes on with the next one.
c.Execute.timeout = 30
# Output still arriving after a cell has ended (a flood: a cell that displays thousands of results)
# is waited for this long before nbgrader fails the submission; nbgrader's 4 s is too short on a
# busy machine.
c.Execute.iopub_timeout = 30

# Student code runs in a sandbox (bubblewrap; backprop_hw/grading/sandbox.py): it sees the
# system and the Python environment read-only, not the course root, the repository, the grader's
# package (but its folder backprop_hw/inside/, which holds no answer key and no check) or your
# home; it writes only to its own working copy in a private, capped /tmp; no network; at most
# max_processes processes; nothing it starts outlives its kernel. Without bubblewrap, grading
# stops and says how to install it. Sandbox.enabled = False grades without it (every run warns).
c.Execute.kernel_manager_class = "backprop_hw.grading.sandbox.SandboxedKernelManager"
c.Sandbox.enabled = True
c.Sandbox.tmp_size_mb = 512  # the working copy and /tmp; the notebook writes nothing there itself
c.Sandbox.max_processes = 64  # a kernel uses about 10 (threads count too)

# GradingExecute replaces nbgrader's Execute (backprop_hw/grading/execute.py). The hidden tests
# run here, in nbgrader's process, never in the student's kernel: the kernel runs the student's
# cells and the visible tests, and each hidden check calls the student's functions through a
# channel that carries plain data only, so nothing in a notebook can reach the checks, the
# answer key or the verdict. A kernel that dies (os._exit, a segfault, killed for its memory)
# costs the cell it died in: that cell scores 0 with a message, the kernel is restarted, the
# earlier cells run again but the test cells and that one, and grading goes on; nbgrader's own
# Execute would leave every later cell ungraded.
# Right after execution, NoResultsInTestCells drops any execute_result of a test cell: nbgrader
# would read a number there as the cell's score, and only the student's code could put one there.
_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
c.Autograde.autograde_preprocessors = [GradingExecute if p is Execute else p for p in _preprocessors]
c.Autograde.autograde_preprocessors.insert(1, NoResultsInTestCells)
c.GradingExecute.max_restarts = 3  # per notebook; after that a death stops it, as in nbgrader

# A runaway print loop must not make the autograded notebook or the feedback huge.
c.LimitOutput.max_lines = 300
c.LimitOutput.max_traceback = 60

# A submission's links and special files are never followed (backprop_hw/grading/links.py):
# `nbgrader collect` leaves them out of submitted/, and autograde grades a notebook that is a
# link as missing and removes what nbgrader copied through a link before any kernel starts.
# nbgrader itself follows them, so a link to source/ would be graded as the solution.
c.ExchangeFactory.collect = CollectWithoutLinks

# Before autograding, nbgrader metadata that an editor stripped or a student
# damaged (a test cell deleted, moved, copied, its grade_id edited) is restored by
# matching cells to release/ (backprop_hw/grading/repair.py), and the repair is
# logged; nbgrader alone would score such cells 0, or stop the whole run at a
# copied test cell. Then nbgrader's own sanitizing, unchanged.
c.Autograde.sanitize_preprocessors = [
    RefuseLinks,
    RepairMetadata,
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]

# What students see where the solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Feedback shows each test cell's visible tests and the message of a failed
# hidden test, never hidden test code: nbgrader's default keeps both.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    HideHiddenTestTracebacks,
    ClearHiddenTests,
    CSSHTMLHeaderPreprocessor,
]

# Late submissions (set a due date with `nbgrader db assignment add backprop
# --duedate="2026-12-01 23:59:00 Europe/Kyiv"`): 10 of the 100 points per started
# day late, never below zero. Set points_per_day = 0 for no penalty.
c.AssignLatePenalties.plugin_class = LatePenaltyPerDay
c.LatePenaltyPerDay.points_per_day = 10.0

# Limits of `backprop-hw autograde` and `backprop-hw grade` (nbgrader's own
# commands ignore them): parallel workers, and what one submission may use
# before it gets a status of its own ("wall time", "memory", output cut off).
c.GradingLimits.jobs = 2
c.GradingLimits.wall_time = 300.0  # seconds per submission, all cells together
c.GradingLimits.memory_limit_mb = 2048  # per kernel; the reference needs about 300
c.GradingLimits.output_limit_kb = 1024  # per cell, while it runs (LimitOutput trims further)
