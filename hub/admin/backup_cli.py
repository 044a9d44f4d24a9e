"""`hub backup FILE` and `hub restore FILE`: the database to a file and back.

A backup works while `hub serve` runs (pg_dump reads one consistent snapshot); a restore needs
the data folder (or external database) to itself, and an empty database unless --force.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from hub.admin.backup import (
    EMBEDDED_OWNER_ROLES,
    BackupError,
    check_dump,
    dump,
    empty_database,
    ensure_roles,
    find_tool,
    restore,
    server_major,
    user_tables,
)
from hub.cli_support import database
from hub.settings import Settings


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `backup` and `restore` to the `hub` command."""
    backup = commands.add_parser(
        "backup", help="write the whole database to a file (pg_dump custom format)"
    )
    backup.add_argument("file", type=Path, help="the backup file (replaced atomically)")
    backup.set_defaults(handler=run_backup)

    restoring = commands.add_parser(
        "restore", help="load a backup into a fresh data folder or an empty database"
    )
    restoring.add_argument("file", type=Path, help="a file written by `hub backup`")
    restoring.add_argument(
        "--force",
        action="store_true",
        help="replace everything the database holds (otherwise a non-empty one is refused)",
    )
    restoring.set_defaults(handler=run_restore)


def run_backup(settings: Settings, args: argparse.Namespace) -> int:
    """`hub backup FILE`, on the embedded database (a running hub's too) or HUB_DATABASE_URL."""
    try:
        with database(settings) as ready:
            size = asyncio.run(_backup(ready, args.file))
    except BackupError as error:
        print(f"hub: {error}", file=sys.stderr)
        return 1
    print(f"backup written to {args.file} ({size:,} bytes)")
    return 0


async def _backup(settings: Settings, file: Path) -> int:
    dsn = settings.migrate_dsn()
    pg_dump = find_tool("pg_dump", await server_major(dsn))
    return await asyncio.to_thread(dump, pg_dump, dsn, file)


def run_restore(settings: Settings, args: argparse.Namespace) -> int:
    """`hub restore FILE [--force]`; the embedded data folder must not be in use."""
    embedded = settings.database_url is None
    try:
        with database(settings, share=False) as ready:
            asyncio.run(_restore(ready, args.file.expanduser(), args.force, embedded))
    except BackupError as error:
        print(f"hub: {error}", file=sys.stderr)
        return 1
    print(f"restored {args.file}; check it with `hub audit verify`")
    return 0


async def _restore(settings: Settings, file: Path, force: bool, embedded: bool) -> None:
    dsn = settings.migrate_dsn()
    pg_restore = find_tool("pg_restore", await server_major(dsn))
    await asyncio.to_thread(check_dump, pg_restore, file)
    tables = await user_tables(dsn)
    if tables and not force:
        raise BackupError(
            f"the database already holds {tables} tables: restore into a fresh HUB_DATA_DIR "
            "(or an empty database), or pass --force to replace everything in it"
        )
    if tables:
        await empty_database(dsn)
    if embedded:
        await ensure_roles(dsn, EMBEDDED_OWNER_ROLES)
    await asyncio.to_thread(restore, pg_restore, dsn, file)
