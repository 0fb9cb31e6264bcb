"""A real PostgreSQL server for the tests: initdb and pg_ctl from the machine's PostgreSQL
binaries, on a free 127.0.0.1 port, in a temporary folder, stopped when the run ends."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# The binaries a Debian PostgreSQL package installs (no PATH entry); PG_BIN overrides.
_CANDIDATES = ((Path("/usr/lib/postgresql"), "*/bin"), (Path("/usr/local"), "pgsql/bin"))


def postgres_bin() -> Path:
    """The folder holding initdb and pg_ctl; a clear error when there is none."""
    wanted = os.environ.get("PG_BIN")
    if wanted:
        return Path(wanted)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    for base, pattern in _CANDIDATES:
        for folder in sorted(base.glob(pattern), reverse=True):  # the newest version first
            if (folder / "pg_ctl").exists():
                return folder
    raise RuntimeError(
        "the tests need PostgreSQL's server binaries (initdb, pg_ctl): install postgresql "
        "(Debian: apt install postgresql) or set PG_BIN to their folder"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user() -> dict[str, Any]:
    """initdb refuses to run as root: as root, the server runs as 'nobody'."""
    if os.geteuid() != 0:
        return {}
    return {"user": 65534, "group": 65534, "extra_groups": []}


def running_postgres() -> Iterator[str]:
    """Start a throwaway server and yield its URL; stopped and deleted afterwards."""
    binaries = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="article-bot-pg-"))
    data = folder / "data"
    run_as = _as_server_user()
    if run_as:
        os.chown(folder, 65534, 65534)
    port = _free_port()
    subprocess.run(
        [binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
         "--no-sync"],
        check=True, capture_output=True, timeout=120, **run_as,
    )  # fmt: skip
    options = (
        f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    )
    subprocess.run(
        [binaries / "pg_ctl", "-D", data, "-o", options, "-l", folder / "server.log", "-w",
         "-t", "60", "start"],
        check=True, capture_output=True, timeout=120, **run_as,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            capture_output=True, timeout=60, check=False, **run_as,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """A new empty database on the server at ``url``; returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"
