"""What the notebook's hidden test cells import: one ``check_<function>`` per graded cell.

    ### BEGIN HIDDEN TESTS
    from backprop_hw.checks import check_sigmoid, isolate
    isolate("sigmoid")
    check_sigmoid(sigmoid)
    ### END HIDDEN TESTS
    ...the visible tests...

The hidden tests run first, so that a failure is reported by them: they name the
function, the input in words and the line of the student's code that raised.
"""

from backprop_hw.checks.calling import HiddenTestFailure, isolate
from backprop_hw.checks.parts.activation_derivatives import *  # noqa: F401,F403  (each part's __all__: its check_*)
from backprop_hw.checks.parts.dimensions import *  # noqa: F401,F403
from backprop_hw.checks.parts.gradient_checking import *  # noqa: F401,F403
from backprop_hw.checks.parts.logistic_regression import *  # noqa: F401,F403
from backprop_hw.checks.parts.one_example import *  # noqa: F401,F403
from backprop_hw.checks.parts.training import *  # noqa: F401,F403
from backprop_hw.checks.parts.vectorized import *  # noqa: F401,F403

__all__ = [name for name in dir() if name.startswith("check_")] + ["HiddenTestFailure", "isolate"]
