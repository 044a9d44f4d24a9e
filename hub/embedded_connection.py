"""How a command reaches the embedded PostgreSQL that another hub process runs.

The process holding a data folder's lock (hub/embedded.py) writes `hub.connection` there once
its server is ready: the port and its own pid, readable by the folder's owner only. The
passwords already sit beside it in `postgres.password` (the owner role) and
`postgres.app-password` (the app role), also readable by the owner only: whoever may read
those may already connect, so the file gives no one a new right.

A command that finds the lock taken (a running `hub serve`) reads the file and connects to
that server instead of starting its own; the lock holder removes the file when it stops.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

CONNECTION_FILE = "hub.connection"
DATABASE = "hub"
ROLE = "hub"
APP_ROLE = "hub_app"
HOST = "127.0.0.1"


class NoRunningServer(RuntimeError):
    """The data folder is in use, but its holder offers no server to connect to."""


@dataclass(frozen=True)
class RunningServer:
    """The embedded server of another process: where it listens and with which passwords."""

    port: int
    pid: int
    password: str
    app_password: str

    @property
    def dsn(self) -> str:
        """The owner role's URL (migrations, restores, administration)."""
        return f"postgresql://{ROLE}:{self.password}@{HOST}:{self.port}/{DATABASE}"

    @property
    def app_dsn(self) -> str:
        """The app role's URL (what the hub serves with)."""
        return f"postgresql://{APP_ROLE}:{self.app_password}@{HOST}:{self.port}/{DATABASE}"


def write_connection_file(data_dir: Path, port: int) -> None:
    """Publish the running server's port (called by the lock holder, once the server is ready).

    Written under another name and renamed, so a reader never sees half a file; created with
    mode 0600, so it is never readable by others, not even for a moment."""
    path = data_dir / CONNECTION_FILE
    partial = path.with_name(f"{CONNECTION_FILE}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump({"host": HOST, "port": port, "database": DATABASE, "pid": os.getpid()}, out)
    partial.rename(path)


def remove_connection_file(data_dir: Path) -> None:
    """Withdraw it (the lock holder, when its server stops)."""
    with contextlib.suppress(FileNotFoundError):
        (data_dir / CONNECTION_FILE).unlink()


def _read(data_dir: Path) -> RunningServer | None:
    try:
        found = json.loads((data_dir / CONNECTION_FILE).read_text())
        return RunningServer(
            port=int(found["port"]),
            pid=int(found["pid"]),
            password=(data_dir / "postgres.password").read_text().strip(),
            app_password=(data_dir / "postgres.app-password").read_text().strip(),
        )
    except FileNotFoundError:
        return None
    except PermissionError as error:
        raise NoRunningServer(
            f"cannot read {error.filename}: run the command as the user that runs the hub"
        ) from None
    except (ValueError, KeyError, TypeError):
        return None  # being replaced, or left by an older hub: wait for the holder's own


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((HOST, port)) == 0


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (ours or another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(data_dir: Path, timeout: float = 60.0) -> RunningServer:
    """The server of the process holding `data_dir`, waiting up to `timeout` seconds for it to
    get ready: a `hub serve` that is still starting writes the file once its server is up, and
    the file is the only sign of that, so it is polled."""
    deadline = time.monotonic() + timeout
    while True:
        server = _read(data_dir)
        if server is not None and pid_alive(server.pid) and _listening(server.port):
            return server
        if time.monotonic() >= deadline:
            raise NoRunningServer(
                f"another hub process holds {data_dir} but offers no database to connect to "
                "(it may be starting or stopping); try again, or stop it"
            )
        time.sleep(0.1)
