"""The channel between the grader and a student's kernel: plain data only crosses, within its caps,
and the hidden tests that run in the grader call the student's functions through it (kernel_end)."""

from __future__ import annotations

import collections
import json
import socket
import struct

import numpy as np
import pytest

from backprop_hw.checks import answer_key
from backprop_hw.grading import channel
from backprop_hw.inside import kernel_end, protocol


def pair(max_bytes: int = 1 << 24) -> tuple[protocol.Channel, protocol.Channel]:
    a, b = socket.socketpair()
    return protocol.Channel(a, max_bytes), protocol.Channel(b, max_bytes)


def round_trip(value):
    sender, receiver = pair()
    sender.send({"v": value})
    return receiver.receive(deadline=None)["v"]


def frame(message, buffers: list[bytes] = ()) -> bytes:
    """A frame as a forged kernel could write it."""
    header = json.dumps({"message": message, "sizes": [len(b) for b in buffers]}).encode()
    body = struct.pack("!I", len(header)) + header + b"".join(buffers)
    return struct.pack("!Q", len(body)) + body


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
        protocol.random_state(state)
    sender, receiver = pair()
    buffers: list[bytes] = []
    sender.sock.sendall(frame({"$": "dict", "items": [["op", "result"], ["rng", protocol.encode(state, buffers)]]},
                              buffers))
    with pytest.raises(protocol.DataError):
        receiver.receive(deadline=None)


def test_the_random_state_travels_with_the_messages_that_change_it():
    """A check seeds here and the student's function draws there: both ends see the same state."""
    sender, receiver = pair()
    np.random.seed(5)
    np.random.randn()  # has_gauss 1
    state = np.random.get_state()
    sender.send({"op": "call"})
    np.random.seed(6)
    receiver.receive(deadline=None)
    assert protocol.same_random_state(np.random.get_state(), state)


@pytest.mark.parametrize("message", [
    {"$": "array", "dtype": "|O", "shape": [1], "buffer": 0},  # object dtype: pickles
    {"$": "array", "dtype": "<f8", "shape": [2], "buffer": 0},  # 8 bytes for 2 floats
    {"$": "array", "dtype": "<f8", "shape": [1], "buffer": 1},  # a buffer the frame does not hold
    {"$": "scalar", "dtype": "<f4", "buffer": 0},
    {"$": "pickle", "data": ""},
    {"$": "callback", "id": 0},  # only the grader hands out functions
    ["not", "tagged"],
])
def test_protocol_refuses_anything_else(message):
    sender, receiver = pair()
    sender.sock.sendall(frame({"$": "dict", "items": [["op", "result"], ["value", message]]}, [b"\0" * 8]))
    with pytest.raises(protocol.DataError):
        receiver.receive(deadline=None)


def test_a_message_over_the_cap_is_refused_before_it_is_read():
    sender, receiver = pair(max_bytes=1 << 20)
    sender.sock.sendall(struct.pack("!Q", 1 << 40))  # announces a terabyte, sends nothing more
    with pytest.raises(protocol.TooLong):
        receiver.receive(deadline=None)


def test_a_frame_whose_buffers_do_not_add_up_is_refused():
    sender, receiver = pair()
    header = json.dumps({"message": {"$": "dict", "items": [["op", "hello"]]}, "sizes": [16]}).encode()
    body = struct.pack("!I", len(header)) + header + b"x" * 8  # says 16 bytes of buffers, holds 8
    sender.sock.sendall(struct.pack("!Q", len(body)) + body)
    with pytest.raises(protocol.DataError):
        receiver.receive(deadline=None)


def test_a_wait_that_times_out_loses_nothing_of_a_message_half_arrived():
    import time

    sender, receiver = pair()
    whole = frame({"$": "dict", "items": [["op", "hello"]]})
    sender.sock.sendall(whole[:10])
    with pytest.raises(protocol.TimedOut):
        receiver.receive(deadline=time.monotonic() + 0.05)
    sender.sock.sendall(whole[10:])
    assert receiver.receive(deadline=None) == {"op": "hello"}


def test_what_a_function_does_to_its_arguments_is_done_to_the_checks_copy():
    W1 = np.zeros((2, 2))
    parameters = {"W1": W1, "b1": np.zeros((2, 1)), "gone": 1}
    channel._copy_back(parameters, {"W1": np.ones((2, 2)), "b1": np.ones((3, 1)), "new": 2})
    assert parameters["W1"] is W1 and (W1 == 1).all()  # changed in place, as in the kernel
    assert parameters["b1"].shape == (3, 1)  # replaced by another shape: replaced here too
    assert "gone" not in parameters and parameters["new"] == 2


def test_one_call_says_what_happened_as_plain_data():
    """run_call, the one way a student's function is called: its result, or where it raised, what it
    wrote to stderr, and the answer key standing in for the other graded functions meanwhile."""
    import linecache

    code = ("import sys\n"
            "def forward(X):\n    return sigmoid(X)\n"
            "def noisy(x):\n    print('hm', file=sys.stderr)\n    return x\n"
            "def broken(x):\n    y = x\n    return y[5]\n")
    linecache.cache["<cell 7>"] = (len(code), None, code.splitlines(True), "<cell 7>")  # as IPython registers a cell
    namespace: dict = {}
    exec(compile(code, "<cell 7>", "exec"), namespace)
    stand_ins = {"sigmoid": answer_key.sigmoid}
    result = kernel_end.run_call(namespace["forward"], (np.zeros(2),), {}, stand_ins)
    assert result["op"] == "result" and np.allclose(result["value"], 0.5)
    assert "sigmoid" not in namespace  # put back as it was: absent
    assert kernel_end.run_call(namespace["noisy"], (1,), {}, {})["stderr"].strip() == "hm"
    raised = kernel_end.run_call(namespace["broken"], ([1],), {}, {})
    assert raised["op"] == "raised" and raised["type"] == "IndexError" and raised["line"][1] == "return y[5]"


def test_the_answer_key_that_stands_in_is_that_of_the_functions_graded_already():
    """The kernel gets the key of a function only after its last test cell, never the key of the
    function under test, and each function's key with what it needs and nothing more."""
    source, names = answer_key.stand_in_source({"sigmoid", "forward_propagation"})
    assert names == ["sigmoid", "forward_propagation"]
    assert "def backward_propagation" not in source and "def compute_cost" not in source
    namespace: dict = {}
    exec(source, namespace)
    assert namespace["forward_propagation"](np.zeros((2, 3)), {"W1": np.zeros((4, 2)), "b1": np.zeros((4, 1)),
                                                               "W2": np.zeros((1, 4)), "b2": np.zeros((1, 1))})[0].shape == (1, 3)
    source, names = answer_key.stand_in_source({"nn_model"})  # needs keys not released: not shipped
    assert names == [] and "def nn_model" not in source


def test_the_kernels_random_state_is_the_checks_during_a_call_and_its_own_after(tmp_path):
    """The kernel's end in a process of its own: a check seeds here, the student's function draws
    there from that seed, and the notebook's cells after the check draw what they would have
    drawn without it."""
    import subprocess
    import sys
    import textwrap

    path = str(tmp_path / "check.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    student = textwrap.dedent(f"""
        import runpy, numpy as np
        def initialize(n):
            return np.random.randn(n)
        np.random.seed(42)
        runpy.run_path({channel.KERNEL_END!r})["serve"]({path!r})
        print(np.random.randn())
    """)
    process = subprocess.Popen([sys.executable, "-c", student], stdout=subprocess.PIPE, text=True)
    try:
        connection, _ = listener.accept()
        grader = protocol.Channel(connection, 1 << 24)
        assert grader.receive(deadline=None)["op"] == "hello"
        grader.send({"op": "begin", "tested": "initialize", "keys": "", "key_names": []})
        np.random.seed(7)
        grader.send({"op": "call", "name": "initialize", "args": [3], "kwargs": {}})
        reply = grader.receive(deadline=None)
        grader.send({"op": "done", "isolate": False})
        printed = float(process.communicate(timeout=60)[0])
    finally:
        listener.close()
        process.kill()
    np.random.seed(7)
    assert reply["op"] == "result" and np.array_equal(reply["value"], np.random.randn(3))
    np.random.seed(42)
    assert printed == np.random.randn()
