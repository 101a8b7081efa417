"""How a hidden test's failure is said, in English and in Ukrainian.

The texts of the harness (how a result is read and compared) are here; those of
each graded function live with its checks, in ``checks/parts/``.

The hidden tests never write a sentence themselves: they call ``say(key, **fields)``,
which formats the template of the current ``language()``. The Ukrainian edition of
the assignment (folder ``backprop_uk``) is graded in ``.../<student>/backprop_uk/``, and the grader
speaks the language of the notebook's folder while it runs its hidden tests (speaking()), so its
students read Ukrainian without any setting; ``BACKPROP_HW_LANGUAGE`` overrides the guess.

Templates use ``str.format`` named fields. A field that is itself a text for the
student (a hint, a quantity such as "the cost J") is passed already said:
``say("close_wrong_values", what=..., hint=say("hint_sigmoid"))``.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from pathlib import Path
from typing import Iterator

ENVIRONMENT_VARIABLE = "BACKPROP_HW_LANGUAGE"
LANGUAGES = ("en", "uk")
DEFAULT = "en"


# The language the grader speaks while it runs the hidden tests of one notebook (speaking()).
_SPOKEN: contextvars.ContextVar[str | None] = contextvars.ContextVar("spoken", default=None)


@contextlib.contextmanager
def speaking(chosen: str) -> Iterator[None]:
    """say() speaks `chosen` within this block (the grader, for the notebook whose tests it runs)."""
    token = _SPOKEN.set(chosen)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def language(folder: str | os.PathLike | None = None) -> str:
    """"uk" or "en": BACKPROP_HW_LANGUAGE if it is set, else, with no folder given, what speaking()
    chose, else "uk" in a folder (by default the working directory) named ``*_uk``."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen:
        return "uk" if chosen.strip().lower() == "uk" else DEFAULT
    if folder is None and _SPOKEN.get() is not None:
        return _SPOKEN.get()
    try:
        return folder_language(folder if folder is not None else Path.cwd())
    except OSError:  # the working directory was removed
        return DEFAULT


def folder_language(folder: str | os.PathLike) -> str:
    """The edition's language by its folder's (or assignment's) name: "uk" for ``*_uk``, else "en"."""
    return "uk" if Path(folder).name.endswith("_uk") else DEFAULT


def say(key: str, /, **fields) -> str:
    """The message ``key`` in the current language (English where Ukrainian is missing), formatted."""
    return _format(language(), key, fields)


def say_for(folder: str | os.PathLike, key: str, /, **fields) -> str:
    """say() as a kernel running in `folder` would say it (the grader speaks for a dead kernel)."""
    return _format(language(folder), key, fields)


def templates(key: str) -> dict[str, str]:
    """The texts of `key` in every language: the harness's own below, or those of the part of the
    checks that says it (checks/parts/), imported here late because the parts import say()."""
    if key in MESSAGES:
        return MESSAGES[key]
    from backprop_hw.checks.parts import MESSAGES as PART_MESSAGES

    return PART_MESSAGES[key]


def _format(chosen: str, key: str, fields: dict) -> str:
    templates_of_key = templates(key)
    return (templates_of_key.get(chosen) or templates_of_key[DEFAULT]).format(**fields)


# What the harness of the checks says (calling.py) and the grader says for a dead kernel; the texts
# of each graded function live with its checks, in checks/parts/.
MESSAGES: dict[str, dict[str, str]] = {
    "tracing_changed": {
        "en": "{name} changed sys.settrace, which this test uses to count the lines your code runs: "
              "leave tracing alone.",
        "uk": "{name} змінила sys.settrace, яким цей тест рахує виконані рядки вашого коду: "
              "не змінюйте трасування.",
    },
    "input_array": {
        "en": "{name} of shape {shape}",
        "uk": "{name} розміру {shape}",
    },
    "input_parameters": {
        "en": "{name} with n_x={n_x}, n_h={n_h}, n_y={n_y}",
        "uk": "{name} з n_x={n_x}, n_h={n_h}, n_y={n_y}",
    },
    "input_cache": {
        "en": "{name} of that forward pass (m={m})",
        "uk": "{name} цього прямого поширення (m={m})",
    },
    "input_grads": {
        "en": "{name} of that network",
        "uk": "{name} цієї мережі",
    },
    "raised": {
        "en": "{call} raised {error}.",
        "uk": "{call} завершилася винятком {error}.",
    },
    "raised_at": {
        "en": "{call} raised {error} at `{line}` (line {number} of your cell).",
        "uk": "{call} завершилася винятком {error} у `{line}` (рядок {number} вашої клітинки).",
    },
    "kernel_died_testing": {
        "en": "the kernel died while testing {function} (os._exit, a crash in compiled code, or the kernel "
              "killed for its memory): this cell scores 0. The later cells ran in a new kernel, with every "
              "earlier cell run again but this one.",
        "uk": "ядро завершило роботу під час тестування {function} (os._exit, збій у скомпільованому коді "
              "або ядро зупинено через пам'ять): ця клітинка отримує 0. Наступні клітинки виконано в новому "
              "ядрі, куди повторно виконано всі попередні клітинки, крім цієї.",
    },
    "kernel_died_in_cell": {
        "en": "the kernel died while running this cell (os._exit, a crash in compiled code, or the kernel "
              "killed for its memory). The later cells ran in a new kernel, with every earlier cell run "
              "again but this one: what this cell defines is missing there.",
        "uk": "ядро завершило роботу під час виконання цієї клітинки (os._exit, збій у скомпільованому коді "
              "або ядро зупинено через пам'ять). Наступні клітинки виконано в новому ядрі, куди повторно "
              "виконано всі попередні клітинки, крім цієї: того, що вона визначає, там немає.",
    },
    "not_defined": {
        "en": "{name} is not defined in the notebook: its cell raised an error before `def {name}` ran, "
              "or the function has another name. Run that cell and keep the name {name}.",
        "uk": "{name} не визначено в ноутбуці: її клітинка завершилася помилкою ще до `def {name}` "
              "або функцію названо інакше. Слід запустити ту клітинку й залишити назву {name}.",
    },
    "wrote_to_stderr": {
        "en": "it wrote {text!r} to stderr, and nbgrader gives 0 to a test cell that writes to stderr: "
              "print to stdout instead (print(...)), or not at all.",
        "uk": "функція записала {text!r} у stderr, а nbgrader ставить 0 тестовій клітинці, що пише в stderr: "
              "виводьте текст у stdout (print(...)) або не виводьте зовсім.",
    },
    "interrupted": {
        "en": "{call} was stopped: it ran longer than a test cell may (Execute.timeout in the course's "
              "configuration), last at {line} of your cell. Look for a loop that never ends.",
        "uk": "{call} зупинено: функція працювала довше, ніж дозволено тестовій клітинці (Execute.timeout "
              "у налаштуваннях курсу), востаннє в {line} вашої клітинки. Слід пошукати нескінченний цикл.",
    },
    "beyond_the_lecture": {
        "en": "{failure} This test goes beyond the lecture's network (one output unit, m ≥ 2 examples): {asks}",
        "uk": "{failure} Цей тест виходить за межі мережі з лекції (один вихідний вузол, m ≥ 2 зразків): {asks}",
    },
    "returned_none": {
        "en": "{what} is None: did the function forget to return it?",
        "uk": "{what} дорівнює None: можливо, у функції бракує return?",
    },
    "not_an_array": {
        "en": "{what} should be a number or a NumPy array, not {type}.",
        "uk": "{what} має бути числом або масивом NumPy, а не {type}.",
    },
    "not_a_dict": {
        "en": "{function} should return a dict, not {type}.",
        "uk": "Результат {function} має бути словником (dict), а не {type}.",
    },
    "missing_key": {
        "en": "{function}'s result has no key {key!r} (it has {keys}).",
        "uk": "У результаті {function} немає ключа {key!r} (є лише {keys}).",
    },
    "wrong_shape": {
        "en": "{what} has shape {actual} but should have shape {expected}: {hint}",
        "uk": "{what} має розмір {actual} замість {expected}: {hint}",
    },
    "close_wrong_values": {
        "en": "{what} has the right shape but wrong values: {hint}",
        "uk": "{what} має правильний розмір, але неправильні значення: {hint}",
    },
    "same_shape_hint": {
        "en": "foo and dfoo always have the same shape. {hint}",
        "uk": "foo і dfoo завжди мають однаковий розмір. {hint}",
    },
    "gradient_disagrees": {
        "en": "{what} disagrees with the numerical gradient of {of} "
              "(relative difference {difference:.2g}, allowed {allowed:g}): {hint}",
        "uk": "{what} не збігається з чисельним градієнтом {of} "
              "(відносна різниця {difference:.2g}, допустима {allowed:g}): {hint}",
    },
    "loop_in_source": {
        "en": "{name} runs a Python loop over the examples: `{line}` ({why}). Work on all m columns at once: {hint}",
        "uk": "{name} виконує цикл Python по зразках: `{line}` ({why}). Слід обробляти всі m стовпців одразу: {hint}",
    },
    "source_unreadable": {
        "en": "{name} cannot be checked for a loop over the examples: {why}, through which code can run where "
              "the grader cannot read it. Write {name} and the functions it calls without it: {hint}",
        "uk": "{name} неможливо перевірити на цикл по зразках: {why}, а так код може виконуватися там, де "
              "його не прочитати. Слід написати {name} і функції, які вона викликає, без цього: {hint}",
    },
    "uses": {
        "en": "`{line}` uses {what}",
        "uk": "`{line}` використовує {what}",
    },
    "check_not_run": {
        "en": "the hidden tests of {function} could not run in your kernel: {reason}. This cell scores 0.",
        "uk": "приховані тести {function} не вдалося виконати у вашому ядрі: {reason}. Ця клітинка отримує 0.",
    },
    "loop_over_examples": {
        "en": "{name} runs a Python loop over the examples: it executed {extra} more lines "
              "for {large} examples than for {small}. Work on all m columns at once: {hint}",
        "uk": "{name} виконує цикл Python по зразках: для {large} зразків виконано на {extra} рядків більше, "
              "ніж для {small}. Слід обробляти всі m стовпців одразу: {hint}",
    },
}
