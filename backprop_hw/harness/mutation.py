"""First-order mutation analysis of the graded functions.

Each mutant is the reference solution with one small change inside one answer
cell's solution region: an arithmetic or comparison operator swapped, a
constant changed, a transpose removed, an axis changed, two arguments
swapped, a layer-1 variable swapped with its layer-2 twin, a minus removed or
a statement deleted. Mutants whose outputs equal the reference's on random
inputs are equivalent and dropped; the rest are graded by nbgrader, and a
mutant is killed when a test cell of its own function loses points.
"""

from __future__ import annotations

import ast
import copy
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np
from nbformat import NotebookNode

from backprop_hw import notebooks
from backprop_hw.checks.parts import PROBES

SWAPPED_OPERATORS = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.MatMult: ast.Mult, ast.Pow: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv,
}
SWAPPED_COMPARISONS = {
    ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
}
LAYER_NAME = re.compile(r"^([A-Za-z_]*?)([12])$")
OPERATOR_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.MatMult: "@", ast.Pow: "**",
                    ast.FloorDiv: "//", ast.Mod: "%", ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=",
                    ast.Eq: "==", ast.NotEq: "!="}


# Survivors judged harmless after reading them: (function, change) -> why no test should kill it.
# Empty while every graded mutant is killed; tests/test_harness.py fails on an unexplained survivor.
HARMLESS_SURVIVORS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Mutant:
    function: str
    number: int  # per function, in generation order
    operator: str  # "arithmetic", "comparison", "constant", "transpose", "axis", "arguments", "layer", "negation", "deletion"
    change: str  # what changed, e.g. "line 5: / → *"
    source: str  # the whole mutated answer cell

    @property
    def name(self) -> str:
        return f"{self.function}#{self.number}"


def _solution_lines(source: str) -> range:
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if "### BEGIN SOLUTION" in line)
    end = next(i for i, line in enumerate(lines) if "### END SOLUTION" in line)
    return range(begin + 2, end + 1)  # 1-based line numbers strictly between the markers


def _variants(node: ast.AST, bound_names: set[str]) -> Iterator[tuple[str, str, Callable[[ast.AST], ast.AST]]]:
    """(operator, description, how to build the changed node) for every mutation of this one node."""
    if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in SWAPPED_OPERATORS:
        new = SWAPPED_OPERATORS[type(node.op)]
        yield "arithmetic", f"{OPERATOR_SYMBOLS[type(node.op)]} → {OPERATOR_SYMBOLS[new]}", lambda n: _set(n, op=new())
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in SWAPPED_COMPARISONS:
        new = SWAPPED_COMPARISONS[type(node.ops[0])]
        yield "comparison", f"{OPERATOR_SYMBOLS[type(node.ops[0])]} → {OPERATOR_SYMBOLS[new]}", lambda n: _set(n, ops=[new()])
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            yield "constant", f"{value} → {not value}", lambda n: _set(n, value=not value)
        elif isinstance(value, (int, float)):
            changed = value + 1 if isinstance(value, int) else (value * 2 if value else 1.0)
            yield "constant", f"{value!r} → {changed!r}", lambda n: _set(n, value=changed)
        elif isinstance(value, str) and (match := LAYER_NAME.match(value)):
            twin = match.group(1) + ("2" if match.group(2) == "1" else "1")
            yield "layer", f"{value!r} → {twin!r}", lambda n: _set(n, value=twin)
    if isinstance(node, ast.Attribute) and node.attr == "T":
        yield "transpose", "transpose removed", lambda n: n.value
    if isinstance(node, ast.keyword) and node.arg == "axis" and isinstance(node.value, ast.Constant):
        other = 0 if node.value.value == 1 else 1
        yield "axis", f"axis={node.value.value} → axis={other}", lambda n: _set(n, value=ast.Constant(other))
    if isinstance(node, ast.Call) and len(node.args) >= 2 and not any(isinstance(a, ast.Starred) for a in node.args):
        yield "arguments", "first two arguments swapped", lambda n: _set(n, args=[n.args[1], n.args[0], *n.args[2:]])
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and (match := LAYER_NAME.match(node.id)):
        twin = match.group(1) + ("2" if match.group(2) == "1" else "1")
        if twin in bound_names:
            yield "layer", f"{node.id} → {twin}", lambda n: _set(n, id=twin)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "negation", "unary minus removed", lambda n: n.operand
    if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.Pass)):
        yield "deletion", "statement deleted", lambda n: ast.copy_location(ast.Pass(), n)


def _set(node: ast.AST, **fields: Any) -> ast.AST:
    for name, value in fields.items():
        setattr(node, name, value)
    return node


class _Replace(ast.NodeTransformer):
    def __init__(self, index: int, build: Callable[[ast.AST], ast.AST]):
        self.index, self.build, self.seen = index, build, -1

    def generic_visit(self, node):
        return super().generic_visit(node)

    def visit(self, node):
        self.seen += 1
        if self.seen == self.index:
            return self.build(node)
        return super().visit(node)


def mutants_of(function: str, cell_source: str) -> list[Mutant]:
    """Every first-order mutant of one answer cell (solution region only), as whole cell sources."""
    tree = ast.parse(cell_source)
    region = _solution_lines(cell_source)
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        a.arg for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) for a in n.args.args}
    nodes = list(_walk_in_order(tree))
    mutants: list[Mutant] = []
    for index, node in enumerate(nodes):
        if getattr(node, "lineno", None) not in region and not (
                isinstance(node, ast.keyword) and getattr(node.value, "lineno", None) in region):
            continue
        line = getattr(node, "lineno", None) or node.value.lineno
        for operator, description, build in _variants(node, bound):
            mutated = _Replace(index, build).visit(copy.deepcopy(tree))
            try:
                source = ast.unparse(ast.fix_missing_locations(mutated))
            except Exception:  # a change that makes no valid program is no mutant
                continue
            mutants.append(Mutant(function, len(mutants) + 1, operator,
                                  f"line {line - region.start + 1}: {description}", source))
    return mutants


def _walk_in_order(tree: ast.AST) -> Iterator[ast.AST]:
    """Nodes in the order ast.NodeTransformer visits them, so an index finds the same node."""
    yield tree
    for field, value in ast.iter_fields(tree):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, ast.AST):
                yield from _walk_in_order(item)


def all_mutants(source: NotebookNode) -> list[Mutant]:
    return [m for function, cell in notebooks.solution_cells(source).items() for m in mutants_of(function, cell.source)]


# --- equivalence: the same outputs as the reference on each part's PROBES ---------------------------


def _outcome(function: Callable, args: tuple, kwargs: dict, seed: int | None) -> Any:
    import contextlib
    import io

    args = copy.deepcopy(args)
    if seed is not None:
        np.random.seed(seed)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            return ("value", function(*args, **kwargs), args)
    except Exception as error:  # noqa: BLE001  (a mutant may fail in any way)
        return ("error", type(error).__name__, None)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    if type(a) is not type(b) and not (np.isscalar(a) and np.isscalar(b)):
        return False
    try:
        a_array, b_array = np.asarray(a), np.asarray(b)
        return (a_array.shape == b_array.shape and a_array.dtype.kind == b_array.dtype.kind
                and bool(np.allclose(a_array, b_array, rtol=1e-9, atol=1e-12, equal_nan=True)))
    except (TypeError, ValueError):
        return a == b


def is_equivalent(mutant: Mutant, reference: dict) -> bool:
    """True when the mutant's results (and its effect on its arguments) equal the reference's on every probe."""
    namespace = dict(reference)
    try:
        exec(compile(mutant.source, f"mutant {mutant.name}", "exec"), namespace)
    except Exception:  # noqa: BLE001
        return False
    for args, kwargs, seed in PROBES[mutant.function]():
        if not _same(_outcome(namespace[mutant.function], args, kwargs, seed),
                     _outcome(reference[mutant.function], args, kwargs, seed)):
            return False
    return True


def mutant_notebooks(mutants: list[Mutant], base: NotebookNode) -> list[tuple[str, NotebookNode, list[Mutant]]]:
    """Pack mutants into submissions holding at most one mutant per function.

    Every test cell tests its own function in isolation (the others answer from
    the key), so mutants of different functions in one notebook cannot affect
    each other's cells; packing cuts the number of notebooks to the largest
    number of mutants of any one function.
    """
    by_function: dict[str, list[Mutant]] = {}
    for mutant in mutants:
        by_function.setdefault(mutant.function, []).append(mutant)
    packed = []
    for index in range(max((len(v) for v in by_function.values()), default=0)):
        nb = copy.deepcopy(base)
        cells = notebooks.solution_cells(nb)
        chosen = [group[index] for group in by_function.values() if index < len(group)]
        for mutant in chosen:
            cells[mutant.function].source = mutant.source
        packed.append((f"mutants-{index + 1:03d}", nb, chosen))
    return packed
