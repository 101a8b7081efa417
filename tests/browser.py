"""What the browser tests drive: Debian's Chromium through Playwright, and a real Jupyter server
(JupyterLab 4 and Notebook 7, with nbgrader's extensions) started on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from jupyter_server.services.contents.fileio import path_to_intermediate

from backprop_hw import localhost, paths

INSTALL_HINT = ("the browser tests need Debian's Chromium: sudo apt-get install chromium "
                "(./run.sh test installs it where it can; BACKPROP_HW_CHROMIUM names another Chromium)")
# Where the tests leave what the student and the instructor saw; the README shows two of them,
# copied to docs/images/.
SCREENSHOTS = paths.REPO_ROOT / "build" / "screenshots"

# Generous: a cold JupyterLab on a busy 2-core machine takes several seconds to draw a notebook,
# and Validate runs the whole notebook on the server. A timeout here only bounds a hung test.
UI_TIMEOUT_MS = 120_000
RUN_ALL_TIMEOUT_MS = 600_000


def chromium() -> str | None:
    """The Chromium to drive: BACKPROP_HW_CHROMIUM, else Debian's `chromium` on PATH."""
    named = os.environ.get("BACKPROP_HW_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class JupyterServer:
    base: str
    token: str
    root: Path

    def url(self, path: str) -> str:
        """The address of a page of this server (path from its base, e.g. "lab/tree/x.ipynb")."""
        return f"{self.base}/{path}{'&' if '?' in path else '?'}token={self.token}"


@contextmanager
def jupyter_server(root: Path, scratch: Path) -> Iterator[JupyterServer]:
    """`jupyter lab` serving root, on a free port of 127.0.0.1 with a random token, with its own
    Jupyter config folder in scratch (so no one's ~/.jupyter changes what the test sees); stopped at
    the end. The current folder is root, where nbgrader looks for nbgrader_config.py."""
    config = scratch / "jupyter-config"
    # JupyterLab's "notified about Jupyter news?" toast would cover the notebook in screenshots.
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(scratch / "jupyter-runtime"),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    port, token = localhost.free_port(), secrets.token_hex(16)
    log = (scratch / "jupyter-server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.ip={localhost.HOST}",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    served = JupyterServer(f"http://{localhost.HOST}:{port}", token, root)
    try:
        deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"jupyter lab ended (exit {server.returncode}): see {log.name}")
            try:
                urllib.request.urlopen(served.url("api/status"), timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not answer within {UI_TIMEOUT_MS // 1000} s: see {log.name}")
                time.sleep(0.2)
        yield served
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def screenshot(page, name: str) -> Path:
    """Save what the page shows now as build/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# --- a notebook in JupyterLab or Notebook 7 (the same document widgets, so the same selectors) ---

def open_notebook(page, server: JupyterServer, name: str, front_end: str = "lab") -> None:
    """Open root/name in JupyterLab (front_end "lab") or Notebook 7 ("notebook") and wait until its
    kernel is idle."""
    page.goto(server.url(f"lab/tree/{name}" if front_end == "lab" else f"notebooks/{name}"))
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=UI_TIMEOUT_MS)
    wait_for_idle_kernel(page)


def wait_for_idle_kernel(page) -> None:
    # The toolbar's kernel status circle says "Kernel status: Idle" in its title once the kernel is up.
    page.wait_for_selector(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=UI_TIMEOUT_MS)


def restart_and_run_all(page) -> None:
    """The toolbar's "Restart the kernel and run all cells", confirmed, on a notebook just opened;
    returns when the run is over: every code cell has run (its prompt shows a number), or a cell
    raised (Run All stops there) and none is still queued."""
    page.get_by_title("Restart the kernel and run all cells").first.click()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
            const raised = [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                .some(output => output.innerText.includes('Traceback'));
            return prompts.length > 0 && !prompts.some(text => text.includes('*'))
                && (raised || prompts.every(text => /\\[\\d+\\]/.test(text)));
        }""", timeout=RUN_ALL_TIMEOUT_MS)
    wait_for_idle_kernel(page)


def stderr_outputs(page) -> list[str]:
    """The text of every output on stderr: tracebacks (JupyterLab shows an exception this way too)
    and warnings."""
    return page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()


def save(page, path: Path) -> None:
    """Save the notebook (Ctrl+S, as a student does) and wait until the file on disk is rewritten
    whole: Jupyter's atomic writing copies the file aside (`path_to_intermediate`) before it writes
    it in place, and removes the copy once done (before that, the file may be cut short, or empty)."""
    before = path.stat().st_mtime_ns
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while path.stat().st_mtime_ns == before or os.path.exists(path_to_intermediate(str(path))):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} was not saved within {UI_TIMEOUT_MS // 1000} s")
        time.sleep(0.1)


def validate(page) -> str:
    """Press nbgrader's Validate button; the text of the result dialog (left open)."""
    page.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=UI_TIMEOUT_MS)
    page.wait_for_function(
        "() => { const d = document.querySelector('.jp-Dialog'); return d && !/Validating/i.test(d.innerText); }",
        timeout=RUN_ALL_TIMEOUT_MS)
    return dialog.inner_text()


# --- nbgrader's formgrader (Bootstrap pages: each action answers in a #success-modal or #error-modal) ---

def formgrader_action(page, row, icon: str) -> str:
    """Click the action of a formgrader table row shown by the glyphicon `icon` (e.g.
    "glyphicon-education": generate), wait for its result dialog and close it; the dialog's text.
    An error dialog fails with its text (the log of the nbgrader command behind it)."""
    row.locator(f".{icon}").click()
    dialog = page.locator("#success-modal, #error-modal").first
    dialog.wait_for(state="visible", timeout=RUN_ALL_TIMEOUT_MS)
    text, succeeded = dialog.inner_text(), dialog.get_attribute("id") == "success-modal"
    dialog.locator("button.close").first.click()
    dialog.wait_for(state="detached")
    assert succeeded, f"the formgrader's {icon} failed:\n{text}"
    return text
