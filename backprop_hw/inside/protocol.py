"""What crosses between the grader and the student's kernel, and how: plain data, one frame a message.

Both ends use this module: the grader (backprop_hw/grading/channel.py) and the kernel's end of the
channel (kernel_end.py), which loads it by path inside the sandbox, where the backprop_hw package
cannot be read; so it imports nothing but the standard library and NumPy.

Plain data is numbers, strings, lists, tuples, dicts, and NumPy arrays and scalars of numeric dtype.
Decoding never runs code (no pickle, no __eq__, no ndarray subclass survives); anything else arrives
as an empty object that keeps only its type's name, so a check can still say "returned a Foo, not an
array". Functions travel only from the grader to the kernel, as numbered callbacks.

A frame is an 8-byte length, a JSON header, and the raw bytes of the arrays it names (no base64: a
training run sends thousands of arrays). NumPy's global random state travels along whenever it
differs from the one this end last sent or received, so that seeding works as in one process.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import time
from typing import Any, Callable

import numpy as np

MAX_DEPTH = 32  # nested containers deeper than any honest result
NUMERIC_KINDS = "biufc"  # bool, int, unsigned, float, complex
_LENGTH = struct.Struct("!Q")  # a frame's length
_HEADER = struct.Struct("!I")  # its JSON header's length


class DataError(ValueError):
    """A message that is not plain data."""


class TooLong(DataError):
    """A message longer than the channel accepts."""


class Closed(Exception):
    """The other end closed its side: its process ended, or is done."""


class TimedOut(Exception):
    """No whole message came before the deadline."""


def encode(value: Any, buffers: list[bytes], callback_id: Callable[[Callable], int] | None = None,
           depth: int = 0) -> Any:
    """value as JSON-ready data, its arrays' bytes appended to buffers; a callable becomes
    {"$": "callback"} if callback_id numbers it."""
    if depth > MAX_DEPTH:
        return {"$": "other", "type": "too deeply nested"}
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, str):  # np.str_ keys, str subclasses: the text is the data
        return str.__str__(value)
    if type(value) is float:
        return {"$": "float", "repr": repr(value)}  # JSON has no inf and nan
    if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS:
        buffers.append(value.tobytes())
        return {"$": "scalar", "dtype": value.dtype.str, "buffer": len(buffers) - 1}
    if isinstance(value, np.ndarray) and value.dtype.kind in NUMERIC_KINDS and value.dtype.fields is None:
        plain = np.ascontiguousarray(value.view(np.ndarray))
        buffers.append(plain.tobytes())
        return {"$": "array", "dtype": plain.dtype.str, "shape": list(plain.shape), "buffer": len(buffers) - 1}
    if isinstance(value, (list, tuple)):  # a namedtuple travels as a tuple
        kind = "list" if isinstance(value, list) else "tuple"
        return {"$": kind, "items": [encode(v, buffers, callback_id, depth + 1) for v in value]}
    if isinstance(value, dict):  # OrderedDict, defaultdict: their items are the data
        return {"$": "dict", "items": [[encode(k, buffers, callback_id, depth + 1),
                                        encode(v, buffers, callback_id, depth + 1)] for k, v in dict.items(value)]}
    if callable(value) and callback_id is not None:
        return {"$": "callback", "id": callback_id(value)}
    return {"$": "other", "type": type(value).__name__}


def decode(data: Any, buffers: list[memoryview], callback: Callable[[int], Callable] | None = None,
           depth: int = 0) -> Any:
    """The value encode() described; raises DataError for anything that is not plain data."""
    if depth > MAX_DEPTH:
        raise DataError("nested too deeply")
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is not dict or not isinstance(data.get("$"), str):
        raise DataError(f"not plain data: {type(data).__name__}")
    kind = data["$"]
    if kind == "float":
        return float(_text(data["repr"], 40))
    if kind in ("scalar", "array"):
        dtype = np.dtype(_text(data["dtype"], 8))
        if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.hasobject:
            raise DataError(f"dtype {dtype} is not numeric")
        index = data["buffer"]
        if type(index) is not int or not 0 <= index < len(buffers):
            raise DataError("a buffer that the message does not hold")
        raw = buffers[index]
        if kind == "scalar":
            if len(raw) != dtype.itemsize:
                raise DataError("scalar of the wrong size")
            return np.frombuffer(raw, dtype=dtype)[0]
        shape = tuple(int(n) for n in data["shape"])
        if any(n < 0 for n in shape) or math.prod(shape) * dtype.itemsize != len(raw):
            raise DataError(f"{len(raw)} bytes do not make an array of shape {shape}")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if kind in ("list", "tuple"):
        items = [decode(v, buffers, callback, depth + 1) for v in data["items"]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        result = {}
        for key, item in data["items"]:
            key = decode(key, buffers, callback, depth + 1)
            if not isinstance(key, (str, int, float, tuple)):
                raise DataError(f"a dict key of type {type(key).__name__}")
            result[key] = decode(item, buffers, callback, depth + 1)
        return result
    if kind == "callback" and callback is not None:
        return callback(int(data["id"]))
    if kind == "other":
        name = _text(data["type"], 100)
        return type(name if name.isidentifier() else "object", (), {})()  # a stand-in with the type's name only
    raise DataError(f"unknown kind {kind!r}")


def random_state(state: Any) -> tuple:
    """A NumPy global random state as np.random.set_state() takes it, checked field by field:
    the other side sends it, and set_state() trusts what it is given."""
    if not (type(state) is tuple and len(state) == 5 and state[0] == "MT19937"):
        raise DataError("not an MT19937 random state")
    _, key, position, has_gauss, cached_gaussian = state
    if not (isinstance(key, np.ndarray) and key.shape == (624,) and key.dtype.kind in "iu"
            and key.min(initial=0) >= 0 and key.max(initial=0) < 2**32):
        raise DataError("a random state's key must be 624 unsigned 32-bit integers")
    if not (type(position) is int and 0 <= position <= 624 and has_gauss in (0, 1)
            and type(cached_gaussian) is float and math.isfinite(cached_gaussian)):
        raise DataError("a random state's position, has_gauss or cached gaussian is out of range")
    return ("MT19937", key.astype(np.uint32), position, has_gauss, cached_gaussian)


def same_random_state(a: tuple, b: tuple) -> bool:
    """Whether two np.random.get_state() tuples are equal (each side sends its state when it changed)."""
    return a[0] == b[0] and a[2:] == b[2:] and np.array_equal(a[1], b[1])


def _text(value: Any, limit: int) -> str:
    if type(value) is not str or len(value) > limit:
        raise DataError("malformed field")
    return value


class Channel:
    """Messages as frames of plain data on a connected stream socket, NumPy's global random state
    sent along whenever it differs from the one this end last sent or received.

    A message is a dict; its values pass through encode() and decode() whole, so a message holds
    plain data only (callables become callbacks where `callback_id` numbers them)."""

    def __init__(self, sock: socket.socket, max_bytes: int) -> None:
        self.sock, self.max_bytes = sock, max_bytes
        self.rng_seen: tuple | None = None
        self.buffer = bytearray()  # what has arrived of the next frames (a wait that times out keeps it)

    def send(self, message: dict, callback_id: Callable[[Callable], int] | None = None) -> None:
        """Raises OSError (BrokenPipeError among them) when the other end is gone."""
        state = np.random.get_state()
        if self.rng_seen is None or not same_random_state(state, self.rng_seen):
            message = dict(message, rng=state)
            self.rng_seen = state
        buffers: list[bytes] = []
        header = json.dumps({"message": encode(message, buffers, callback_id),
                             "sizes": [len(b) for b in buffers]}, separators=(",", ":")).encode()
        length = _HEADER.size + len(header) + sum(len(b) for b in buffers)
        self.sock.sendall(b"".join([_LENGTH.pack(length), _HEADER.pack(len(header)), header, *buffers]))

    def receive(self, deadline: float | None = None, callback: Callable[[int], Callable] | None = None) -> dict:
        """The next message (time.monotonic() deadline; None waits for ever). Raises Closed,
        TimedOut, TooLong, or DataError for a frame that is not plain data."""
        self._fill(_LENGTH.size, deadline)
        length = _LENGTH.unpack(self.buffer[:_LENGTH.size])[0]
        if length > self.max_bytes:
            raise TooLong(f"a message over {self.max_bytes >> 20} MB")
        if length < _HEADER.size:
            raise DataError("a frame too short to hold a message")
        self._fill(_LENGTH.size + length, deadline)
        frame = memoryview(bytes(self.buffer[_LENGTH.size:_LENGTH.size + length]))
        del self.buffer[:_LENGTH.size + length]
        try:
            header_length = _HEADER.unpack(frame[:_HEADER.size])[0]
            header = json.loads(bytes(frame[_HEADER.size:_HEADER.size + header_length]))
            sizes = header["sizes"] if type(header) is dict else None
            if type(sizes) is not list or not all(type(s) is int and s >= 0 for s in sizes):
                raise DataError("a frame without the sizes of its buffers")
            start = _HEADER.size + header_length
            if start + sum(sizes) != length:
                raise DataError("a frame whose buffers do not add up to its length")
            buffers = []
            for size in sizes:
                buffers.append(frame[start:start + size])
                start += size
            message = decode(header["message"], buffers, callback)
            if type(message) is not dict:
                raise DataError("a message must be a dict")
            if "rng" in message:
                np.random.set_state(random_state(message.pop("rng")))
                self.rng_seen = np.random.get_state()
        except (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError, struct.error) as error:
            raise DataError(str(error)[:200]) from None  # DataError is a ValueError
        return message

    def _fill(self, size: int, deadline: float | None) -> None:
        """Read until the buffer holds `size` bytes."""
        while len(self.buffer) < size:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimedOut
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(min(size - len(self.buffer), 1 << 22))
            except socket.timeout:
                raise TimedOut from None
            except OSError:  # reset by a process that died
                raise Closed from None
            if not chunk:
                raise Closed
            self.buffer += chunk
