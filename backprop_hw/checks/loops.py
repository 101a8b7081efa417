"""Reading a vectorized function's source, as the grader has it, for a Python loop over the examples.

The loop-over-examples tests must keep their verdict whatever the kernel does (it can turn Python's
tracing off, or fake the line count), so the grader decides them first from what it can see itself:
the notebook's code cells that ran before the test cell, as IPython runs them. It finds the tested
function, every function of the notebook that function can reach (the answer key's stand-ins
excepted: they run in its place during the test), and looks in their code for

- a `for` loop or comprehension whose length depends on the examples: one over `range(m)`,
  `X.T`, `zip(X.T, Y.T)`, ... (loops over literals, dicts and `.shape`, and over rows of the
  inputs, such as `for name in ["W1", "b1"]`, are not loops over the examples);
- a `while` loop, and a call that loops in Python over its argument (`map`, `sum(X.T)`,
  `np.vectorize`, `np.apply_along_axis`, ...) when that argument depends on the examples;
- recursion, through the function itself or its helpers.

Code the grader cannot read with certainty, in the functions it reads, fails the reading as well:
code built from strings (`exec`, `eval`, `compile`, `getattr`), Python's tracing and frames
(`sys.settrace`, `sys._getframe`, `.f_trace`), the interpreter's module table, IPython's cell
machinery, a module of the student's own, and a tested function defined otherwise than by a `def`
or an assignment the grader can read. Honest solutions never do any of this (tests/test_checks.py
reads the whole catalogue), and each of those could hide a loop from the reading or from a count.
Code elsewhere in the notebook is not the function's: it cannot change this reading (what it does
to the kernel can only change the kernel's answers, which the checks judge).

Deterministic and static: no timing, no execution.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass

from backprop_hw.notebooks import python_of

# Calls that run Python once per item of an argument (its position), besides `for` loops.
ITERATING_BUILTINS = {"map": slice(1, None), "filter": slice(1, None), "sum": slice(0, 1), "min": slice(0, 1),
                      "max": slice(0, 1), "any": slice(0, 1), "all": slice(0, 1), "sorted": slice(0, 1),
                      "list": slice(0, 1), "tuple": slice(0, 1), "set": slice(0, 1), "frozenset": slice(0, 1),
                      "dict": slice(0, 1), "iter": slice(0, 1), "enumerate": slice(0, 1), "zip": slice(0, None),
                      "reversed": slice(0, 1), "reduce": slice(1, 2), "starmap": slice(1, 2), "accumulate": slice(0, 1)}
# NumPy functions that call Python code per element or step through an array in Python.
NUMPY_PER_ELEMENT = {"vectorize", "frompyfunc", "apply_along_axis", "apply_over_axes", "fromiter", "nditer",
                     "ndenumerate", "ndindex", "fromfunction"}
# Calls and modules that run code the grader cannot read, or change how Python runs it.
DYNAMIC_CALLS = {"exec", "eval", "compile", "__import__", "globals", "locals", "vars", "getattr", "setattr",
                 "delattr", "breakpoint", "get_ipython"}
DYNAMIC_ATTRIBUTES = {"settrace", "setprofile", "monitoring", "_getframe", "_current_frames", "f_trace",
                      "f_trace_lines", "f_back", "f_globals", "f_locals", "f_code", "tb_frame", "gi_frame", "cr_frame",
                      "modules", "meta_path", "path_hooks", "user_ns", "user_global_ns", "events",
                      "input_transformers_post", "input_transformers_cleanup", "ast_transformers", "run_cell",
                      "run_cell_async", "register_magic_function", "set_custom_exc",
                      # the dunders that reach code, namespaces and frames (not __name__, __init__, ...)
                      "__code__", "__globals__", "__dict__", "__builtins__", "__closure__", "__subclasses__",
                      "__getattribute__", "__setattr__", "__delattr__", "__import__", "__loader__", "__spec__",
                      "__func__", "__defaults__", "__kwdefaults__", "__wrapped__", "__reduce__", "__reduce_ex__",
                      "__traceback__", "__bases__", "__mro__"}
DYNAMIC_MODULES = {"importlib", "ctypes", "inspect", "IPython", "builtins", "types", "gc", "_thread", "runpy", "code",
                   "codeop", "marshal", "pickle", "dill", "cloudpickle", "dis", "trace", "pdb", "bdb", "cffi",
                   "ipykernel", "zmq", "jupyter_client", "socket"}
# Calls on an object that run Python once per item of an argument (pool.map, itertools.starmap, ...).
ITERATING_METHODS = {"map", "starmap", "imap", "imap_unordered", "map_async", "starmap_async"}
COURSE_MODULES = {"planar_utils"}  # shipped with the assignment, overwritten from source/ at grading


@dataclass(frozen=True)
class Finding:
    message_key: str  # "loop_in_source" (a loop over the examples) or "source_unreadable"
    line: str  # the line of the notebook's code it is about
    why: str  # what was found, in code terms ("for i in range(X.shape[1])")


class _Unreadable(Exception):
    def __init__(self, node: ast.AST, why: str) -> None:
        self.node, self.why = node, why


def loop_over_examples(cells: list[str], name: str, example_arguments: tuple[str, ...],
                       stand_ins: frozenset[str] = frozenset(), positions: dict[str, int] | None = None) -> Finding | None:
    """The first loop over the examples (or reason the code cannot be read) in `name` as defined by
    the code cells `cells` and in the functions it reaches; None when there is none.

    `example_arguments` are the names, in the answer key's signature, of the arguments that carry
    the examples; `positions` gives each one's position (the student may name them otherwise);
    `stand_ins` are the graded functions the answer key replaces during the test."""
    sources, trees = [], []
    for source in cells:
        try:
            code = python_of(source)
            trees.append(ast.parse(code))
            sources.append(code)
        except (SyntaxError, ValueError):
            continue  # the kernel could not run it either
    reader = _Reader(trees, sources)
    try:
        return reader.find(name, example_arguments, positions or {}, stand_ins)
    except _Unreadable as unreadable:
        return Finding("source_unreadable", reader.line_of(unreadable.node), unreadable.why)


class _Reader:
    def __init__(self, trees: list[ast.Module], sources: list[str]) -> None:
        self.trees, self.sources = trees, sources
        self.extra_bindings: dict[str, list[ast.AST]] = {}
        self.lines = {id(tree): source.splitlines() for tree, source in zip(trees, sources)}
        self.tree_of: dict[int, ast.Module] = {}
        for tree in trees:
            for node in ast.walk(tree):
                self.tree_of[id(node)] = tree
        self._timed_code()
        self.bindings = self._top_level_bindings()
        # values the notebook binds to a name it computes (globals()[name] = value): any function may be one
        self.wildcards: list[ast.AST] = []
        self.rebinds_unreadably: ast.AST | None = None  # an exec of code built at run time, into the notebook
        self._dynamic_bindings()

    def line_of(self, node: ast.AST) -> str:
        tree = self.tree_of.get(id(node))
        number = getattr(node, "lineno", 0)
        if tree is None or not number:
            return ""
        lines = self.lines[id(tree)]
        return lines[number - 1].strip() if number <= len(lines) else ""

    # -- what a function does that the grader cannot read ------------------------------------------------

    def refuse_dynamic_code(self, function: ast.AST) -> None:
        """Code in a function read that could run code, or rebind names, where the grader cannot read it."""
        modules = {alias for tree in self.trees for alias in _imported(tree)}
        parents = {id(child): parent for parent in ast.walk(function) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(function):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for module in _modules_of(node):
                    if module.split(".")[0] in DYNAMIC_MODULES:
                        raise _Unreadable(node, f"import {module}")
                if isinstance(node, ast.ImportFrom) and any(a.name in DYNAMIC_ATTRIBUTES for a in node.names):
                    raise _Unreadable(node, f"from {node.module} import {', '.join(a.name for a in node.names)}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DYNAMIC_CALLS \
                    and not _by_a_name_written_out(node, parents):
                raise _Unreadable(node, f"{node.func.id}(...)")
            elif isinstance(node, ast.Attribute) and node.attr in DYNAMIC_ATTRIBUTES:
                raise _Unreadable(node, f".{node.attr}")
            elif isinstance(node, ast.Name) and node.id in ("__builtins__", "__loader__", "__spec__", "__import__"):
                raise _Unreadable(node, node.id)
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for target in targets:
                    for part in ast.walk(target):
                        if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) \
                                and part.value.id in modules:
                            raise _Unreadable(part, f"{part.value.id}.{part.attr} replaced")

    def _timed_code(self) -> None:
        """%time and %timeit run their text as code: it is read like a cell of its own."""
        for tree in list(self.trees):
            for statement in _top_level_statements(tree.body):
                call = statement.value if isinstance(statement, ast.Expr) else None
                if not (isinstance(call, ast.Call) and _is_magic_call(call) and call.func.attr == "run_line_magic"):
                    continue
                args = call.args
                if len(args) >= 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args[:2]) \
                        and args[0].value in ("time", "timeit"):
                    try:
                        text = python_of(args[1].value)
                        extra = ast.parse(text)
                    except (SyntaxError, ValueError):
                        continue
                    self._add_tree(extra, text)

    def _add_tree(self, tree: ast.Module, text: str) -> None:
        self.trees.append(tree)
        self.lines[id(tree)] = text.splitlines()
        for inner in ast.walk(tree):
            self.tree_of[id(inner)] = tree

    def _dynamic_bindings(self) -> None:
        """Names bound by code the notebook runs from strings, or by name at run time. Code given
        as a literal (exec("def f(): ...")) is read like a cell; a value bound to a name that is a
        literal counts as a binding of that name, one bound to a computed name as a binding of every
        name; an exec into the notebook's namespace of code built at run time cannot be read."""
        for tree in list(self.trees):
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _called_name(node) in ("exec", "eval", "compile", "run_cell"):
                    code = node.args[0] if node.args else None
                    if isinstance(code, ast.Constant) and isinstance(code.value, str):
                        try:
                            text = python_of(code.value)
                            self._add_tree(ast.parse(text), text)
                        except (SyntaxError, ValueError):
                            pass
                    elif _called_name(node) != "compile" and not _is_compile_of_literal(code) \
                            and _into_the_notebook(node):
                        self.rebinds_unreadably = self.rebinds_unreadably or node
                elif isinstance(node, (ast.Assign, ast.AugAssign)):
                    for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                        if isinstance(target, ast.Subscript) and _is_namespace(target.value):
                            self._bind(target.slice, node.value, node)
                elif isinstance(node, ast.Call) and _called_name(node) == "setattr" and len(node.args) == 3:
                    self._bind(node.args[1], node.args[2], node)
                elif isinstance(node, ast.Call) and _called_name(node) == "setdefault" and len(node.args) == 2 \
                        and isinstance(node.func, ast.Attribute) and _is_namespace(node.func.value):
                    self._bind(node.args[0], node.args[1], node)
                elif isinstance(node, ast.Call) and _called_name(node) in ("update", "push") \
                        and isinstance(node.func, ast.Attribute) and node.args \
                        and (_called_name(node) == "push" or _is_namespace(node.func.value)):
                    mapping = node.args[0]
                    if isinstance(mapping, ast.Dict):
                        for key, value in zip(mapping.keys, mapping.values):
                            if key is not None:
                                self._bind(key, value, node)
                    else:
                        self.wildcards.append(mapping)
        self.bindings = self._top_level_bindings()

    def _bind(self, key: ast.AST, value: ast.AST, where: ast.AST) -> None:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.extra_bindings.setdefault(key.value, []).append(ast.copy_location(ast.Expr(value), where))
        else:
            self.wildcards.append(value)

    def _top_level_bindings(self) -> dict[str, list[ast.AST]]:
        """{name: the statements that bind it at the top level of a cell}, in order (into if, try,
        with and loop blocks, not into functions and classes)."""
        found: dict[str, list[ast.AST]] = {}
        for tree in self.trees:
            for statement in _top_level_statements(tree.body):
                for bound in _bound_names(statement):
                    found.setdefault(bound, []).append(statement)
        for name, values in getattr(self, "extra_bindings", {}).items():
            found.setdefault(name, []).extend(values)
        return found

    # -- the tested function and what it reaches ---------------------------------------------------------

    def find(self, name: str, example_arguments: tuple[str, ...], positions: dict[str, int],
             stand_ins: frozenset[str]) -> Finding | None:
        functions = self._definitions_of(name)
        if not functions:  # the calls found it, so it was defined where the grader cannot read (exec, ...)
            raise _Unreadable(ast.Pass(), f"{name} is not defined by a `def` or an assignment in a cell")
        work: list[tuple[ast.AST, frozenset[str] | None]] = []
        for function in functions:
            parameters = _parameters(function)
            tainted = frozenset(parameters[positions[a]] for a in example_arguments
                                if a in positions and positions[a] < len(parameters))
            if not positions:
                tainted = frozenset(a for a in example_arguments if a in parameters)
            work.append((function, tainted))
        seen: set[int] = set()
        calls: dict[str, set[str]] = {}
        while work:
            function, tainted = work.pop()
            if id(function) in seen:
                continue
            seen.add(id(function))
            self.refuse_dynamic_code(function)
            finding = self._loop_in(function, tainted)
            if finding is not None:
                return finding
            own = getattr(function, "name", "")
            for used in _names_used(function):
                if used in stand_ins and used != name:
                    continue  # the answer key runs in its place
                for binding in self.bindings.get(used, []):
                    if isinstance(binding, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                        calls.setdefault(own, set()).add(used)
                        work.append((binding, None))
                    elif isinstance(binding, ast.ClassDef):
                        work += [(method, None) for method in binding.body
                                 if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))]
                    elif isinstance(binding, (ast.Import, ast.ImportFrom)):
                        self._library(binding, used)
                    else:  # an assignment: the functions its value reaches
                        calls.setdefault(own, set()).add(used)
                        work.append((_as_function(binding, used), None))
        cycle = _cycle(calls, name)
        if cycle:
            node = functions[0]
            return Finding("loop_in_source", self.line_of(node), "it calls itself: " + " → ".join(cycle))
        return None

    def _definitions_of(self, name: str) -> list[ast.AST]:
        if self.rebinds_unreadably is not None:
            raise _Unreadable(self.rebinds_unreadably, "code built at run time, executed in the notebook's namespace")
        definitions = [_as_function(ast.copy_location(ast.Expr(value), value), name) for value in self.wildcards]
        for binding in self.bindings.get(name, []):
            if isinstance(binding, (ast.FunctionDef, ast.AsyncFunctionDef)):
                definitions.append(binding)
            elif isinstance(binding, (ast.Import, ast.ImportFrom)):
                self._library(binding, name)
            else:
                definitions.append(_as_function(binding, name))
        return definitions

    def _library(self, node: ast.AST, name: str) -> None:
        """A name the function uses, bound by an import: a library's code is not the student's,
        unless the module is one the grader's environment does not have (written by the notebook)."""
        for module in _modules_of(node):
            top = module.split(".")[0]
            if top in COURSE_MODULES or top in sys.stdlib_module_names:
                continue
            try:
                found = importlib.util.find_spec(top)
            except (ImportError, ValueError):
                found = None
            if found is None or not (found.origin or "").startswith(tuple({sys.prefix, sys.base_prefix})):
                raise _Unreadable(node, f"import {module} (a module that is not installed)")

    # -- one function -----------------------------------------------------------------------------------

    def _loop_in(self, function: ast.AST, tainted: frozenset[str] | None) -> Finding | None:
        """A loop over the examples in `function`; `tainted` None: every parameter may hold them."""
        taint = _Taint(function, tainted)
        for node in ast.walk(function):
            if isinstance(node, ast.While):
                return Finding("loop_in_source", self.line_of(node), "a while loop")
            if isinstance(node, (ast.For, ast.AsyncFor)) and taint.loops_over_examples(node.iter):
                return Finding("loop_in_source", self.line_of(node), f"{_text(node.iter)} grows with m")
            if isinstance(node, ast.comprehension) and taint.loops_over_examples(node.iter):
                return Finding("loop_in_source", self.line_of(node.iter), f"{_text(node.iter)} grows with m")
            if isinstance(node, ast.Call) and (what := taint.iterating_call(node)):
                return Finding("loop_in_source", self.line_of(node), f"{what} runs Python once per item")
        return None


class _Taint:
    """Which names of a function may hold the examples (or a number or list that grows with them)."""

    def __init__(self, function: ast.AST, tainted: frozenset[str] | None) -> None:
        parameters = _parameters(function)
        self.parameters = set(parameters)
        self.names = set(parameters if tainted is None else tainted)
        # names that are an input as given (columns = examples): its rows, len and shape[0] do not grow with m
        self.inputs = set(self.names)
        self.literals: set[str] = set()  # names bound to a literal container, a dict or a shape only
        assignments = [n for n in ast.walk(function) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign,
                                                                        ast.NamedExpr, ast.For, ast.comprehension,
                                                                        ast.withitem))]
        for node in assignments:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                self._note_plain(node.targets[0], node.value)
        changed = True
        while changed:
            changed = False
            for node in assignments:
                value, targets = _value_and_targets(node)
                if value is not None and self.depends(value):
                    for target in targets:
                        for bound in _names_in_target(target):
                            if bound not in self.names:
                                self.names.add(bound)
                                changed = True
        self.literals -= {n for n in self.literals if _assigned_more_than_once(function, n)}

    def _note_plain(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict, ast.DictComp, ast.Constant)) or (
                    isinstance(value, ast.Attribute) and value.attr == "shape"):
                self.literals.add(target.id)
            elif _is_input_projection(value, self.inputs):
                self.inputs.add(target.id)
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            for t, v in zip(target.elts, value.elts):
                self._note_plain(t, v)

    def depends(self, node: ast.AST) -> bool:
        """Whether the value of `node` may change with the number of examples."""
        if _is_size_of_rows(node, self.inputs):
            return False
        if isinstance(node, ast.Name):
            return node.id in self.names
        if isinstance(node, (ast.Lambda, ast.FunctionDef)):
            return False
        return any(self.depends(child) for child in ast.iter_child_nodes(node))

    def bounded(self, node: ast.AST) -> bool:
        """Whether iterating over `node` takes a number of steps that does not grow with the examples."""
        if isinstance(node, (ast.Constant, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.JoinedStr)):
            return True
        if isinstance(node, ast.Name):
            return node.id in self.literals or node.id in self.inputs or not self.depends(node)
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            return True
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp, ast.DictComp)):
            return all(self.bounded(generator.iter) for generator in node.generators)
        if isinstance(node, ast.Call):
            called = _called_name(node)
            if called in ("items", "keys", "values") and isinstance(node.func, ast.Attribute) and not node.args:
                return True
            if called == "range":
                return not any(self.depends(a) for a in node.args)
            if called == "zip":
                return any(self.bounded(a) for a in node.args)
            if called in ("enumerate", "reversed", "sorted", "list", "tuple", "set", "iter") and node.args:
                return self.bounded(node.args[0])
        return not self.depends(node)

    def loops_over_examples(self, iterable: ast.AST) -> bool:
        return not self.bounded(iterable)

    def iterating_call(self, node: ast.Call) -> str:
        """What a call does that loops over the examples in Python, or ''."""
        called = _called_name(node)
        on_object = isinstance(node.func, ast.Attribute)
        if on_object and called in ("vectorize", "frompyfunc"):  # a Python function made to run per element
            return f"{_text(node.func)}(...)"
        if on_object and called in NUMPY_PER_ELEMENT and any(self.depends(a) for a in node.args):
            return f"{_text(node.func)}(...)"
        if on_object and called in ITERATING_METHODS:
            iterated = node.args[1:]
        elif on_object and called in ("reduce", "accumulate") and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in ("functools", "itertools"):
            iterated = node.args[1:2] if called == "reduce" else node.args[:1]
        elif not on_object and called in ITERATING_BUILTINS:
            iterated = node.args[ITERATING_BUILTINS[called]]
        else:
            return ""
        if called == "zip":
            unbounded = bool(iterated) and not any(self.bounded(a) for a in iterated)
        else:
            unbounded = any(not self.bounded(a) for a in iterated)
        return f"{_text(node.func)}({', '.join(_text(a) for a in node.args)})" if unbounded else ""


# --- small readers ---------------------------------------------------------------------------------------

def _text(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 80 else text[:77] + "..."


def _called_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def _literal_name(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value not in DYNAMIC_ATTRIBUTES


def _by_a_name_written_out(call: ast.Call, parents: dict[int, ast.AST]) -> bool:
    """getattr(x, "name"), globals()["name"], globals().setdefault("name", v), ...: a namespace or an
    attribute reached by a name the code spells out, which reads like any name (a write of one is
    read as a binding of that name: _dynamic_bindings)."""
    called = call.func.id
    if called in ("getattr", "setattr", "delattr", "hasattr"):
        return len(call.args) >= 2 and _literal_name(call.args[1])
    if called not in ("globals", "vars", "locals") or (called == "vars" and call.args):
        return False
    parent = parents.get(id(call))
    if isinstance(parent, ast.Subscript):
        return _literal_name(parent.slice) or isinstance(parent.ctx, ast.Store)
    if isinstance(parent, ast.Attribute) and isinstance(grand := parents.get(id(parent)), ast.Call):
        if parent.attr in ("keys", "values", "items", "copy", "update"):
            return True
        return parent.attr in ("get", "setdefault", "pop") and bool(grand.args) and _literal_name(grand.args[0])
    return False


def _is_namespace(node: ast.AST) -> bool:
    """globals(), vars(), locals(), something.__dict__, something.user_ns: a namespace written by name."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "vars", "locals"):
        return True
    return isinstance(node, ast.Attribute) and node.attr in ("__dict__", "user_ns", "user_global_ns")


def _into_the_notebook(node: ast.Call) -> bool:
    """Whether an exec or eval may bind names in the notebook: no namespace of its own given."""
    namespaces = node.args[1:] + [k.value for k in node.keywords if k.arg in ("globals", "locals")]
    return not namespaces or any(_is_namespace(n) for n in namespaces)


def _is_compile_of_literal(node: ast.AST | None) -> bool:
    return (isinstance(node, ast.Call) and _called_name(node) == "compile" and bool(node.args)
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))


def _is_magic_call(node: ast.Call) -> bool:
    """get_ipython().run_line_magic(...) or run_cell_magic(...), as IPython writes %magic."""
    return isinstance(node.func, ast.Attribute) and node.func.attr in ("run_line_magic", "run_cell_magic")


def _is_input_projection(node: ast.AST, inputs: set[str]) -> bool:
    """An input as given: a name, or an entry of a dict argument (cache["A1"])."""
    if isinstance(node, ast.Name):
        return node.id in inputs
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in inputs
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str))


def _is_size_of_rows(node: ast.AST, inputs: set[str]) -> bool:
    """X.shape[0], np.shape(X)[0], len(X), X.ndim of an input as given: its rows, not its m columns."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == 0:
        base = node.value
        if isinstance(base, ast.Attribute) and base.attr == "shape":
            return _is_input_projection(base.value, inputs)
        if isinstance(base, ast.Call) and _called_name(base) == "shape" and len(base.args) == 1:
            return _is_input_projection(base.args[0], inputs)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1:
        return _is_input_projection(node.args[0], inputs)
    return isinstance(node, ast.Attribute) and node.attr in ("ndim", "dtype") and _is_input_projection(node.value, inputs)


def _parameters(function: ast.AST) -> list[str]:
    args = getattr(function, "args", None)
    if args is None:
        return []
    every = args.posonlyargs + args.args + ([args.vararg] if args.vararg else []) + args.kwonlyargs \
        + ([args.kwarg] if args.kwarg else [])
    return [a.arg for a in every]


def _value_and_targets(node: ast.AST) -> tuple[ast.AST | None, list[ast.AST]]:
    if isinstance(node, ast.Assign):
        return node.value, node.targets
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return node.value, [node.target]
    if isinstance(node, ast.NamedExpr):
        return node.value, [node.target]
    if isinstance(node, (ast.For, ast.comprehension)):
        return node.iter, [node.target]
    if isinstance(node, ast.withitem):
        return node.context_expr, [node.optional_vars] if node.optional_vars is not None else []
    return None, []


def _names_in_target(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def _assigned_more_than_once(function: ast.AST, name: str) -> bool:
    count = 0
    for node in ast.walk(function):
        _, targets = _value_and_targets(node)
        count += sum(name in _names_in_target(t) for t in targets)
    return count > 1


def _names_used(function: ast.AST) -> set[str]:
    """The global names a function (and the functions nested in it) reads: those it does not bind itself."""
    local = set(_parameters(function))
    declared_global: set[str] = set()
    for node in ast.walk(function):
        if node is not function and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            local |= set(_parameters(node))
            if not isinstance(node, ast.Lambda):
                local.add(node.name)
        elif isinstance(node, ast.Global):
            declared_global |= set(node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ClassDef):
            local.add(node.name)
        else:
            _, targets = _value_and_targets(node)
            for target in targets:
                local |= set(_names_in_target(target))
    local -= declared_global
    used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - local
    for decorator in getattr(function, "decorator_list", []):
        used |= {n.id for n in ast.walk(decorator) if isinstance(n, ast.Name)}
    return used


def _top_level_statements(body: list[ast.stmt]):
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            yield from _top_level_statements(statement.body + getattr(statement, "orelse", []))
        elif isinstance(statement, ast.Try):
            yield from _top_level_statements(statement.body + statement.orelse + statement.finalbody
                                             + [s for h in statement.handlers for s in h.body])


def _bound_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in statement.names]
    value, targets = _value_and_targets(statement)
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in statement.items if item.optional_vars is not None]
    return [name for target in targets for name in _names_in_target(target)]


def _as_function(statement: ast.stmt, name: str) -> ast.AST:
    """A binding that is not a def (`name = something`, a loop's target, `with ... as name`): read
    as a function whose body is the value bound, so that what that value reaches is read too."""
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        values = [item.context_expr for item in statement.items]
    elif isinstance(statement, ast.Expr):
        values = [statement.value]
    else:
        value, _ = _value_and_targets(statement)
        values = [value] if value is not None else []
    function = ast.FunctionDef(name=name, args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                                             kw_defaults=[], kwarg=None, defaults=[]),
                               body=[ast.Expr(v) for v in values] or [ast.Pass()], decorator_list=[], returns=None,
                               type_params=[])
    return ast.copy_location(function, statement)


def _imported(tree: ast.Module) -> dict[str, str]:
    """{name bound: module} of the imports in a cell (a module imported as a name, not its members)."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[(alias.asname or alias.name).split(".")[0]] = alias.name
    return found


def _modules_of(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if node.level == 0 else ["." * node.level + (node.module or "")]
    return []


def _cycle(calls: dict[str, set[str]], start: str) -> list[str]:
    """A path of calls from `start` back to a function on it, or []."""
    path: list[str] = []

    def visit(name: str) -> list[str]:
        if name in path:
            return path[path.index(name):] + [name]
        path.append(name)
        for callee in sorted(calls.get(name, ())):
            found = visit(callee)
            if found:
                return found
        path.pop()
        return []

    return visit(start)
