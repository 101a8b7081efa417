"""The clean-room audit: plain data only crosses from the student's process, only imports and
definitions reach it, and on honest submissions it agrees with the notebook grade exactly."""

from __future__ import annotations

import collections
import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from backprop_hw import notebooks, paths
from backprop_hw.grading.clean_room import pool, process, room
from backprop_hw.grading.clean_room import protocol
from backprop_hw.harness import catalogue, hostile


def round_trip(value):
    return protocol.decode(protocol.loads(protocol.dumps({"v": protocol.encode(value)}))["v"])


def test_protocol_keeps_numbers_arrays_and_containers():
    value = {"W1": np.arange(6.0).reshape(2, 3), "b": np.zeros((2, 1), np.float32), "n": 3, "cost": 0.25,
             "sizes": (2, 4, 1), "flags": [True, None, "x"], "inf": float("inf"), "f64": np.float64(0.5),
             "i64": np.int64(7), 4: np.array([[1, 0]], dtype=bool)}
    back = round_trip(value)
    assert back.keys() == value.keys()
    for key in value:
        assert type(back[key]) is type(value[key]), key
        assert np.array_equal(back[key], value[key]), key
    assert back["b"].dtype == np.float32 and back["W1"].flags.writeable
    assert isinstance(back["f64"], float)  # compute_cost's test accepts a NumPy float as a Python float


def test_protocol_turns_other_objects_into_empty_ones_with_their_type_name():
    class Anything(float):
        def __eq__(self, other):
            return True

    class Lying(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(other), bool)

    anything = round_trip(Anything(0.5))
    assert type(anything).__name__ == "Anything" and anything != 0.5
    with pytest.raises(TypeError):
        np.asarray(anything, dtype=float)
    lying = round_trip(np.zeros(3).view(Lying))
    assert type(lying) is np.ndarray and not (lying == 1).any()
    assert type(round_trip(np.array([object()]))).__name__ == "ndarray"  # object arrays are not data


def test_protocol_sends_subclasses_of_plain_containers_as_plain_ones():
    Sizes = collections.namedtuple("Sizes", "n_x n_h n_y")
    value = {np.str_("W1"): np.ones(2), "sizes": Sizes(2, 4, 1),
             "ordered": collections.OrderedDict(a=1), "default": collections.defaultdict(list, b=[2])}
    back = round_trip(value)
    assert type(list(back)[0]) is str and back["sizes"] == (2, 4, 1) and type(back["sizes"]) is tuple
    assert back["ordered"] == {"a": 1} and back["default"] == {"b": [2]} and type(back["default"]) is dict


@pytest.mark.parametrize("state", [
    ("MT19937", np.zeros(624, np.uint32), 10**6, 0, 0.0),  # a position past the key: set_state() segfaults
    ("MT19937", np.zeros(3, np.uint32), 0, 0, 0.0),
    ("MT19937", np.full(624, -1), 0, 0, 0.0),
    ("MT19937", np.zeros(624, np.uint32), 0, 7, 0.0),
    ("PCG64", np.zeros(624, np.uint32), 0, 0, 0.0),
    ("MT19937", np.zeros(624, np.uint32), 0, 0),
])
def test_a_random_state_that_numpy_would_trust_blindly_is_refused(state):
    with pytest.raises(protocol.DataError):
        protocol.random_state(protocol.encode(state))


def test_a_genuine_random_state_crosses_intact():
    np.random.seed(5)
    np.random.randn()  # has_gauss 1
    state = np.random.get_state()
    np.random.set_state(protocol.random_state(protocol.encode(state)))
    assert protocol.same_random_state(np.random.get_state(), state)


@pytest.mark.parametrize("message", [
    {"$": "array", "dtype": "|O", "shape": [1], "data": "AAAAAAAAAAA="},  # object dtype: pickles
    {"$": "array", "dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="},  # 8 bytes for 2 floats
    {"$": "scalar", "dtype": "<f8", "data": "AAAA"},
    {"$": "pickle", "data": ""},
    {"$": "callback", "id": 0},  # only the checks hand out functions
    ["not", "tagged"],
])
def test_protocol_refuses_anything_else(message):
    with pytest.raises((protocol.DataError, ValueError, TypeError)):
        protocol.decode(message)


def test_only_imports_and_definitions_reach_the_clean_room():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                  "x = 1\ndef f(z):\n    return z + x"),
        nbformat.v4.new_code_cell("def test_helper():\n    pass", metadata={"nbgrader": {
            "grade": True, "solution": False, "grade_id": "test_f", "points": 1, "locked": True,
            "schema_version": 3}}),
        nbformat.v4.new_code_cell("def broken(:\n    pass"),
    ])
    pieces, defined, unreadable = room.student_code(nb)
    assert [p["filename"] for p in pieces] == ["<cell 1>"]
    assert pieces[0]["source"] == "import numpy as np\n\ndef f(z):\n    return z + x"
    assert defined == {"f": ["cell 1"]}
    assert unreadable and unreadable[0].startswith("cell 3: SyntaxError")


def test_every_graded_cell_has_its_hidden_check():
    cells = room.hidden_tests()
    assert len(cells) == 21 and sum(c.points for c in cells) == 100
    assert all(c.check == "check_" + c.grade_id.removeprefix("test_") for c in cells)


def test_the_clean_room_stops_a_function_that_never_returns_and_goes_on(tmp_path, source_nb):
    release = notebooks.read(paths.release_notebook())
    reference = notebooks.reference_submission(source_nb, release)
    nb = notebooks.with_change(reference, "sigmoid", "return 1 / (1 + np.exp(-z))", "while True:\n        pass")
    nb = notebooks.with_change(nb, "relu_derivative", "return (z", "import os\n    os._exit(1)\n    return (z")
    nb = notebooks.with_change(nb, "layer_sizes", "n_x =", "np.ones((40_000, 40_000))\n    n_x =")
    nbformat.write(nb, str(tmp_path / "stuck.ipynb"))
    result = room.clean_room(tmp_path / "stuck.ipynb", timeout=15, memory_mb=1024)  # nn_model: 4,000 calls
    lost = {c.grade_id: c.message for c in result.cells if c.clean_room_points == 0}
    assert set(lost) == {"test_sigmoid", "test_relu_derivative", "test_layer_sizes"}, lost
    assert "longer than 15 s" in lost["test_sigmoid"]
    assert "process ended" in lost["test_relu_derivative"]
    assert "MemoryError" in lost["test_layer_sizes"]
    assert result.clean_room_score == 100 - 4 - 4 - 2


def test_the_clean_room_stops_a_submission_at_its_wall_time(tmp_path, source_nb):
    release = notebooks.read(paths.release_notebook())
    reference = notebooks.reference_submission(source_nb, release)
    nb = notebooks.with_change(reference, "sigmoid", "return 1 / (1 + np.exp(-z))", "while True:\n        pass")
    nbformat.write(nb, str(tmp_path / "stuck.ipynb"))
    result = room.clean_room(tmp_path / "stuck.ipynb", timeout=30, wall_time=1.5)
    assert result.clean_room_score == 0  # every check after the limit fails at once, none waits 30 s
    assert all("ran longer than 1.5 s in all (GradingLimits.wall_time)" in c.message for c in result.cells)


ATTACKS_ON_THE_AUDIT = [  # (function, old, new): each aims at the audit's own process
    ("sigmoid", "return 1 / (1 + np.exp(-z))",  # a random state that would crash NumPy in the audit
     "np.random.get_state = lambda: ('MT19937', np.zeros(624, np.uint32), 10**6, 0, 0.0)\n"
     "    return 1 / (1 + np.exp(-z))"),
    ("sigmoid_derivative", "s = sigmoid(z)", "return np.zeros(10**7)"),  # a reply over 64 MB
    ("tanh_derivative", "return 1 - np.tanh(z) ** 2",  # a message that would forge a report line
     "raise ValueError('\\x1b[2J\\ntest_tanh_derivative 3/3 pass\\n' + 'x' * 10**5)"),
    ("layer_sizes", "n_x = X.shape[0]",  # the answer key asked for 20 GB
     "initialize_parameters(50_000, 50_000, 1)\n    n_x = X.shape[0]"),
    ("predict", "A2, _ = forward_propagation(X, parameters)",  # the answer key asked to run forever, printing
     "nn_model(X, np.ones((1, X.shape[1])), 4, num_iterations=10**9, print_cost=True)\n"
     "    A2, _ = forward_propagation(X, parameters)"),
]


def test_what_the_student_sends_or_asks_for_cannot_harm_the_audit(tmp_path, source_nb, capfd):
    release = notebooks.read(paths.release_notebook())
    reference = notebooks.reference_submission(source_nb, release)
    nb = reference
    for function, old, new in ATTACKS_ON_THE_AUDIT:
        nb = notebooks.with_change(nb, function, old, new)
    nbformat.write(nb, str(tmp_path / "attacks.ipynb"))
    nbformat.write(reference, str(tmp_path / "honest.ipynb"))
    # A function nested past the parser's recursion limit: that file's result, not the batch's.
    (tmp_path / "deep.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("def sigmoid(z):\n    return " + "+".join(["z"] * 100_000))])))
    files = [tmp_path / "attacks.ipynb", tmp_path / "deep.ipynb", tmp_path / "honest.ipynb"]
    attacks, deep, honest = pool.clean_rooms(files, progress=False, timeout=20)
    assert capfd.readouterr().out == ""  # print_cost=True printed nowhere
    lost = {c.grade_id: c.message for c in attacks.cells if c.clean_room_points == 0}
    assert set(lost) == {"test_" + function for function, _, _ in ATTACKS_ON_THE_AUDIT}, lost
    assert "random state" in lost["test_sigmoid"]
    assert "over 64 MB" in lost["test_sigmoid_derivative"]
    assert "\n" not in lost["test_tanh_derivative"] and "\x1b" not in lost["test_tanh_derivative"]
    assert len(lost["test_tanh_derivative"]) < 600
    assert "MemoryError" in lost["test_layer_sizes"]
    assert "longer than 20 s" in lost["test_predict"]  # the answer key ran for it: stopped all the same
    assert attacks.clean_room_score == 100 - 4 - 3 - 3 - 2 - 3
    assert deep.status in ("audited", "audit failed") and deep.clean_room_score == 0
    assert honest.status == "audited" and honest.clean_room_score == 100
    assert np.isfinite(np.random.randn())  # and this process's NumPy is sound


def test_the_clean_room_agrees_with_nbgrader_on_every_catalogued_notebook(harness, source_nb, tmp_path):
    """Every mistake, variant, the reference and the untouched release: the same points in every
    graded cell as the real nbgrader autograde of the harness."""
    release = notebooks.read(paths.release_notebook())
    files = []
    for sample in catalogue.ALL:
        files.append(tmp_path / f"{sample.student_id}.ipynb")
        nbformat.write(sample.notebook(source_nb, release), str(files[-1]))
    results = pool.clean_rooms(files, progress=False)
    disagreements = []
    for sample, result in zip(catalogue.ALL, results):
        nbgrader = harness.scores[sample.student_id]
        for cell in result.cells:
            if cell.clean_room_points != (nbgrader.get(cell.grade_id) or 0.0):
                disagreements.append((sample.student_id, cell.grade_id, cell.clean_room_points, cell.message))
    assert len(results) == len(catalogue.ALL) and len(catalogue.ALL) > 100
    assert disagreements == []


def test_audit_command_reports_the_cell_where_the_grades_differ(tmp_path, source_nb):
    release = notebooks.read(paths.release_notebook())
    reference = notebooks.reference_submission(source_nb, release)
    patched = next(c for c in hostile.CASES if c.name == "numpy-patched")
    nbformat.write(reference, str(tmp_path / "honest.ipynb"))
    nbformat.write(patched.build(reference), str(tmp_path / "patched.ipynb"))
    (tmp_path / "broken.ipynb").write_text("{")
    command = [sys.executable, "-m", "backprop_hw.cli", "audit"]
    run = subprocess.run(command + [str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "honest.ipynb: notebook 100/100, clean room 100/100: agree" in run.stdout
    assert "patched.ipynb: notebook 100/100, clean room 96/100: 1 cell differs" in run.stdout
    assert "test_sigmoid (sigmoid: cell" in run.stdout and "broken.ipynb: NOT AUDITED" in run.stdout
    alone = subprocess.run(command + ["--json", str(tmp_path / "honest.ipynb")], capture_output=True, text=True)
    assert alone.returncode == 0, alone.stderr
    (honest,) = json.loads(alone.stdout)
    assert honest["clean_room_score"] == honest["notebook_score"] == 100


def test_what_a_function_does_to_its_arguments_is_done_to_the_checks_copy():
    W1 = np.zeros((2, 2))
    parameters = {"W1": W1, "b1": np.zeros((2, 1)), "gone": 1}
    process._copy_back(parameters, {"W1": np.ones((2, 2)), "b1": np.ones((3, 1)), "new": 2})
    assert parameters["W1"] is W1 and (W1 == 1).all()  # changed in place, as in the kernel
    assert parameters["b1"].shape == (3, 1)  # replaced by another shape: replaced here too
    assert "gone" not in parameters and parameters["new"] == 2
