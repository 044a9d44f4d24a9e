"""The migration runner: applies on an empty database, idempotent, safe when run concurrently."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from hub.store.migrate import Migration, MigrationError, load_migrations, migrate


async def test_migrations_apply_on_empty_database_and_are_idempotent(empty_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        applied = await migrate(conn)
        assert applied == [f"{m.version:04d}_{m.name}" for m in load_migrations()]
        assert await migrate(conn) == []
        tables = {
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        assert {
            "organization",
            "entry",
            "entry_item",
            "contact",
            "entry_event",
            "supply_category",
            "schema_migration",
        } <= tables
        assert await conn.fetchval("SELECT count(*) FROM supply_category") >= 30
    finally:
        await conn.close()


async def test_concurrent_runners_apply_each_migration_once(empty_dsn: str) -> None:
    conns = [await asyncpg.connect(empty_dsn) for _ in range(3)]
    try:
        results = await asyncio.gather(*(migrate(c) for c in conns))
        assert sorted(len(r) for r in results) == [0, 0, len(load_migrations())]
        assert await conns[0].fetchval("SELECT count(*) FROM schema_migration") == len(
            load_migrations()
        )
    finally:
        for conn in conns:
            await conn.close()


async def test_an_edited_migration_is_refused(empty_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        migrations = load_migrations()
        await migrate(conn, migrations)
        edited = [Migration(m.version, m.name, m.sql + "\n-- edited") for m in migrations]
        with pytest.raises(MigrationError, match="changed after it was applied"):
            await migrate(conn, edited)
    finally:
        await conn.close()


async def test_a_failing_migration_leaves_nothing_behind(empty_dsn: str) -> None:
    conn = await asyncpg.connect(empty_dsn)
    try:
        broken = [Migration(1, "broken", "CREATE TABLE half (id int); SELECT 1/0;")]
        with pytest.raises(asyncpg.DivisionByZeroError):
            await migrate(conn, broken)
        assert await conn.fetchval("SELECT to_regclass('half')") is None
        assert await conn.fetchval("SELECT count(*) FROM schema_migration") == 0
    finally:
        await conn.close()


def test_migration_files_are_numbered(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("SELECT 1")
    with pytest.raises(MigrationError):
        load_migrations(tmp_path)
