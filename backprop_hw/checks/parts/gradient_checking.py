"""Part F. Gradient checking: gradient_check.

What each part holds: see checks/parts/__init__.py.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop_hw.checks import answer_key as key
from backprop_hw.checks.calling import call, fail, hidden_test
from backprop_hw.inside.isolation import quiet
from backprop_hw.checks.messages import say
from backprop_hw.checks.mistakes import Mistake, mistake
from backprop_hw.checks.problems import Probe, probe_pool, random_problem
from backprop_hw.checks.tolerances import GRADIENT_CHECK_CORRECT_BELOW, GRADIENT_CHECK_RTOL

PARAMETERS = key.PARAMETER_NAMES

__all__ = ["check_gradient_check"]


def _broken_backward(scale_name: str, factor: float):
    """The correct backward pass with one gradient scaled: a bug gradient_check must measure."""
    def backward(parameters, cache, X, Y):
        grads = dict(key.backward_propagation(parameters, cache, X, Y))
        grads[scale_name] = grads[scale_name] * factor
        return grads

    backward.description = say("input_broken_backward", name=scale_name, factor=factor)
    return backward


@hidden_test
def check_gradient_check(gradient_check: Callable) -> None:
    """A float that is tiny for a correct backward pass and equals ours for broken ones;
    epsilon is used; the parameters are left as they were."""
    problem = random_problem(81, m=5, n_x=3, n_h=4)
    parameters = {k: v.copy() for k, v in problem.parameters.items()}
    X, Y = problem.X, problem.Y

    def student(backward, **kwargs):
        value = call(gradient_check, "gradient_check", parameters, X, Y, backward, **kwargs)
        if not isinstance(value, float):
            fail(say("gradient_check_not_a_float", type=type(value).__name__))
        return value

    formula = say("gradient_check_formula")
    correct = student(key.backward_propagation)
    if not correct < GRADIENT_CHECK_CORRECT_BELOW:
        fail(say("gradient_check_correct_too_large", value=correct, limit=GRADIENT_CHECK_CORRECT_BELOW))
    for name, factor in [("dW1", 2.0), ("db2", 0.5)]:
        broken = _broken_backward(name, factor)
        value = student(broken)
        with quiet():
            ours = key.gradient_check(parameters, X, Y, broken)
        if not np.isclose(value, ours, rtol=GRADIENT_CHECK_RTOL):
            fail(say("gradient_check_broken", name=name, factor=factor, value=value, formula=formula))
    for name in PARAMETERS:
        if not np.array_equal(parameters[name], problem.parameters[name]):
            fail(say("gradient_check_changed_parameters", name=name))
    coarse = student(key.backward_propagation, epsilon=1e-2)
    with quiet():
        ours = key.gradient_check(parameters, X, Y, key.backward_propagation, epsilon=1e-2)
    if not np.isclose(coarse, ours, rtol=GRADIENT_CHECK_RTOL):
        fail(say("gradient_check_ignores_epsilon"))


# --- What the checks say (messages.say), in English and Ukrainian ------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "input_broken_backward": {
        "en": "a backward pass whose {name} is ×{factor:g}",
        "uk": "зворотне поширення, у якому {name} помножено на {factor:g}",
    },
    "gradient_check_not_a_float": {
        "en": "gradient_check should return a Python float, not {type}.",
        "uk": "gradient_check має повертати Python float, а не {type}.",
    },
    "gradient_check_correct_too_large": {
        "en": "With a correct backward pass gradient_check returned {value:.3g}, which should be below "
              "{limit:g}: check gradapprox = (J(θ + ε) − J(θ − ε)) / (2ε), and that each "
              "parameter is put back before the next one is moved.",
        "uk": "З правильним зворотним поширенням gradient_check повертає {value:.3g}, а має бути менше за "
              "{limit:g}: слід перевірити gradapprox = (J(θ + ε) − J(θ − ε)) / (2ε) і те, що кожен "
              "параметр повертається на місце, перш ніж зсунути наступний.",
    },
    "gradient_check_broken": {
        "en": "With a backward pass whose {name} is off by a factor {factor:g}, gradient_check returned "
              "{value:.3g}, which is not the relative difference over all parameters: {formula}, "
              "taken over every entry of W1, b1, W2, b2 together.",
        "uk": "Коли зворотне поширення повертає {name}, помножене на {factor:g}, gradient_check повертає "
              "{value:.3g}, а це не відносна різниця за всіма параметрами: {formula}, "
              "обчислена разом по всіх елементах W1, b1, W2, b2.",
    },
    "gradient_check_formula": {
        "en": "difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)",
        "uk": "difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)",
    },
    "gradient_check_changed_parameters": {
        "en": "gradient_check changed parameters[{name!r}]: copy the parameters, or restore each entry "
              "after moving it by ±ε.",
        "uk": "gradient_check змінює parameters[{name!r}]: слід скопіювати параметри або повертати кожен "
              "елемент на місце після зсуву на ±ε.",
    },
    "gradient_check_ignores_epsilon": {
        "en": "gradient_check does not use its epsilon argument: move each parameter by ±epsilon.",
        "uk": "gradient_check не використовує свій аргумент epsilon: кожен параметр слід зсувати на ±epsilon.",
    },
}


# --- Inputs that tell a mutant from the reference (harness/mutation.py) -------------------

def _gradient_check_probes() -> list[Probe]:
    p = probe_pool().problems[0]
    broken = lambda *args: dict(key.backward_propagation(*args), dW1=0 * p.parameters["W1"])  # noqa: E731
    return [((p.parameters, p.X, p.Y, key.backward_propagation), {}, None),
            ((p.parameters, p.X, p.Y, broken), {}, None),
            ((p.parameters, p.X, p.Y, key.backward_propagation), {"epsilon": 1e-2}, None)]


PROBES: dict[str, Callable[[], list[Probe]]] = {"gradient_check": _gradient_check_probes}

# --- Mistakes students make, which these checks must catch (harness/catalogue.py) ---------

MISTAKES: tuple[Mistake, ...] = (
    mistake("gradcheck-no-restore", "gradient_check", "the moved parameter never put back",
            ("            theta[name][index] = original\n", "")),
    mistake("gradcheck-epsilon", "gradient_check", "divided by ε instead of 2ε", ("/ (2 * epsilon)", "/ epsilon")),
    mistake("gradcheck-sum-not-norm", "gradient_check", "sums of absolute values instead of L2 norms",
            ("np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))",
             "np.sum(np.abs(grad - gradapprox)) / (np.sum(np.abs(grad)) + np.sum(np.abs(gradapprox)))")),
    mistake("gradcheck-one-sided", "gradient_check", "one-sided differences (J(θ+ε) − J(θ))/ε",
            ("theta[name][index] = original - epsilon\n", "theta[name][index] = original\n"),
            ("/ (2 * epsilon)", "/ epsilon")),
    mistake("gradcheck-norm-of-sum", "gradient_check", "‖grad + gradapprox‖ in the denominator",
            ("(np.linalg.norm(grad) + np.linalg.norm(gradapprox))", "np.linalg.norm(grad + gradapprox)")),
    mistake("gradcheck-fixed-epsilon", "gradient_check", "ε hard-coded to 1e-7",
            ("theta = {name:", "epsilon = 1e-7\n    theta = {name:")),
)
