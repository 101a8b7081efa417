"""Flag code that tampers with grading, for an instructor to look at.

The hidden tests run in the grader, where nothing in a notebook can reach them, so
no grade depends on this scan: it is a hint that a notebook is worth reading (code
that detects the grader can still be right only when graded; see the README: what
is and is not protected). It reads every code cell of the submission, as IPython
would run it, and
names what honest solutions to this assignment never do: changing NumPy's
functions, looking for the grader, importing the grader's package, ending its
own process, touching files beyond its folder, overriding error display,
catching AssertionError, running code built from strings, defining __eq__ or a
NumPy array subclass. A flag is a reason to read the notebook, not a verdict;
a determined student can hide from any scan.
"""

from __future__ import annotations

import ast
import re

from nbformat import NotebookNode

from backprop_hw.notebooks import nbgrader_meta, python_of

NUMPY_NAMES = {"np", "numpy"}
EXITS = {("sys", "exit"), ("os", "_exit"), ("os", "kill"), ("os", "abort"), ("os", "killpg")}
FILE_CALLS = {"open", "listdir", "remove", "unlink", "rmtree", "rmdir", "rename", "scandir", "walk", "glob",
              "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "chdir"}
SHELL_CALLS = {"system", "getoutput", "popen"}  # os.system, os.popen, and what IPython makes of `!cmd`
DISPLAY_HOOKS = {"showtraceback", "set_custom_exc", "excepthook", "_showtraceback", "showsyntaxerror"}
DYNAMIC = {"exec", "eval", "compile", "__import__"}
TRACING = {"settrace", "setprofile", "_settraceallthreads"}  # the loop-over-examples test counts lines
GRADER_WORDS = re.compile(r"NBGRADER\w*|nbgrader|backprop_hw|gradebook|\.ipynb")


# IPython line magics an honest notebook uses; any other magic, and every cell magic, is flagged
HARMLESS_MAGICS = {"matplotlib", "time", "timeit"}


def _dotted(node: ast.AST) -> list[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return parts[::-1]


def _cell_flags(tree: ast.AST, numpy_names: set[str]) -> list[str]:
    flags: list[str] = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            path = _dotted(target) if isinstance(target, ast.Attribute) else []
            if path and path[0] in numpy_names:
                flags.append(f"changes {'.'.join(['numpy'] + path[1:])}")
            elif path and path[0] in ("builtins", "__builtins__"):
                flags.append(f"changes Python's builtin {path[-1]}")
            elif path and path[-1] in DISPLAY_HOOKS:
                flags.append(f"overrides error display ({'.'.join(path)})")
        if isinstance(node, ast.Call):
            path = _dotted(node.func)
            name = path[-1] if path else ""
            if name in ("setattr", "delattr") and node.args and _dotted(node.args[0])[:1] and \
                    _dotted(node.args[0])[0] in numpy_names | {"builtins", "__builtins__"}:
                flags.append(f"changes {'.'.join(_dotted(node.args[0]))} with {name}")
            if tuple(path[-2:]) in EXITS:
                flags.append(f"ends or signals its own process ({'.'.join(path)})")
            if name in DYNAMIC or path[:1] == ["importlib"]:
                flags.append(f"runs code built at run time ({'.'.join(path)})")
            if name in FILE_CALLS:
                flags.append(f"uses files or the shell ({'.'.join(path)})")
            if name in DISPLAY_HOOKS:
                flags.append(f"overrides error display ({'.'.join(path)})")
            if name == "displayhook":  # nbgrader would read the number as a test cell's score
                flags.append(f"publishes a cell result ({'.'.join(path)}), which nbgrader reads as a score")
            if tuple(path[-2:]) == ("events", "register"):  # code run around every cell, the test cells too
                flags.append(f"runs code around every cell ({'.'.join(path)})")
            if name in TRACING:
                flags.append(f"changes Python's tracing, which counts the lines a test runs ({'.'.join(path)})")
            if name in SHELL_CALLS:
                flags.append(f"runs shell commands ({'.'.join(path)})")
            if name in ("run_line_magic", "run_cell_magic") and node.args and isinstance(node.args[0], ast.Constant):
                magic = node.args[0].value
                if name == "run_cell_magic" or magic not in HARMLESS_MAGICS:
                    flags.append(f"uses the magic {'%%' if name == 'run_cell_magic' else '%'}{magic}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if isinstance(node, ast.ImportFrom) and {a.name for a in node.names} & TRACING:
                flags.append(f"changes Python's tracing, which counts the lines a test runs (from {node.module} import)")
            if any(m.split(".")[0] == "backprop_hw" for m in modules):
                flags.append("imports the grader's package backprop_hw")
            if any(m.split(".")[0] in ("subprocess", "ctypes", "signal", "shutil", "importlib", "builtins") for m in modules):
                flags.append(f"imports {', '.join(m for m in modules if m)}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            mention = GRADER_WORDS.search(node.value)
            if mention:
                flags.append(f"mentions {mention.group(0)!r} in a string")
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
            if caught & {"AssertionError", "BaseException"}:
                flags.append(f"catches {', '.join(sorted(caught & {'AssertionError', 'BaseException'}))}")
        if isinstance(node, ast.FunctionDef) and node.name in ("__eq__", "__ne__", "__array_ufunc__", "__array_function__"):
            flags.append(f"defines {node.name}")
        if isinstance(node, ast.ClassDef) and any("ndarray" in _dotted(base) for base in node.bases):
            flags.append(f"subclasses numpy.ndarray ({node.name})")
    return flags


def scan(nb: NotebookNode) -> list[str]:
    """One line per suspicious construct in the student's code: what, and in which cell."""
    numpy_names = set(NUMPY_NAMES)
    found: list[str] = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code":
            continue  # test cells too: their metadata is the student's to fake
        try:
            tree = ast.parse(python_of(cell.source))
        except Exception:  # noqa: BLE001  (a syntax error: the cell fails when it runs, and nbgrader says so)
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                numpy_names |= {a.asname or a.name for a in node.names if a.name == "numpy"}
        label = nbgrader_meta(cell).get("grade_id") or f"cell {number}"
        for flag in dict.fromkeys(_cell_flags(tree, numpy_names)):  # each once per cell, in order
            found.append(f"{flag} [{label}]")
    return found


def scan_file(path) -> list[str]:
    """scan() of the notebook at path; a file that cannot be read as a notebook has nothing to flag here."""
    import nbformat

    try:
        return scan(nbformat.read(str(path), as_version=4))
    except Exception:  # noqa: BLE001  (unreadable files get their own status elsewhere)
        return []
