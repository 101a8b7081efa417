"""The one Execute of every grader: hidden tests decided in the grader, and a dead kernel costing one cell.

The course's nbgrader_config.py puts GradingExecute in place of nbgrader's Execute, and the workers
of `backprop-hw autograde` (locally or on a Dask cluster) execute with a subclass of it, so plain
`nbgrader autograde`, `backprop-hw autograde`, `grade`, the harness and the demo grade alike.

**Hidden tests, outside the kernel.** A graded test cell's hidden block names a check
(`check_sigmoid(sigmoid)`, see notebooks.hidden_test). The kernel never receives that block: the
check runs here, in the grader's process, and calls the student's functions in the kernel through
the channel (grading/channel.py), which carries plain data only. A failure becomes the cell's error
output, written here after the kernel is done with the check, so nothing the kernel does can remove
it; when the check passes, the cell's visible tests run in the kernel as usual, with the answer key
standing in for the other graded functions whose tests are over, and can only lower the score.

**A dead kernel costs one cell.** nbgrader's `Execute` stops at a dead kernel (`os._exit`, a
segfault, the kernel killed for its memory), and every later cell goes ungraded: plain `nbgrader
autograde` then fails the submission. GradingExecute marks the cell the kernel died in (during a
check, or the visible tests) with an error, so it scores 0 with a message saying what happened while
testing which function, starts a new kernel, runs again, silently, every earlier code cell except
the test cells and the cells the kernel died in, and goes on with the next cell.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from queue import Empty

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import Execute
from traitlets import Integer

from backprop_hw import checks
from backprop_hw.checks import answer_key, messages
from backprop_hw.checks.calling import HiddenTestFailure
from backprop_hw.grading.channel import ChannelBroken, KernelFunction, KernelGone, KernelSession, prepare_code
from backprop_hw.notebooks import CourseError, HiddenTest, hidden_test

HIDDEN_TEST_FAILURE = "HiddenTestFailure"  # ename of the error a failed hidden test writes into its cell
KERNEL_DIED = "KernelDied"  # ename of the error put into the cell the kernel died in
NOT_RUN = "NotRun"  # ename of the error put into graded cells that never ran


def is_test_cell(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell)


def not_run_output(reason: str) -> NotebookNode:
    """The error of a graded cell that never ran: nbgrader scores it 0 (no output would mean full marks)."""
    return nbformat.v4.new_output("error", ename=NOT_RUN, evalue=reason, traceback=[f"{NOT_RUN}: {reason}"])


def failure_output(message: str) -> NotebookNode:
    """The error a failed hidden test leaves in its cell: the message, and no line of test code."""
    return nbformat.v4.new_output("error", ename=HIDDEN_TEST_FAILURE, evalue=message,
                                  traceback=[f"{HIDDEN_TEST_FAILURE}: {message}"])


class GradingExecute(Execute):
    """nbgrader's Execute, with the hidden tests run here and a kernel that died restarted."""

    max_restarts = Integer(
        3, help="Kernels started again for one notebook at most; after that the later test cells score 0, "
                "each with a message, and the rest is graded as nbgrader would."
    ).tag(config=True)

    def reset_execution_trackers(self) -> None:
        super().reset_execution_trackers()
        self.deaths: list[int] = []  # indexes of the cells the kernel died in, in order
        self.given_up = False
        self.seconds_checking = 0.0  # the hidden tests' own work here (CPU), for the benchmark
        self.seconds_waiting_for_kernel = 0.0  # waiting for the kernel's answers to the checks' calls
        self._scratch: str | None = None  # the channel's folder for a kernel without a sandbox

    def preprocess(self, nb, resources=None, km=None):
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)
                self._scratch = None

    def preprocess_cell(self, cell, resources, index):
        self.prepare_channel()
        if self.given_up:  # the kernel died once too often: later test cells score 0 and say why
            if is_test_cell(cell):
                cell.outputs = [not_run_output(f"the kernel died {len(self.deaths)} times in this notebook "
                                               f"and is started again {self.max_restarts} times at most")]
            return cell, self.resources
        try:
            test = hidden_test(cell.source) if is_test_cell(cell) else None
            if test is not None:
                return self.test_cell(cell, index, test), self.resources
            return super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, KernelGone) as error:
            if not self.may_recover():
                raise DeadKernelError(str(error)) from error
            self.deaths.append(index)
            cell.outputs = list(cell.get("outputs", [])) + [self.death_output(cell)]
            self.recover(index)
            return cell, self.resources

    # -- a graded test cell ------------------------------------------------------------------------------

    def prepare_channel(self) -> None:
        """Before the first cell a kernel runs (also after a restart): the kernel's end of the channel,
        answering the grader's comms. Nothing of the notebook has run in this kernel yet."""
        if self.kc is None or getattr(self.kc, "channel_prepared", False):
            return
        reply = run_sync(self.kc.execute_interactive)(prepare_code(), silent=True, store_history=False,
                                                      timeout=60, output_hook=lambda message: None)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not prepare the kernel for the hidden tests: {reply['content'].get('evalue')}")
        self.kc.channel_prepared = True

    def test_cell(self, cell: NotebookNode, index: int, test: HiddenTest) -> NotebookNode:
        """Run the cell's hidden test here; if it passes, the cell's visible tests in the kernel."""
        failure = self.hidden_check(index, test)
        if failure is not None:
            cell.outputs, cell.execution_count = [failure_output(failure)], None
            return cell
        source = cell.source
        cell.source = test.visible
        try:
            return self.execute_cell(cell, index, store_history=True)
        finally:
            cell.source = source

    def hidden_check(self, index: int, test: HiddenTest) -> str | None:
        """The hidden test's failure message, or None when it passed. KernelGone: the kernel died
        or stopped answering during it (the cell is then lost, as in any death)."""
        check = getattr(checks, test.check, None)
        if not test.check.startswith("check_") or not callable(check):
            raise CourseError(f"no hidden check {test.check} in backprop_hw.checks")
        released = self.released_before(index) - {test.function}
        keys, key_names = answer_key.stand_in_source(released)
        session = KernelSession(self.kc, self.km, self.channel_folder(), float(self.timeout or 30), test.function,
                                keys, key_names)
        started = time.process_time()
        failure: str | None = None
        try:
            session.open()
            with messages.speaking(messages.language(self.notebook_folder())):
                check(KernelFunction(session, test.function, self.code_before(index)))
        except HiddenTestFailure as error:
            failure = str(error)
        except ChannelBroken as error:
            failure = messages.say_for(self.notebook_folder(), "check_not_run", function=test.function, reason=str(error))
        except KernelGone:
            raise
        except Exception as error:  # noqa: BLE001  (a failure of the check is that cell's failure, as in a kernel)
            self.log.warning("the hidden test %s failed with %s: %s", test.check, type(error).__name__, error)
            failure = f"{type(error).__name__}: {error}"
        finally:
            self.seconds_waiting_for_kernel += session.seconds_waiting
            self.seconds_checking += time.process_time() - started
            session.close(isolate=failure is None)  # with no failure, stand-ins for the visible tests
        return failure

    def released_before(self, index: int) -> set[str]:
        """The graded functions whose test cells all come before cell `index`: their answer key may stand in."""
        if getattr(self, "_last_test_cells", (None,))[0] is not self.nb:  # read once per notebook
            last: dict[str, int] = {}
            for number, other in enumerate(self.nb.cells):
                if is_test_cell(other) and (test := hidden_test(other.source)) is not None:
                    last[test.function] = number
            self._last_test_cells = (self.nb, last)
        return {function for function, number in self._last_test_cells[1].items() if number < index}

    def code_before(self, index: int) -> list[str]:
        """The code the kernel ran before cell `index`, as the grader has it (hidden blocks left out)."""
        code = []
        for cell in self.nb.cells[:index]:
            if cell.cell_type == "code":
                test = hidden_test(cell.source) if is_test_cell(cell) else None
                code.append(test.visible if test is not None else cell.source)
        return code

    def notebook_folder(self) -> str:
        return (self.resources or {}).get("metadata", {}).get("path") or os.getcwd()

    def channel_folder(self) -> str:
        """Where the channel's socket goes: the kernel's runtime folder in its sandbox, which the kernel
        sees at the same path; for a kernel without a sandbox, a private folder of this run."""
        jail = getattr(self.km, "jail", None)
        if jail is not None:
            return str(jail.runtime)
        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix="backprop-hw-channel-")
        return self._scratch

    def recover(self, index: int) -> None:
        """A new kernel with the cells before `index` run again; should one of them kill it too, it
        counts as one more death, and once max_restarts are spent, the rest is not run."""
        while len(self.deaths) <= self.max_restarts:
            self.fresh_kernel()
            self.prepare_channel()
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
        folder = self.notebook_folder()
        if is_test_cell(cell) and (tested := hidden_test(cell.source)) is not None:
            text = messages.say_for(folder, "kernel_died_testing", function=tested.function)
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

