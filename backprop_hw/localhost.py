"""Where the servers this project starts for itself listen (PostgreSQL for the tests and the
benchmark, Jupyter for the browser tests, a scheduler the tests must not reach): 127.0.0.1 only."""

from __future__ import annotations

import socket

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now (the system's pick)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
