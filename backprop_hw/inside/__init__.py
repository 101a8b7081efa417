"""What runs inside the sandbox, beside the student's code: standard library and NumPy only.

The sandbox mounts this folder, read-only, and nothing else of backprop_hw: the answer key, the
checks and the rest of the grader cannot be read there. Inside, these files are loaded by path
(the package itself is not importable); the grader imports them as backprop_hw.inside.*.

    entry.py        the first code in every sandbox: process cap, working copy, then the command
    forkserver.py   the fork server that kernels are forked from (its handle: grading/forkserver.py)
    kernel_end.py   the kernel's end of the grader's channel: calls the student's functions
    protocol.py     what crosses the channel (plain data), on both ends
    line_count.py   counting the lines a call runs (the loop-over-examples test; it can only lower a grade)
    isolation.py    swapping stand-ins into a namespace, silencing warnings
"""
