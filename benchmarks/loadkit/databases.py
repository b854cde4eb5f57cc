"""Throwaway databases: a private database on an existing PostgreSQL server, a PostgreSQL
server of our own in a temporary folder (for tests that stop and restart it), or a SQLite file.

Nothing here touches the machine's shared server beyond creating and dropping a database with
a random name on it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from oko.db import normalise_url

#: Longest wait for a server to start or stop.
SERVER_TIMEOUT_SECONDS = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_conninfo(url: str) -> str:
    parsed = make_url(normalise_url(url))
    return parsed.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )


@contextmanager
def private_database(server_url: str, prefix: str = "oko_load") -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_conninfo(server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(admin_conninfo(server_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's binaries (Debian layout), or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parents[1].name.split(".")[0]),
    )
    return Path(found[-1]).parent if found else None


class TemporaryPostgres:
    """A PostgreSQL server of our own: ``initdb`` in a temporary folder, a spare port.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system
    user (``runuser``), owning its folder. ``crash_restart`` stops it the hard way (like a
    power cut: no shutdown checkpoint) and starts it again, which replays the write-ahead log.
    """

    def __init__(self, bin_dir: Path | None = None) -> None:
        found = bin_dir or postgres_bin_dir()
        if found is None:
            raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
        self.bin_dir = found
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="oko-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [*self._as_user, str(self.bin_dir / args[0]), *args[1:]]
        subprocess.run(
            command, check=True, capture_output=True, timeout=SERVER_TIMEOUT_SECONDS, cwd="/"
        )

    def init(self) -> TemporaryPostgres:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c fsync=on -c synchronous_commit=on"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def crash_restart(self, down_seconds: float = 1.0) -> None:
        """Stop without a clean shutdown, stay down a moment, start again (WAL recovery)."""
        self.stop("immediate")
        time.sleep(down_seconds)
        self.start()

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> TemporaryPostgres:
        self.init()
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.remove()


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'oko.db'}"
