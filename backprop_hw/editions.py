"""Translated editions of the assignment, generated from the English source.

The English notebook is the single source of truth for code. An edition is
built from it and a translation file (`editions/<language>.json`):

- every markdown cell is replaced by its translation (by cell id);
- in code cells, only comments and prose strings (docstrings, messages,
  labels: string tokens with a space or a non-ASCII letter) are replaced, token by token,
  by their translations; every other token is left exactly as it is.

So the two editions run the same code by construction, and
`same_code(english, edition)` checks it for any pair of notebooks.
"""

from __future__ import annotations

import copy
import io
import json
import tokenize
from pathlib import Path

from nbformat import NotebookNode

from backprop_hw import generated, notebooks, paths

EDITIONS_DIR = paths.REPO_ROOT / "editions"
NBGRADER_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "YOUR CODE HERE")


class TranslationError(ValueError):
    pass


def _is_prose(token: tokenize.TokenInfo) -> bool:
    if token.type == tokenize.COMMENT:
        return not any(marker in token.string for marker in NBGRADER_MARKERS) and "noqa" not in token.string
    # prose: a string with a space, or with a letter beyond ASCII (a translation of one word, "нулями");
    # one ASCII word ("W1", "iteration") is taken for code and must be the same in every edition
    return token.type == tokenize.STRING and (" " in token.string or not token.string.isascii())


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    # IPython magics are not Python: hide them from the tokenizer, keep them as they are
    masked = "\n".join("#" + line[1:] if line.startswith("%") else line for line in source.split("\n"))
    return list(tokenize.generate_tokens(io.StringIO(masked).readline))


def prose_tokens(source: str) -> list[str]:
    return [t.string for t in _tokens(source) if _is_prose(t) and not t.string.startswith("#matplotlib")]


def code_skeleton(source: str) -> list[tuple[int, str]]:
    """The code with comments and prose strings set aside: what two editions must share."""
    return [(t.type, "<prose>" if t.type == tokenize.STRING and _is_prose(t) else t.string)
            for t in _tokens(source) if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]


def _translate_code(source: str, strings: dict[str, str | None], missing: set[str]) -> str:
    lines = source.split("\n")
    # replace from the end so earlier positions stay valid
    for token in reversed([t for t in _tokens(source) if _is_prose(t)]):
        if token.string.startswith("#matplotlib"):
            continue
        translated = strings.get(token.string)
        if not translated:
            missing.add(token.string)
            continue
        (row, col), (end_row, end_col) = token.start, token.end
        before, after = lines[row - 1][:col], lines[end_row - 1][end_col:]
        lines[row - 1:end_row] = (before + translated + after).split("\n")
    return "\n".join(lines)


def extract(english: NotebookNode, previous: dict | None = None) -> dict:
    """A translation file for `english`: every markdown cell and prose token, with the
    translations already in `previous` kept and new ones set to null."""
    previous = previous or {"markdown": {}, "code": {}}
    markdown = {c.id: previous["markdown"].get(c.id) for c in english.cells if c.cell_type == "markdown"}
    code: dict[str, str | None] = {}
    for cell in english.cells:
        if cell.cell_type == "code":
            for text in prose_tokens(cell.source):
                code[text] = previous["code"].get(text)
    return {"markdown": markdown, "code": code, "insert_after": previous.get("insert_after", {})}


def build(english: NotebookNode, translation: dict, language: str) -> NotebookNode:
    """The edition: english with its prose replaced, marked as generated. Raises TranslationError
    naming what is missing."""
    edition = copy.deepcopy(english)
    missing_cells, missing_strings = [], set()
    for cell in edition.cells:
        if cell.cell_type == "markdown":
            text = translation["markdown"].get(cell.id)
            if not text:
                missing_cells.append(cell.id)
            else:
                cell.source = text
        elif cell.cell_type == "code":
            cell.source = _translate_code(cell.source, translation["code"], missing_strings)
    for after, inserted in reversed(list(translation.get("insert_after", {}).items())):
        position = next(i for i, cell in enumerate(edition.cells) if cell.id == after) + 1
        for offset, extra in enumerate(inserted):
            edition.cells.insert(position + offset, NotebookNode(cell_type="markdown", id=extra["id"], metadata={},
                                                                 source=extra["source"]))
    if missing_cells or missing_strings:
        raise TranslationError(
            f"the translation lacks {len(missing_cells)} markdown cells {missing_cells[:5]} and "
            f"{len(missing_strings)} code strings {sorted(missing_strings)[:5]}: run `backprop-hw edition extract`")
    return generated.mark_notebook(edition, f"source/{paths.ASSIGNMENT}/{paths.NOTEBOOK} and editions/{language}.json",
                                   f"backprop-hw edition build {language}")


def translate_module(source: str, translation: dict) -> str:
    missing: set[str] = set()
    result = _translate_code(source, translation["code"], missing)
    if missing:
        raise TranslationError(f"the translation lacks {len(missing)} strings of the helper module: {sorted(missing)[:5]}")
    return result


def load(language: str) -> dict:
    return json.loads((EDITIONS_DIR / f"{language}.json").read_text())


def save(language: str, translation: dict) -> Path:
    EDITIONS_DIR.mkdir(exist_ok=True)
    path = EDITIONS_DIR / f"{language}.json"
    path.write_text(json.dumps(translation, ensure_ascii=False, indent=1) + "\n")
    return path


def helper_module_source() -> str:
    return (paths.SOURCE_DIR / paths.ASSIGNMENT / "planar_utils.py").read_text()


def helper_module(translation: dict, language: str) -> str:
    """The edition's planar_utils.py: the English one with its prose translated, marked as generated."""
    return generated.mark_module(translate_module(helper_module_source(), translation),
                                 f"source/{paths.ASSIGNMENT}/planar_utils.py and editions/{language}.json",
                                 f"backprop-hw edition build {language}")


def extract_all(language: str) -> Path:
    """Refresh editions/<language>.json from the English notebook and helper module."""
    path = EDITIONS_DIR / f"{language}.json"
    previous = json.loads(path.read_text()) if path.exists() else None
    translation = extract(notebooks.read(paths.source_notebook()), previous)
    module_nb = NotebookNode(cells=[NotebookNode(cell_type="code", source=helper_module_source(), id="module")])
    translation["code"].update(extract(module_nb, {"markdown": {}, "code": (previous or {}).get("code", {})})["code"])
    return save(language, translation)


def edition_dir(language: str) -> Path:
    return paths.SOURCE_DIR / f"{paths.ASSIGNMENT}_{language}"


def build_all(language: str) -> list[Path]:
    """Write source/backprop_<language>/ (notebook and helper module) from the English source."""
    translation = load(language)
    folder = edition_dir(language)
    folder.mkdir(parents=True, exist_ok=True)
    notebook = build(notebooks.read(paths.source_notebook()), translation, language)
    notebooks.write(notebook, folder / paths.NOTEBOOK)
    module = folder / "planar_utils.py"
    module.write_text(helper_module(translation, language))
    return [folder / paths.NOTEBOOK, module]


def main(action: str, language: str) -> int:
    paths.check_repository()
    if action == "extract":
        path = extract_all(language)
        translation = json.loads(path.read_text())
        todo = sum(v is None for v in translation["markdown"].values()) + sum(v is None for v in translation["code"].values())
        print(f"{path.relative_to(paths.REPO_ROOT)}: {todo} texts still to translate")
        return 0
    try:
        written = build_all(language)
    except TranslationError as error:
        print(f"backprop-hw edition build {language}: {error}")
        return 1
    for path in written:
        print(f"wrote {path.relative_to(paths.REPO_ROOT)}")
    print(f"now: backprop-hw release {paths.ASSIGNMENT}_{language}")
    return 0


def translate_snippet(text: str, translation: dict) -> str:
    """A piece of English code (e.g. a catalogue change) as it reads in the edition; unchanged if
    it has no translated prose or is not tokenizable on its own."""
    try:
        return _translate_code(text, translation["code"], set())
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return text
