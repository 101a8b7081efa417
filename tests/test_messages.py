"""The hidden tests' messages: every one in English and Ukrainian, chosen at run time."""

from __future__ import annotations

import re
import string

import numpy as np
import pytest

from backprop_hw import checks
from backprop_hw.checks import answer_key
from backprop_hw.checks.calling import HiddenTestFailure
from backprop_hw.checks import parts
from backprop_hw.checks.messages import ENVIRONMENT_VARIABLE, MESSAGES, language, say

# The harness's texts and every part's, each key once (parts/__init__.py refuses a key in two parts).
ALL_MESSAGES = {**MESSAGES, **parts.MESSAGES}
CYRILLIC = re.compile("[а-яА-ЯіїєґІЇЄҐ]")


def _fields(template: str) -> set[tuple[str, str, str]]:
    """Each {field} of a str.format template with its conversion and format spec."""
    return {
        (name, conversion or "", spec or "")
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    }


def _wrong_sigmoid(z):
    return 1 / (1 + np.exp(z))


@pytest.fixture
def english(monkeypatch, tmp_path):
    """No language set and a working directory whose name does not end in _uk."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def ukrainian(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "uk")


@pytest.mark.parametrize("key", sorted(ALL_MESSAGES))
def test_every_message_has_english_and_ukrainian_with_the_same_fields(key):
    templates = ALL_MESSAGES[key]
    assert set(templates) == {"en", "uk"}
    assert templates["en"].strip() and templates["uk"].strip()
    assert _fields(templates["en"]) == _fields(templates["uk"]), "the same {fields}, conversions and format specs"


def test_ukrainian_texts_are_ukrainian_unless_they_are_only_math_or_code():
    for key, templates in ALL_MESSAGES.items():
        if CYRILLIC.search(templates["uk"]) is None:
            assert templates["uk"] == templates["en"], f"{key}: no Cyrillic, so it should be the English formula"


def test_a_typical_mistake_fails_in_ukrainian(ukrainian):
    assert language() == "uk"
    with pytest.raises(HiddenTestFailure) as failure:
        checks.check_sigmoid(_wrong_sigmoid)
    message = str(failure.value)
    assert CYRILLIC.search(message), message
    assert "σ(z) = 1 / (1 + e^(−z))" in message


def test_the_same_mistake_fails_in_english_by_default(english):
    assert language() == "en"
    with pytest.raises(HiddenTestFailure) as failure:
        checks.check_sigmoid(_wrong_sigmoid)
    message = str(failure.value)
    assert not CYRILLIC.search(message), message
    assert message == ("sigmoid(z of shape (3, 7)): sigmoid(z) has the right shape but wrong values: "
                       "σ(z) = 1 / (1 + e^(−z)), applied to every entry.")


def test_ukrainian_gradient_failure_keeps_the_equation_and_the_number_format(ukrainian):
    def backward(parameters, cache, X, Y):
        grads = dict(answer_key.backward_propagation(parameters, cache, X, Y))
        grads["dW1"] = grads["dW1"] * X.shape[1]  # the missing 1/m
        return grads

    with pytest.raises(HiddenTestFailure) as failure:
        checks.check_backward_propagation(backward)
    message = str(failure.value)
    assert "dW1 = (1/m)·dZ1·Xᵀ" in message
    assert "чисельним градієнтом функції витрат J" in message
    assert "відносна різниця" in message
    assert "[" not in message, "the message must not print arrays"


def test_ukrainian_shape_failure_says_foo_and_dfoo(ukrainian):
    def backward(parameters, cache, X, Y):
        grads = dict(answer_key.backward_propagation(parameters, cache, X, Y))
        grads["db1"] = grads["db1"].ravel()  # keepdims forgotten
        return grads

    with pytest.raises(HiddenTestFailure, match="foo і dfoo завжди мають однаковий розмір"):
        checks.check_backward_propagation(backward)


def test_language_is_ukrainian_in_a_folder_ending_in_uk(monkeypatch, tmp_path):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    (tmp_path / "x_uk").mkdir()
    monkeypatch.chdir(tmp_path / "x_uk")
    assert language() == "uk"
    assert CYRILLIC.search(say("hint_sigmoid"))


def test_the_environment_variable_overrides_the_folder(monkeypatch, tmp_path):
    (tmp_path / "backprop_uk").mkdir()
    monkeypatch.chdir(tmp_path / "backprop_uk")
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "en")
    assert language() == "en"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "uk")
    assert language() == "uk"


def test_say_formats_fields_including_one_named_key(english):
    assert say("missing_key", function="f", key="dW1", keys=["db1"]) == "f's result has no key 'dW1' (it has ['db1'])."


def test_say_falls_back_to_english_when_a_key_lacks_ukrainian(ukrainian, monkeypatch):
    monkeypatch.setitem(MESSAGES, "only_english", {"en": "just {what}"})
    assert say("only_english", what="this") == "just this"
