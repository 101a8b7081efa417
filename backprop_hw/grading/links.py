"""A submission's links and special files are never followed: not by nbgrader collect, autograde or backprop-hw.

A symbolic link handed in (or planted in the exchange's inbound folder, which every student can
write on a shared JupyterHub) could point at `source/` and be graded as the solution, or at any
file the grader can read. nbgrader follows links when it collects and when it autogrades. Here:

- `CollectWithoutLinks`, the course's exchange collector (`c.ExchangeFactory.collect` in
  nbgrader_config.py), copies regular files and folders only, and says what it left behind;
- `RefuseLinks`, the first step of autograde's sanitizing pass (plain nbgrader and backprop-hw
  alike), grades a notebook that is a link, or lies under one, as missing (an empty notebook:
  every test cell 0), removes from autograded/ whatever nbgrader copied through a link before a
  kernel can read it, and says so for that submission;
- `backprop-hw grade` refuses a file that is a link, and the workers ship links as links.

A folder reached through a link is never entered (os.walk does not follow them), so "outside its
folder" is only reachable through a link, and a link is refused wherever it points.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import ignore_patterns
from traitlets import Bool


def what_it_is(path: str | os.PathLike) -> str:
    """'' for a regular file or folder, else what it is, in words ("a symbolic link to ...")."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        return f"unreadable ({error.strerror})"
    if stat.S_ISLNK(mode):
        return f"a symbolic link (to {os.readlink(path)})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    kinds = {stat.S_ISFIFO: "a named pipe", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a device",
             stat.S_ISBLK: "a device"}
    return next((word for test, word in kinds.items() if test(mode)), "not a regular file")


def refused(folder: str | os.PathLike) -> dict[str, str]:
    """{path relative to folder: what it is} of every entry under folder that is not a regular file
    or folder, without following any link ("." when the folder itself is one)."""
    found = {}
    root = os.fspath(folder)
    if (top := what_it_is(root)) or not os.path.isdir(root):
        return {".": top or "missing"}
    for directory, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(directory, name)
            if what := what_it_is(path):
                found[os.path.relpath(path, root)] = what
    return found


def missing_notebook(why: str) -> nbformat.NotebookNode:
    """What stands for a notebook that was refused: an empty notebook (every test cell scores 0)
    whose metadata says why."""
    return nbformat.v4.new_notebook(metadata={"backprop_hw": {"refused": why}})


class CollectWithoutLinks(ExchangeCollect):
    """nbgrader's collect, copying regular files and folders only (set as c.ExchangeFactory.collect).
    A notebook of the assignment that was a link is collected as an empty notebook saying why, so
    that it is graded as missing (0), where nbgrader would skip a submission without a notebook."""

    def do_copy(self, src, dest, log=None):
        unsafe = refused(src)
        for relative, what in sorted(unsafe.items()):
            self.log.warning("Not collected: %s in %s is %s (links and special files are never followed)",
                             relative, src, what)
        if "." in unsafe:  # the whole submission is a link
            os.makedirs(dest, exist_ok=True)
        else:
            standard = ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                       max_file_size=self.coursedir.max_file_size, log=self.log)

            def ignore(directory: str, names: list[str]) -> list[str]:
                return sorted(set(standard(directory, names)) | {n for n in names if what_it_is(os.path.join(directory, n))})

            _check_size(self, Path(src))
            shutil.copytree(src, dest, ignore=ignore)  # (nothing left to follow: every link is ignored)
        released = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", self.coursedir.assignment_id))
        for notebook in sorted(p.name for p in released.glob("*.ipynb")):
            why = unsafe.get(notebook) or (unsafe.get(".") and f"in a submission folder that is {unsafe['.']}")
            if why and not os.path.exists(os.path.join(dest, notebook)):
                nbformat.write(missing_notebook(f"{notebook} was {why}: links are never followed"),
                               os.path.join(dest, notebook))
        self._groupshared(dest)

    def _groupshared(self, dest: str) -> None:
        """What nbgrader's do_copy does after copying, for a group-shared course: folders ug+rwx, files ug+rw."""
        if not self.coursedir.groupshared:
            return
        for dirname, _, filenames in os.walk(dest):
            self._at_least(dirname, 0o2770, 0o2777)
            for filename in filenames:
                self._at_least(os.path.join(dirname, filename), 0o660, 0o777)

    def _at_least(self, path: str, mode: int, mask: int) -> None:
        st_mode = os.stat(path).st_mode
        if st_mode & mode != mode:
            try:
                os.chmod(path, (st_mode | mode) & mask)
            except PermissionError:
                self.log.warning("Could not update permissions of %s to make it groupshared", path)


def _check_size(exchange: ExchangeCollect, source: Path) -> None:
    """nbgrader's limit on a submission's size (CourseDirectory.max_dir_size, in kB)."""
    size = exchange.get_size(str(source))
    if size > 1000 * exchange.coursedir.max_dir_size:
        exchange.log.error("Directory size is too big")
        raise RuntimeError(f"Directory size is too big. Size is {size}, maximum size is "
                           f"{1000 * exchange.coursedir.max_dir_size}")


class RefuseLinks(Preprocessor):
    """First step of autograde's sanitizing pass: what came through a link is graded as missing.

    nbgrader has read the notebook (following a link) and copied the submission's other files into
    autograded/ (following links) before this runs; nothing has executed yet. A notebook that is a
    link, or lies in a folder that is one, becomes an empty notebook: every test cell scores 0. A
    file nbgrader copied through a link is removed from autograded/. Each is logged, and
    `backprop-hw` lists it among the submission's notes."""

    enabled = Bool(True)  # nbconvert's preprocessors are off unless enabled

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        converter = getattr(self.parent, "parent", None)
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is None or "student" not in info:
            return nb, resources
        student, assignment = info["student"], info["assignment"]
        submitted = coursedir.format_path(coursedir.submitted_directory, student, assignment)
        autograded = coursedir.format_path(coursedir.autograded_directory, student, assignment)
        unsafe = refused(submitted)
        notebook = info["notebook"] + ".ipynb"
        notes = []
        for relative, what in sorted(unsafe.items()):
            if relative in (".", notebook):
                note = (f"{'the submission folder' if relative == '.' else notebook} is {what}: "
                        "links are never followed, the notebook is graded as missing")
                nb = missing_notebook(note)
                notes.append(note)
                continue
            copied = os.path.join(autograded, relative)
            if os.path.lexists(copied) and not os.path.isdir(copied):
                os.remove(copied)
            notes.append(f"{relative} is {what}: links and special files are never followed, left out")
        if refusal := nb.get("metadata", {}).get("backprop_hw", {}).get("refused"):  # refused at collect
            notes.append(f"{refusal}, and was collected as an empty notebook")
        if notes:
            if isinstance(getattr(converter, "refusals", None), dict):  # `backprop-hw` reports them
                converter.refusals[student] = notes
            self.log.warning("%s: %s", student, "; ".join(notes))
        return nb, resources
