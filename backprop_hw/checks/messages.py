"""Every text a student can read in a hidden test's failure, in English and in Ukrainian.

The hidden tests never write a sentence themselves: they call ``say(key, **fields)``,
which formats the template of the current ``language()``. The Ukrainian edition of
the assignment (folder ``backprop_uk``) is graded with the kernel running in
``.../<student>/backprop_uk/``, so its students read Ukrainian without any setting;
``BACKPROP_HW_LANGUAGE`` overrides the guess.

Templates use ``str.format`` named fields. A field that is itself a text for the
student (a hint, a quantity such as "the cost J") is passed already said:
``say("close_wrong_values", what=..., hint=say("hint_sigmoid"))``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENVIRONMENT_VARIABLE = "BACKPROP_HW_LANGUAGE"
LANGUAGES = ("en", "uk")
DEFAULT = "en"


def language(folder: str | os.PathLike | None = None) -> str:
    """"uk" or "en": BACKPROP_HW_LANGUAGE if it is set, else "uk" in a folder (by default the
    working directory) named ``*_uk``."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen:
        return "uk" if chosen.strip().lower() == "uk" else DEFAULT
    try:
        name = Path(folder).name if folder is not None else Path.cwd().name
    except OSError:  # the working directory was removed
        return DEFAULT
    return "uk" if name.endswith("_uk") else DEFAULT


def say(key: str, /, **fields) -> str:
    """The message ``key`` in the current language (English where Ukrainian is missing), formatted."""
    return _format(language(), key, fields)


def say_for(folder: str | os.PathLike, key: str, /, **fields) -> str:
    """say() as a kernel running in `folder` would say it (the grader speaks for a dead kernel)."""
    return _format(language(folder), key, fields)


def _format(chosen: str, key: str, fields: dict) -> str:
    templates = MESSAGES[key]
    return (templates.get(chosen) or templates[DEFAULT]).format(**fields)


MESSAGES: dict[str, dict[str, str]] = {
    # --- harness: how a result is read and compared --------------------------------
    "stand_in_refused": {
        "en": "{name} answered with the answer key's {name}, kept from another test: the test of {name} "
              "needs your own code.",
        "uk": "{name} відповіла функцією {name} з еталонного розв'язку, збереженою з іншого тесту: "
              "тест {name} перевіряє лише ваш власний код.",
    },
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
    "loop_over_examples": {
        "en": "{name} runs a Python loop over the examples: it executed {extra} more lines "
              "for {large} examples than for {small}. Work on all m columns at once: {hint}",
        "uk": "{name} виконує цикл Python по зразках: для {large} зразків виконано на {extra} рядків більше, "
              "ніж для {small}. Слід обробляти всі m стовпців одразу: {hint}",
    },
    # --- A. Logistic regression, one example ------------------------------------------
    "hint_sigmoid": {
        "en": "σ(z) = 1 / (1 + e^(−z)), applied to every entry.",
        "uk": "σ(z) = 1 / (1 + e^(−z)) для кожного елемента окремо.",
    },
    "sigmoid_of_zero": {
        "en": "sigmoid(0) should be one number equal to 0.5: {hint}",
        "uk": "sigmoid(0) має бути одним числом, що дорівнює 0.5: {hint}",
    },
    "logistic_loss_wrong_for_y": {
        "en": "logistic_loss is wrong when y = {y:g}, where only the term {term} counts.",
        "uk": "logistic_loss дає неправильне значення при y = {y:g}, коли важить лише доданок {term}.",
    },
    "logistic_loss_on_arrays": {
        "en": "logistic_loss on arrays",
        "uk": "logistic_loss на масивах",
    },
    "hint_logistic_loss_arrays": {
        "en": "use NumPy's elementwise np.log and *, so that arrays work too.",
        "uk": "потрібні поелементні np.log і * з NumPy, щоб функція працювала й на масивах.",
    },
    "hint_da": {
        "en": "da = −y/a + (1−y)/(1−a); note the division in the second term.",
        "uk": "da = −y/a + (1−y)/(1−a); у другому доданку — ділення.",
    },
    "hint_dz": {
        "en": "by the chain rule dz = da·σ′(z) = a − y.",
        "uk": "за ланцюговим правилом dz = da·σ′(z) = a − y.",
    },
    "hint_dw": {
        "en": "dw = x·dz, one entry per input, the shape of w (n_x, 1).",
        "uk": "dw = x·dz, по одному елементу на кожен вхід, того самого розміру, що й w: (n_x, 1).",
    },
    "hint_db": {
        "en": "db = dz.",
        "uk": "db = dz.",
    },
    "loss_with_respect_to_parameter": {
        "en": "L with respect to {parameter}",
        "uk": "L за {parameter}",
    },
    "one_number_for_one_example": {
        "en": "{name} should be one number for one example, but has shape {shape}: {hint}",
        "uk": "{name} для одного зразка має бути одним числом, а має розмір {shape}: {hint}",
    },
    # --- B. Activation derivatives ---------------------------------------------------
    "hint_elementwise_derivative": {
        "en": "g′(z) is elementwise: the result has the shape of z.",
        "uk": "g′(z) обчислюється поелементно: результат має той самий розмір, що й z.",
    },
    "hint_sigmoid_derivative": {
        "en": "σ′(z) = σ(z)·(1 − σ(z)).",
        "uk": "σ′(z) = σ(z)·(1 − σ(z)).",
    },
    "hint_tanh_derivative": {
        "en": "tanh′(z) = 1 − tanh(z)².",
        "uk": "tanh′(z) = 1 − tanh(z)².",
    },
    "relu_derivative_away_from_zero": {
        "en": "relu_derivative(z) is wrong away from 0: relu′(z) = 1 where z > 0 and 0 where z < 0.",
        "uk": "relu_derivative(z) дає неправильні значення поза нулем: relu′(z) = 1 там, де z > 0, "
              "і 0 там, де z < 0.",
    },
    "relu_derivative_at_zero": {
        "en": "relu_derivative(0) should be 0: this assignment takes relu′(0) = 0.",
        "uk": "relu_derivative(0) має дорівнювати 0: у цьому завданні relu′(0) = 0.",
    },
    # --- C. Dimensions ---------------------------------------------------------------
    "layer_sizes_not_a_tuple": {
        "en": "layer_sizes should return a tuple (n_x, n_h, n_y), not {sizes!r}.",
        "uk": "layer_sizes має повертати кортеж (n_x, n_h, n_y), а не {sizes!r}.",
    },
    "layer_sizes_wrong": {
        "en": "layer_sizes is wrong: n_x is the number of rows of X, n_h = 4, n_y the number of rows of Y.",
        "uk": "layer_sizes повертає неправильні розміри шарів: n_x — кількість рядків X, n_h = 4, "
              "n_y — кількість рядків Y.",
    },
    "shape_not_a_tuple": {
        "en": "The shape of {name} should be a tuple of ints, not {value!r}.",
        "uk": "Розмір {name} має бути кортежем цілих чисел, а не {value!r}.",
    },
    "backprop_shape_wrong": {
        "en": "The shape of {name} is wrong for n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] is n[l]×n[l−1], b[l] is n[l]×1, Z[l] and A[l] are n[l]×m.",
        "uk": "Розмір {name} неправильний для n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] має розмір n[l]×n[l−1], b[l] — n[l]×1, Z[l] і A[l] — n[l]×m.",
    },
    "backprop_shape_wrong_twin": {
        "en": "The shape of {name} is wrong for n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] is n[l]×n[l−1], b[l] is n[l]×1, Z[l] and A[l] are n[l]×m, and {name} has the shape of {twin}.",
        "uk": "Розмір {name} неправильний для n_x={n_x}, n_h={n_h}, n_y={n_y}, m={m}: "
              "W[l] має розмір n[l]×n[l−1], b[l] — n[l]×1, Z[l] і A[l] — n[l]×m, "
              "а {name} має той самий розмір, що й {twin}.",
    },
    # --- D. Forward propagation and the six equations, one example ----------------------
    "hint_Z1": {
        "en": "Z1 = W1·X + b1.",
        "uk": "Z1 = W1·X + b1.",
    },
    "hint_A1": {
        "en": "A1 = tanh(Z1).",
        "uk": "A1 = tanh(Z1).",
    },
    "hint_Z2": {
        "en": "Z2 = W2·A1 + b2.",
        "uk": "Z2 = W2·A1 + b2.",
    },
    "hint_A2": {
        "en": "A2 = σ(Z2), the sigmoid.",
        "uk": "A2 = σ(Z2), тобто сигмоїда.",
    },
    "forward_not_a_pair": {
        "en": "forward_propagation should return a pair (A2, cache).",
        "uk": "forward_propagation має повертати пару (A2, cache).",
    },
    "cache_of": {
        "en": "{function}'s cache",
        "uk": "{function} (кеш)",
    },
    "returned_A2": {
        "en": "the returned A2",
        "uk": "повернений результат A2",
    },
    "hint_forward_loop": {
        "en": "Z1 = W1·X + b1 takes every column of X.",
        "uk": "Z1 = W1·X + b1 бере всі стовпці X.",
    },
    "forward_general_asks": {
        "en": "the docstring of forward_propagation asks for A2 of shape (n_y, m) for any n_y and any m, "
              "including n_y = 2 outputs and m = 1 example.",
        "uk": "рядок документації forward_propagation вимагає A2 розміру (n_y, m) для будь-яких n_y і m, "
              "зокрема для n_y = 2 виходів і m = 1 зразка.",
    },
    "one_example_general_asks": {
        "en": "the docstring of backward_propagation_one_example asks for y of shape (n_y, 1) for any n_y, "
              "including n_y = 2 outputs, where W2ᵀ·dz2 is a matrix product.",
        "uk": "рядок документації backward_propagation_one_example вимагає y розміру (n_y, 1) для будь-якого n_y, "
              "зокрема для n_y = 2 виходів, де W2ᵀ·dz2 — матричний добуток.",
    },
    "hint_dz2": {
        "en": "dz2 = a2 − y.",
        "uk": "dz2 = a2 − y.",
    },
    "hint_dW2_one": {
        "en": "dW2 = dz2·a1ᵀ.",
        "uk": "dW2 = dz2·a1ᵀ.",
    },
    "hint_db2_one": {
        "en": "db2 = dz2.",
        "uk": "db2 = dz2.",
    },
    "hint_dz1": {
        "en": "dz1 = W2ᵀ·dz2 * g′(z1), with elementwise * and tanh′(z1) = 1 − a1².",
        "uk": "dz1 = W2ᵀ·dz2 * g′(z1), де * — поелементне множення, а tanh′(z1) = 1 − a1².",
    },
    "hint_dW1_one": {
        "en": "dW1 = dz1·xᵀ.",
        "uk": "dW1 = dz1·xᵀ.",
    },
    "hint_db1_one": {
        "en": "db1 = dz1.",
        "uk": "db1 = dz1.",
    },
    "one_example_shape": {
        "en": "{name} has shape {actual} but {twin} has shape {expected}: "
              "foo and dfoo always have the same shape. Check the transposes in {hint}",
        "uk": "{name} має розмір {actual}, а {twin} — розмір {expected}: "
              "foo і dfoo завжди мають однаковий розмір. Слід перевірити транспонування в {hint}",
    },
    "loss_with_respect_to": {
        "en": "the loss with respect to {twin}",
        "uk": "функції втрат за {twin}",
    },
    # --- E. Vectorized ---------------------------------------------------------------
    "hint_compute_cost": {
        "en": "J = −(1/m)·Σ [y·log a2 + (1−y)·log(1−a2)] over the m examples.",
        "uk": "J = −(1/m)·Σ [y·log a2 + (1−y)·log(1−a2)] за всіма m зразками.",
    },
    "compute_cost_not_a_float": {
        "en": "compute_cost should return a Python float, not {type} {shape}: "
              "float(...) turns a one-entry array into one.",
        "uk": "compute_cost має повертати Python float, а не {type} {shape}: "
              "float(...) перетворює масив з одного елемента на float.",
    },
    "compute_cost_wrong": {
        "en": "compute_cost is wrong for m = {m}: {hint}",
        "uk": "compute_cost дає неправильне значення для m = {m}: {hint}",
    },
    "hint_cost_loop": {
        "en": "np.sum or np.mean over the row.",
        "uk": "np.sum або np.mean по рядку.",
    },
    "hint_dZ2": {
        "en": "dZ2 = A2 − Y.",
        "uk": "dZ2 = A2 − Y.",
    },
    "hint_dW2": {
        "en": "dW2 = (1/m)·dZ2·A1ᵀ.",
        "uk": "dW2 = (1/m)·dZ2·A1ᵀ.",
    },
    "hint_db2": {
        "en": "db2 = (1/m)·np.sum(dZ2, axis=1, keepdims=True).",
        "uk": "db2 = (1/m)·np.sum(dZ2, axis=1, keepdims=True).",
    },
    "hint_dZ1": {
        "en": "dZ1 = W2ᵀ·dZ2 * g′(Z1), with elementwise * and tanh′(Z1) = 1 − A1².",
        "uk": "dZ1 = W2ᵀ·dZ2 * g′(Z1), де * — поелементне множення, а tanh′(Z1) = 1 − A1².",
    },
    "hint_dW1": {
        "en": "dW1 = (1/m)·dZ1·Xᵀ.",
        "uk": "dW1 = (1/m)·dZ1·Xᵀ.",
    },
    "hint_db1": {
        "en": "db1 = (1/m)·np.sum(dZ1, axis=1, keepdims=True).",
        "uk": "db1 = (1/m)·np.sum(dZ1, axis=1, keepdims=True).",
    },
    "vectorized_shape": {
        "en": "{name} has shape {actual} but {twin} has shape {expected}: foo and dfoo "
              "always have the same shape. Check the transposes and keepdims in {hint}",
        "uk": "{name} має розмір {actual}, а {twin} — розмір {expected}: foo і dfoo "
              "завжди мають однаковий розмір. Слід перевірити транспонування та keepdims у {hint}",
    },
    "the_cost_J": {
        "en": "the cost J",
        "uk": "функції витрат J",
    },
    "columns_are_examples": {
        "en": "{name} should hold, in column i, example i's {one}; it does not: {hint}",
        "uk": "{name} має містити в стовпці i значення {one} для i-го зразка, а це не так: {hint}",
    },
    "mean_over_examples": {
        "en": "{name} should be the mean over the m examples of the one-example {name}: {hint}",
        "uk": "{name} має бути середнім арифметичним {name}, обчислених для кожного з m зразків окремо: {hint}",
    },
    "backward_general_asks": {
        "en": "the docstring of backward_propagation asks for Y of shape (n_y, m) for any n_y, "
              "including n_y = 2 outputs, where W2ᵀ·dZ2 is a matrix product.",
        "uk": "рядок документації backward_propagation вимагає Y розміру (n_y, m) для будь-якого n_y, "
              "зокрема для n_y = 2 виходів, де W2ᵀ·dZ2 — матричний добуток.",
    },
    "input_broken_backward": {
        "en": "a backward pass whose {name} is ×{factor:g}",
        "uk": "зворотне поширення, у якому {name} помножено на {factor:g}",
    },
    "hint_backward_loop": {
        "en": "matrix products such as dZ1·Xᵀ sum over the examples for you.",
        "uk": "матричні добутки на кшталт dZ1·Xᵀ самі підсумовують по зразках.",
    },
    # --- F. Gradient checking -----------------------------------------------------------
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
    # --- G. Training -------------------------------------------------------------------
    "not_parameters_dict": {
        "en": "{function} should return the parameters dict, not {type}.",
        "uk": "{function} має повертати словник parameters, а не {type}.",
    },
    "parameter_of": {
        "en": "{function}'s {name}",
        "uk": "{name} у результаті {function}",
    },
    "hint_initialize_parameters": {
        "en": "W1 = np.random.randn(n_h, n_x) * 0.01 drawn before W2 = np.random.randn(n_y, n_h) * 0.01, "
              "b1 and b2 zeros of shapes (n_h, 1) and (n_y, 1); do not call np.random.seed inside.",
        "uk": "W1 = np.random.randn(n_h, n_x) * 0.01 генерується раніше за W2 = np.random.randn(n_y, n_h) * 0.01, "
              "b1 і b2 — нулі розміру (n_h, 1) і (n_y, 1); "
              "усередині не можна задавати зерно генератора (np.random.seed).",
    },
    "hint_update_parameters": {
        "en": "θ = θ − learning_rate·dθ for every parameter.",
        "uk": "θ = θ − learning_rate·dθ для кожного параметра.",
    },
    "default_learning_rate": {
        "en": "the default learning rate 1.2",
        "uk": "швидкості навчання за замовчуванням 1.2",
    },
    "with_learning_rate": {
        "en": "{hint} (with {which})",
        "uk": "{hint} (для {which})",
    },
    "hint_nn_model": {
        "en": "each iteration runs forward_propagation, compute_cost, backward_propagation and "
              "update_parameters once, starting from initialize_parameters(n_x, n_h, n_y); "
              "no np.random.seed inside.",
        "uk": "кожна ітерація один раз викликає forward_propagation, compute_cost, backward_propagation і "
              "update_parameters, а ініціалізацію робить initialize_parameters(n_x, n_h, n_y); "
              "усередині не можна задавати зерно генератора (np.random.seed).",
    },
    "the_flower": {
        "en": "the flower",
        "uk": "«квітки»",
    },
    "a_second_data_set": {
        "en": "a second data set",
        "uk": "другого набору даних",
    },
    "training_did_not_lower_cost": {
        "en": "Training did not lower the cost on {data}: gradient descent steps against the gradient.",
        "uk": "Тренування не зменшило значення функції витрат для {data}: "
              "градієнтний спуск робить кроки проти градієнта.",
    },
    "accuracy_too_low": {
        "en": "After {iterations} iterations the network classifies {accuracy:.0%} of {data} correctly; "
              "it should reach {at_least:.0%}: {hint}",
        "uk": "Після {iterations} ітерацій точність мережі для {data} становить {accuracy:.0%}, "
              "а має бути щонайменше {at_least:.0%}: {hint}",
    },
    "hint_predict_shape": {
        "en": "one prediction per column of X, as a (1, m) array.",
        "uk": "по одному передбаченню на кожен стовпець X, масив розміру (1, m).",
    },
    "predict_not_binary": {
        "en": "predict should return only 0 and 1: threshold A2 at 0.5.",
        "uk": "predict має повертати лише 0 і 1: поріг для A2 — 0.5.",
    },
    "predict_wrong": {
        "en": "predict is wrong: run forward_propagation, then predict 1 where A2 > 0.5 and 0 elsewhere.",
        "uk": "predict дає неправильні передбачення: спершу forward_propagation, потім мітка 1 там, "
              "де A2 > 0.5, і 0 в інших місцях.",
    },
}
