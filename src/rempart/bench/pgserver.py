"""A throwaway PostgreSQL server from the machine's binaries (Debian's ``postgresql``), for
benchmarks and tests.

Started in a temporary folder on a free loopback port with trust authentication and ``fsync``
off (nothing in it outlives the run), stopped and deleted afterwards. As root it runs as the
``postgres`` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import getpass
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rempart.errors import ConfigError


def postgres_bindir() -> Path | None:
    """Where ``pg_ctl`` and ``initdb`` are, newest version first; None when PostgreSQL is not
    installed."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def temporary_postgres(extra_options: str = "") -> Iterator[str]:
    """Start a server and yield its SQLAlchemy URL (database ``postgres``); ConfigError if not
    installed."""
    bindir = postgres_bindir()
    if bindir is None:
        raise ConfigError("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="rempart-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    user = "postgres" if as_user else getpass.getuser()
    port = free_port()
    try:
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                user,
                "--auth=trust",
                "-E",
                "UTF8",
            ],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        options = f"{options} {extra_options}".strip()
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(root / "log"),
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)
