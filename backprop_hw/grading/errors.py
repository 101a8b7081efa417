"""The grading failures whose message says what to do; the command line prints them as one line.

Here, apart from the modules that raise them, so that `backprop-hw` can catch them without
importing jupyter_client and Dask first: a wrong command line is refused at once.
"""


class SandboxUnavailable(RuntimeError):
    """No sandbox can be made here; the message says why and how to install one."""


class SchedulerUnreachable(RuntimeError):
    """The Dask scheduler given does not answer; the message names it and says what to check."""
