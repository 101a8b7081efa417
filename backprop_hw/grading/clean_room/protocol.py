"""What crosses between the clean room's two ends, and how: plain data, one message per line.

Both ends use this module: the audit's side (process.py) and the student's
process (student.py), which loads it by path, without the backprop_hw package;
so it imports nothing but the standard library and NumPy.

Plain data is JSON with arrays as bytes. What a student's function returns
crosses to the checks as data only: numbers, strings, lists, tuples, dicts and
NumPy arrays or scalars of numeric dtype.
Decoding never runs code (no pickle, no __eq__, no ndarray subclass survives);
anything else arrives as an empty object that keeps only its type's name, so a
check can still say "returned a Foo, not an array". Functions can only travel
from the checks to the student (as numbered callbacks).

A Channel carries messages, one JSON line each, over a pair of pipes, and NumPy's
global random state with them whenever it changed, so that seeding works as in
one process.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import time
from typing import Any, Callable

import numpy as np

MAX_DEPTH = 32  # nested containers deeper than any honest result
NUMERIC_KINDS = "biufc"  # bool, int, unsigned, float, complex


class DataError(ValueError):
    """A message that is not plain data."""


class TooLong(DataError):
    """A message longer than the channel accepts."""


class Closed(Exception):
    """The other end closed its pipe: its process ended, or is done."""


class TimedOut(Exception):
    """No whole message came before the deadline."""


def encode(value: Any, callback_id: Callable[[Callable], int] | None = None, depth: int = 0) -> Any:
    """value as JSON-ready data; a callable becomes {"$": "callback"} if callback_id numbers it."""
    if depth > MAX_DEPTH:
        return {"$": "other", "type": "too deeply nested"}
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, str):  # np.str_ keys, str subclasses: the text is the data
        return str.__str__(value)
    if type(value) is float:
        return {"$": "float", "repr": repr(value)}  # JSON has no inf and nan
    if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS:
        return {"$": "scalar", "dtype": value.dtype.str, "data": _b64(value.tobytes())}
    if isinstance(value, np.ndarray) and value.dtype.kind in NUMERIC_KINDS and value.dtype.fields is None:
        plain = np.ascontiguousarray(value.view(np.ndarray))
        return {"$": "array", "dtype": plain.dtype.str, "shape": list(plain.shape), "data": _b64(plain.tobytes())}
    if isinstance(value, (list, tuple)):  # a namedtuple travels as a tuple
        kind = "list" if isinstance(value, list) else "tuple"
        return {"$": kind, "items": [encode(v, callback_id, depth + 1) for v in value]}
    if isinstance(value, dict):  # OrderedDict, defaultdict: their items are the data
        return {"$": "dict", "items": [[encode(k, callback_id, depth + 1), encode(v, callback_id, depth + 1)]
                                       for k, v in dict.items(value)]}
    if callable(value) and callback_id is not None:
        return {"$": "callback", "id": callback_id(value)}
    return {"$": "other", "type": type(value).__name__}


def decode(data: Any, callback: Callable[[int], Callable] | None = None, depth: int = 0) -> Any:
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
        raw = base64.b64decode(_text(data["data"], 1 << 30), validate=True)
        if kind == "scalar":
            if len(raw) != dtype.itemsize:
                raise DataError("scalar of the wrong size")
            return np.frombuffer(raw, dtype=dtype)[0]
        shape = tuple(int(n) for n in data["shape"])
        if any(n < 0 for n in shape) or math.prod(shape) * dtype.itemsize != len(raw):
            raise DataError(f"{len(raw)} bytes do not make an array of shape {shape}")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if kind in ("list", "tuple"):
        items = [decode(v, callback, depth + 1) for v in data["items"]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        result = {}
        for key, item in data["items"]:
            key = decode(key, callback, depth + 1)
            if not isinstance(key, (str, int, float, tuple)):
                raise DataError(f"a dict key of type {type(key).__name__}")
            result[key] = decode(item, callback, depth + 1)
        return result
    if kind == "callback" and callback is not None:
        return callback(int(data["id"]))
    if kind == "other":
        name = _text(data["type"], 100)
        return type(name if name.isidentifier() else "object", (), {})()  # a stand-in with the type's name only
    raise DataError(f"unknown kind {kind!r}")


def random_state(data: Any) -> tuple:
    """A NumPy global random state as np.random.set_state() takes it, checked field by field:
    the other side sends it, and set_state() trusts what it is given."""
    state = decode(data)
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


def dumps(message: dict) -> bytes:
    """One message as one line (base64 and JSON escapes keep newlines out of it)."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def loads(line: bytes) -> dict:
    message = json.loads(line)
    if type(message) is not dict:
        raise DataError("a message must be a JSON object")
    return message


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _text(value: Any, limit: int) -> str:
    if type(value) is not str or len(value) > limit:
        raise DataError("malformed field")
    return value


class Channel:
    """Messages as lines of plain data on a pair of pipes (file descriptors), NumPy's global random
    state sent along whenever it differs from the one this end last sent or received."""

    def __init__(self, reader: int, writer: int, max_bytes: int) -> None:
        self.reader, self.writer, self.max_bytes = reader, writer, max_bytes
        self.buffer = bytearray()
        self.rng_seen: tuple | None = None

    def send(self, message: dict) -> None:
        """Raises OSError (BrokenPipeError among them) when the other end is gone."""
        state = np.random.get_state()
        if self.rng_seen is None or not same_random_state(state, self.rng_seen):
            message["rng"] = encode(state)
            self.rng_seen = state
        line = memoryview(dumps(message))
        while line:
            line = line[os.write(self.writer, line):]

    def receive(self, deadline: float | None = None) -> dict:
        """The next message (time.monotonic() deadline; None waits for ever). Raises Closed,
        TimedOut, TooLong, or DataError for a line that is not plain data."""
        searched = 0
        while (end := self.buffer.find(b"\n", searched)) < 0:
            searched = len(self.buffer)
            if searched > self.max_bytes:
                raise TooLong(f"a message over {self.max_bytes >> 20} MB")
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimedOut
            ready, _, _ = select.select([self.reader], [], [], left)
            if ready:
                chunk = os.read(self.reader, 1 << 20)
                if not chunk:
                    raise Closed
                self.buffer += chunk
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        try:
            message = loads(line)
            if "rng" in message:
                np.random.set_state(random_state(message["rng"]))
                self.rng_seen = np.random.get_state()
        except (ValueError, TypeError, KeyError, RecursionError, OverflowError) as error:  # DataError is a ValueError
            raise DataError(str(error)) from None
        return message
