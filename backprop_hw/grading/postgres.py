"""A throw-away PostgreSQL server for the tests and the benchmark (a course uses its own server).

Debian's `postgresql` package provides the programs (`apt-get install postgresql`; its own
cluster need not run). `local_server()` makes a database cluster in a temporary folder with
`initdb`, starts it with `pg_ctl` on a free port of 127.0.0.1 only, with a random password, and
stops and deletes it on leaving. PostgreSQL refuses to run as root: as root, the programs run as
the package's `postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

from backprop_hw import localhost

INSTALL_HINT = "install PostgreSQL's programs: sudo apt-get install postgresql (Fedora: sudo dnf install postgresql-server)"
SERVICE_USER = "postgres"  # the system user Debian's package creates


class NoPostgres(RuntimeError):
    pass


def bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin (newest)."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_service_user() -> list[str]:
    """The command prefix that runs a PostgreSQL program: nothing, or (as root) setpriv to `postgres`."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise NoPostgres(f"running as root, PostgreSQL needs the system user {SERVICE_USER!r}; {INSTALL_HINT}") from None
    return ["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}", "--init-groups", "--"]


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """A running server; yields the SQLAlchemy URL of its `postgres` database, as its superuser."""
    programs = bin_dir()
    if programs is None:
        raise NoPostgres(f"initdb was not found; {INSTALL_HINT}")
    prefix = _as_service_user()
    # in the system's temporary folder, not pytest's: the service user must be able to reach it
    folder = Path(tempfile.mkdtemp(prefix="backprop-hw-postgres-"))
    data, sockets, password_file = folder / "data", folder / "sockets", folder / "password"
    sockets.mkdir()
    password = secrets.token_hex(16)
    password_file.write_text(password + "\n")
    if prefix:
        service = pwd.getpwnam(SERVICE_USER)
        for path in (folder, sockets, password_file):
            os.chown(path, service.pw_uid, service.pw_gid)
    port = localhost.free_port()

    def run(*command: str) -> None:
        done = subprocess.run(prefix + list(command), capture_output=True, text=True)
        if done.returncode != 0:
            raise NoPostgres(f"{Path(command[0]).name} failed (exit {done.returncode}): {(done.stdout + done.stderr).strip()[-2000:]}")

    try:
        run(str(programs / "initdb"), "-D", str(data), "--username=postgres", f"--pwfile={password_file}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--no-instructions")
        options = f"-c listen_addresses={localhost.HOST} -p {port} -k {sockets} -c fsync=off"  # fsync off: a test server
        run(str(programs / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start")
        try:
            yield f"postgresql+psycopg://postgres:{password}@{localhost.HOST}:{port}/postgres"
        finally:
            subprocess.run(prefix + [str(programs / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """Create database `name` on the server of server_url; its URL."""
    import psycopg

    if not name.replace("_", "").isalnum():
        raise ValueError(f"database name {name!r}: letters, digits and _ only")
    with psycopg.connect(server_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name
