"""The grader's own reading of a vectorized function for a loop over the examples (checks/loops.py):
every way of writing the loop is found, whatever the kernel does to its tracing, and no honest
solution is read as one."""

from __future__ import annotations

import inspect

import pytest

from backprop_hw import notebooks, paths
from backprop_hw.checks import answer_key, loops
from backprop_hw.harness import catalogue, hostile

SETUP = "import numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline"


def read(*cells: str, name: str = "compute_cost", stand_ins: frozenset[str] = frozenset()) -> loops.Finding | None:
    positions = {p: i for i, p in enumerate(inspect.signature(answer_key.GRADED_FUNCTIONS[name]).parameters)}
    return loops.loop_over_examples([SETUP, *cells], name, answer_key.EXAMPLE_ARGUMENTS[name], stand_ins, positions)


LOOPS = {
    "range of m": "def compute_cost(A2, Y):\n    m = Y.shape[1]\n    c = 0\n    for i in range(m):\n        c += A2[0, i]\n    return c",
    "renamed arguments": "def compute_cost(predictions, labels):\n    c = 0\n    for i in range(labels.shape[1]):\n        c += predictions[0, i]\n    return c",
    "over the columns": "def compute_cost(A2, Y):\n    return float(sum(-np.log(a) for a in A2.T))",
    "zip of columns": "def compute_cost(A2, Y):\n    c = 0\n    for a, y in zip(A2.T, Y.T):\n        c += a\n    return c",
    "a comprehension": "def compute_cost(A2, Y):\n    return np.mean([A2[0, i] for i in range(A2.shape[1])])",
    "while": "def compute_cost(A2, Y):\n    i = 0\n    while i < A2.shape[1]:\n        i += 1\n    return 0.0",
    "builtin sum over columns": "def compute_cost(A2, Y):\n    return float(sum(A2.T))",
    "map over columns": "def compute_cost(A2, Y):\n    return float(np.sum(list(map(np.log, A2.T))))",
    "np.vectorize": "def compute_cost(A2, Y):\n    return float(np.sum(np.vectorize(lambda a: -np.log(a))(A2)))",
    "np.apply_along_axis": "def compute_cost(A2, Y):\n    return float(np.sum(np.apply_along_axis(np.log, 0, A2)))",
    "in a helper": "def add_up(values):\n    return sum(values[0, i] for i in range(values.shape[1]))\n\n"
                   "def compute_cost(A2, Y):\n    return add_up(A2)",
    "in a thread": "import threading\n\ndef compute_cost(A2, Y):\n    out = []\n    def work():\n"
                   "        for i in range(A2.shape[1]):\n            out.append(A2[0, i])\n"
                   "    t = threading.Thread(target=work)\n    t.start()\n    t.join()\n    return sum(out)",
    "recursion": "def compute_cost(A2, Y):\n    if A2.shape[1] == 0:\n        return 0.0\n"
                 "    return float(A2[0, 0]) + compute_cost(A2[:, 1:], Y[:, 1:])",
    "a later redefinition": "def compute_cost(A2, Y):\n    return 0.0\n\ndef looped(A2, Y):\n"
                            "    return sum(A2[0, i] for i in range(A2.shape[1]))\n\ncompute_cost = looped",
    "bound by name": "def looped(A2, Y):\n    return sum(A2.T)\n\nglobals()['compute_' + 'cost'] = looped",
    "exec of a literal": "exec('def compute_cost(A2, Y):\\n    return sum(A2.T)')",
    "compiled under a library's name": hostile.LOOP_COMPILED_AS_A_LIBRARY.replace("import sys as _sys", "import sys as _sys"),
}

UNREADABLE = {
    "tracing off": "import sys\n\ndef compute_cost(A2, Y):\n    sys.settrace(None)\n    return 0.0",
    "frames": "import sys\n\ndef compute_cost(A2, Y):\n    sys._getframe().f_trace = None\n    return 0.0",
    "exec inside": "def compute_cost(A2, Y):\n    exec('x = 1')\n    return 0.0",
    "code built at run time": "def compute_cost(A2, Y):\n    return 0.0\n\nexec(''.join(['def compute_cost', '(A2, Y): return 0']))",
    "a computed attribute": "def compute_cost(A2, Y):\n    return getattr(np, 'su' + 'm')(A2)",
    "a module of its own": "import mystery_helpers\n\ndef compute_cost(A2, Y):\n    return mystery_helpers.cost(A2, Y)",
    "ctypes": "def compute_cost(A2, Y):\n    import ctypes\n    return 0.0",
}

HONEST = {
    "vectorized": "def compute_cost(A2, Y):\n    m = Y.shape[1]\n    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)",
    "loops over names": "def compute_cost(A2, Y):\n    total = 0.0\n    for name in ['a', 'b']:\n        total += 0\n"
                        "    for k in range(Y.shape[0]):\n        total += 0\n    return float(np.mean(A2) + total)",
    "loops over a dict and a shape": "def compute_cost(A2, Y):\n    parts = {'y': Y, 'a': A2}\n"
                                     "    for key, value in parts.items():\n        pass\n    for n in A2.shape:\n        pass\n"
                                     "    return float(np.mean(A2))",
    "a constant of the notebook": "LAYERS = 2\n\ndef compute_cost(A2, Y):\n    for l in range(1, LAYERS + 1):\n        pass\n"
                                  "    return float(np.mean(A2))",
    "rows of the input": "def compute_cost(A2, Y):\n    return float(sum(-np.mean(row) for row in A2))",
    "a helper": "def mean_of(values):\n    return np.sum(values) / values.shape[1]\n\n"
                "def compute_cost(A2, Y):\n    return float(-mean_of(Y * np.log(A2)))",
    "a name read by name": "def compute_cost(A2, Y):\n    kept = globals().get('other')\n    return float(np.mean(A2))",
    "tampering elsewhere": "import sys\nfor _m in list(sys.modules.values()):\n    pass\n"
                           "get_ipython().input_transformers_cleanup.append(lambda lines: lines)\n\n"
                           "def compute_cost(A2, Y):\n    return float(np.mean(A2))",
    "a timed cell": "def compute_cost(A2, Y):\n    return float(np.mean(A2))\n\n%time x = compute_cost(np.ones((1, 3)), np.ones((1, 3)))",
}


@pytest.mark.parametrize("name", LOOPS)
def test_a_loop_over_the_examples_is_found_however_it_is_written(name):
    found = read(LOOPS[name])
    assert found is not None and found.message_key == "loop_in_source", found


@pytest.mark.parametrize("name", UNREADABLE)
def test_code_that_could_hide_a_loop_from_the_reading_fails_it(name):
    found = read(UNREADABLE[name])
    assert found is not None and found.message_key == "source_unreadable", found


@pytest.mark.parametrize("name", HONEST)
def test_honest_code_reads_clean(name):
    assert read(HONEST[name]) is None


def test_a_stand_in_runs_in_place_of_the_students_function_it_calls():
    """A loop in the student's sigmoid does not count against forward_propagation: during the test the
    answer key's sigmoid runs in its place."""
    sigmoid = "def sigmoid(z):\n    return np.array([1 / (1 + np.exp(-v)) for v in np.ravel(z)]).reshape(np.shape(z))"
    forward = ("def forward_propagation(X, parameters):\n    Z1 = parameters['W1'] @ X + parameters['b1']\n"
               "    A1 = np.tanh(Z1)\n    A2 = sigmoid(parameters['W2'] @ A1 + parameters['b2'])\n"
               "    return A2, {'Z1': Z1, 'A1': A1, 'A2': A2}")
    assert read(sigmoid, forward, name="forward_propagation", stand_ins=frozenset({"sigmoid"})) is None
    assert read(sigmoid, forward, name="forward_propagation") is not None  # read as the student's own otherwise


def test_the_catalogue_reads_as_its_verdicts_say(source_nb):
    """Every catalogue entry, read as the grader reads it at each loop test: only the loop entries
    are found, each at its loop (no honest variant or other mistake is read as a loop or as unreadable)."""
    release = notebooks.read(paths.release_notebook())
    cells = {"forward_propagation": "test_forward_propagation", "compute_cost": "test_compute_cost",
             "backward_propagation": "test_backward_propagation_vectorized"}
    found = {}
    for sample in catalogue.ALL:
        nb = sample.notebook(source_nb, release)
        for name, grade_id in cells.items():
            code = []
            for cell in nb.cells:
                if notebooks.nbgrader_meta(cell).get("grade_id") == grade_id:
                    break
                if cell.cell_type == "code":
                    hidden = notebooks.hidden_test(cell.source)
                    code.append(hidden.visible if hidden else cell.source)
            if (finding := read(*code, name=name)) is not None:
                found[sample.student_id] = (name, finding.message_key)
    assert found == {"forward-loop": ("forward_propagation", "loop_in_source"),
                     "cost-loop": ("compute_cost", "loop_in_source"),
                     "backward-loop": ("backward_propagation", "loop_in_source")}
