"""The migration runner: plain SQL files applied in order, once, under an advisory lock."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from hub.schema_files import migrations_dir
from hub.store.db import Connection, Database

MIGRATIONS_DIR = migrations_dir()
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# An arbitrary constant: every hub process that migrates takes this same lock.
_LOCK_KEY = 0x48_55_42_4D_49_47  # "HUBMIG"


class MigrationError(RuntimeError):
    """The database and the migration files disagree."""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """A digest of the file, to notice a migration edited after it was applied."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Read every `NNNN_name.sql` file of `directory`, in order."""
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"migration file name must look like 0001_name.sql: {path.name}")
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a number")
    return migrations


async def _ensure_table(conn: Connection) -> None:
    # Looked up first: an app role without CREATE on the schema (deploy/roles.sql) may still
    # check that nothing is pending, and CREATE TABLE IF NOT EXISTS would need that right.
    if await conn.fetchval("SELECT to_regclass('schema_migration') IS NOT NULL"):
        return
    await conn.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migration (
            version     integer PRIMARY KEY,
            name        text NOT NULL,
            checksum    text NOT NULL,
            applied_at  timestamptz NOT NULL DEFAULT now()
        )
        """
    )


async def applied_migrations(conn: Connection) -> dict[int, str]:
    """Version -> checksum of every migration recorded in the database."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migration') IS NOT NULL")
    if not exists:
        return {}
    rows = await conn.fetch("SELECT version, checksum FROM schema_migration")
    return {row["version"]: row["checksum"] for row in rows}


async def pending_migrations(
    conn: Connection, migrations: list[Migration] | None = None
) -> list[Migration]:
    """Migrations on disk not yet applied; raises when an applied one was edited."""
    migrations = load_migrations() if migrations is None else migrations
    applied = await applied_migrations(conn)
    pending = []
    for migration in migrations:
        checksum = applied.get(migration.version)
        if checksum is None:
            pending.append(migration)
        elif checksum != migration.checksum:
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} was changed after it was "
                "applied; add a new migration instead of editing an applied one"
            )
    return pending


async def migrate(conn: Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply every pending migration, each in its own transaction; return their names."""
    migrations = load_migrations() if migrations is None else migrations
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await _ensure_table(conn)
        done = []
        for migration in await pending_migrations(conn, migrations):
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            done.append(f"{migration.version:04d}_{migration.name}")
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)


async def migrate_database(dsn: str) -> list[str]:
    """Connect to `dsn` (a role that may change the schema), apply every pending migration and
    disconnect; return their names."""
    admin = await Database.connect(dsn, min_size=1, max_size=1)
    try:
        async with admin.connection() as conn:
            return await migrate(conn)
    finally:
        await admin.close()
