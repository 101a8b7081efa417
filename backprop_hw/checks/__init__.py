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

from backprop_hw.checks.hidden_tests import (
    check_backprop_shapes,
    check_backward_propagation,
    check_backward_propagation_general,
    check_backward_propagation_one_example,
    check_backward_propagation_one_example_general,
    check_backward_propagation_vectorized,
    check_compute_cost,
    check_forward_propagation,
    check_forward_propagation_general,
    check_gradient_check,
    check_initialize_parameters,
    check_layer_sizes,
    check_logistic_backward,
    check_logistic_loss,
    check_nn_model,
    check_predict,
    check_relu_derivative,
    check_sigmoid,
    check_sigmoid_derivative,
    check_tanh_derivative,
    check_update_parameters,
)
from backprop_hw.checks.calling import HiddenTestFailure, isolate

__all__ = [name for name in dir() if name.startswith("check_")] + ["HiddenTestFailure", "isolate"]
