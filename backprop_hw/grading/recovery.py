"""A kernel that dies costs the cell it died in, not the rest of the notebook.

nbgrader's `Execute` stops at a dead kernel (`os._exit`, a segfault, the kernel killed
for its memory), and every later cell goes ungraded: plain `nbgrader autograde` then
fails the submission, and so the whole notebook's points are lost for one function.
`RecoveringExecute` marks the cell the kernel died in with an error (so it scores 0,
with a message saying what happened while testing which function), starts a new
kernel, runs again, silently, every earlier code cell except the test cells and the
cells the kernel died in (the setup and the student's definitions), and goes on with
the next cell. The course's nbgrader_config.py puts it in place of nbgrader's Execute,
and `backprop-hw autograde`'s workers execute with a subclass of it, so both graders
recover the same way.
"""

from __future__ import annotations

import os
import time
from queue import Empty

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import Execute
from traitlets import Integer

from backprop_hw.checks import messages
from backprop_hw.notebooks import ISOLATE_CALL

KERNEL_DIED = "KernelDied"  # ename of the error put into the cell the kernel died in
NOT_RUN = "NotRun"  # ename of the error put into graded cells that never ran


def is_test_cell(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell)


def not_run_output(reason: str) -> NotebookNode:
    """The error of a graded cell that never ran: nbgrader scores it 0 (no output would mean full marks)."""
    return nbformat.v4.new_output("error", ename=NOT_RUN, evalue=reason, traceback=[f"{NOT_RUN}: {reason}"])


class RecoveringExecute(Execute):
    """nbgrader's Execute, which restarts a kernel that died and goes on with the next cell."""

    max_restarts = Integer(
        3, help="Kernels started again for one notebook at most; after that the later test cells score 0, "
                "each with a message, and the rest is graded as nbgrader would."
    ).tag(config=True)

    def reset_execution_trackers(self) -> None:
        super().reset_execution_trackers()
        self.deaths: list[int] = []  # indexes of the cells the kernel died in, in order
        self.given_up = False

    def preprocess_cell(self, cell, resources, index):
        if self.given_up:  # the kernel died once too often: later test cells score 0 and say why
            if is_test_cell(cell):
                cell.outputs = [not_run_output(f"the kernel died {len(self.deaths)} times in this notebook "
                                               f"and is started again {self.max_restarts} times at most")]
            return cell, self.resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            if not self.may_recover():
                raise
            self.deaths.append(index)
            cell.outputs = list(cell.get("outputs", [])) + [self.death_output(cell)]
            self.recover(index)
            return cell, self.resources

    def recover(self, index: int) -> None:
        """A new kernel with the cells before `index` run again; should one of them kill it too, it
        counts as one more death, and once max_restarts are spent, the rest is not run."""
        while len(self.deaths) <= self.max_restarts:
            self.fresh_kernel()
            killer = self.replay(index)
            if killer is None:
                return
            self.deaths.append(killer)
        self.given_up = True

    def may_recover(self) -> bool:
        """False when the kernel was killed on purpose (a subclass's wall time): then it stays dead."""
        return True

    def death_output(self, cell: NotebookNode) -> NotebookNode:
        """The error that scores the cell 0 and says why, in the edition's language."""
        folder = (self.resources or {}).get("metadata", {}).get("path") or os.getcwd()
        if is_test_cell(cell) and (tested := ISOLATE_CALL.search(cell.source)):
            text = messages.say_for(folder, "kernel_died_testing", function=tested.group(1))
        else:
            text = messages.say_for(folder, "kernel_died_in_cell")
        return nbformat.v4.new_output("error", ename=KERNEL_DIED, evalue=text, traceback=[f"{KERNEL_DIED}: {text}"])

    def fresh_kernel(self) -> None:
        """Restart the kernel (its manager starts it as it did the first time: in the sandbox, in
        the submission's folder) and connect a new client."""
        if self.kc is not None:
            self.kc.stop_channels()
        run_sync(self.km.restart_kernel)(now=True)
        self.kc = None
        self.start_new_kernel_client()

    def replay(self, upto: int) -> int | None:
        """Run again, discarding what they print, the code cells before `upto` that later cells
        may need: every one but the test cells and the cells the kernel died in. Returns the index
        of a cell that killed the kernel on the way, or None."""
        for index, cell in enumerate(self.nb.cells[:upto]):
            if cell.cell_type != "code" or is_test_cell(cell) or index in self.deaths or not cell.source.strip():
                continue
            if not self._run_again(cell.source):
                return index
        return None

    def _run_again(self, source: str) -> bool:
        """Run `source` in the kernel, its output ignored (nbclient drops output of requests not its
        own), within the cell timeout; False if the kernel died meanwhile."""
        request = self.kc.execute(source, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + (self.timeout or 30)
        while True:
            try:
                reply = run_sync(self.kc.get_shell_msg)(timeout=1)
            except Empty:
                if not run_sync(self.kc.is_alive)():
                    return False
                if time.monotonic() > deadline:  # it ran into its timeout, as it may have done the first time
                    run_sync(self.km.interrupt_kernel)()
                    deadline = float("inf")  # its reply, an error, ends the wait
                continue
            if reply.get("parent_header", {}).get("msg_id") == request:
                return True
