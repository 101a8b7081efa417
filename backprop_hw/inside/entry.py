"""The first code that runs inside a sandbox, before any student code: standard library only.

bubblewrap starts `python entry.py --nproc N --inbox DIR --workdir DIR --seed DIR -- COMMAND...`
(this file, from the one folder of backprop_hw that the sandbox mounts).
This caps the processes (RLIMIT_NPROC, counted in the sandbox's own user namespace),
copies the submission's staged files into the private working copy, seeds
matplotlib's font cache (so no kernel rebuilds it, or warns on stderr), then
becomes COMMAND: a Python kernel or this folder's fork server in this very process
(no second interpreter to start), anything else by exec.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys


def copy_in(inbox: str, workdir: str) -> None:
    """The working copy: what the grader staged (regular files only), writable, in the sandbox's /tmp."""
    os.makedirs(workdir, exist_ok=True)
    if inbox and os.path.isdir(inbox):
        shutil.copytree(inbox, workdir, dirs_exist_ok=True, symlinks=True)
    os.chdir(workdir)


def set_up_home(seed: str) -> None:
    """A fresh, writable HOME in the sandbox's /tmp, with matplotlib's font list copied from `seed`."""
    home = os.environ.get("HOME", "/tmp/home")
    mpl_config = os.environ.get("MPLCONFIGDIR", os.path.join(home, ".matplotlib"))
    os.makedirs(mpl_config, exist_ok=True)
    if seed and os.path.isdir(seed):
        for name in os.listdir(seed):
            if name.startswith("fontlist-") and name.endswith(".json"):
                shutil.copyfile(os.path.join(seed, name), os.path.join(mpl_config, name))


def main(argv: list[str]) -> None:
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    settings = dict(zip(options[0::2], options[1::2]))
    nproc = int(settings["--nproc"])
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    set_up_home(settings.get("--seed", ""))
    copy_in(settings.get("--inbox", ""), settings["--workdir"])
    here = os.path.dirname(os.path.abspath(__file__))
    same_python = len(command) >= 2 and os.path.realpath(command[0]) == os.path.realpath(sys.executable)
    if same_python and command[1:3] == ["-m", "ipykernel_launcher"]:
        sys.argv = [command[2]] + command[3:]
        del sys.path[0]  # this script's folder; a kernel's path starts as `python -m` leaves it
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        return
    if same_python and os.path.realpath(command[1]) == os.path.realpath(os.path.join(here, "forkserver.py")):
        sys.argv = command[1:]
        import runpy

        runpy.run_path(command[1], run_name="__main__")
        return
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
