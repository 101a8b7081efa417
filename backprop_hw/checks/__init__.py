"""The hidden tests: one ``check_<function>`` per graded cell, run by the grader, outside the kernel.

A graded test cell of the source notebook names its check in its hidden block:

    ### BEGIN HIDDEN TESTS
    check_sigmoid(sigmoid)
    ### END HIDDEN TESTS
    ...the visible tests...

The grader never sends that block to the student's kernel. It reads it (notebooks.hidden_test),
runs check_sigmoid here, in its own process, on the student's sigmoid called through the channel
to the kernel (grading/channel.py), and writes a failure into the cell as its error; the visible
tests then run in the kernel as usual. The hidden tests run first, so that a failure is reported
by them: they name the function, the input in words and the line of the student's code that raised.
"""

from backprop_hw.checks.calling import HiddenTestFailure
from backprop_hw.checks.parts.activation_derivatives import *  # noqa: F401,F403  (each part's __all__: its check_*)
from backprop_hw.checks.parts.dimensions import *  # noqa: F401,F403
from backprop_hw.checks.parts.gradient_checking import *  # noqa: F401,F403
from backprop_hw.checks.parts.logistic_regression import *  # noqa: F401,F403
from backprop_hw.checks.parts.one_example import *  # noqa: F401,F403
from backprop_hw.checks.parts.training import *  # noqa: F401,F403
from backprop_hw.checks.parts.vectorized import *  # noqa: F401,F403

__all__ = [name for name in dir() if name.startswith("check_")] + ["HiddenTestFailure"]
