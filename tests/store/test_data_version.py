"""Every table a public read can show moves the data version when it changes."""

from __future__ import annotations

import asyncio

from hub.store.data_version import CHANNEL, UNVERSIONED_TABLES, DataVersion
from hub.store.db import Database


async def test_every_table_has_the_trigger_or_is_listed_as_never_shown(db: Database) -> None:
    async with db.connection() as conn:
        tables = {
            row["relname"]
            for row in await conn.fetch(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
            )
        }
        triggered = {
            row["relname"]
            for row in await conn.fetch(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'hub_data_changed'"
            )
        }
    assert tables - triggered == UNVERSIONED_TABLES
    assert triggered <= tables


async def test_a_commit_notifies_once_and_a_rollback_never(db: Database) -> None:
    version = DataVersion()
    stop = asyncio.Event()
    listener = asyncio.create_task(version.listen(db, stop))
    try:
        async with asyncio.timeout(10):
            while version.current is None:
                await version.changed.wait()
        seen = version.current
        async with db.transaction() as conn:
            await conn.execute("UPDATE supply_category SET deprecated = deprecated")
            await conn.execute("UPDATE supply_category_group SET code = code")
        async with asyncio.timeout(5):
            while version.current == seen:
                await version.changed.wait()
        assert version.current == seen + 1  # both statements: one notification at commit
        moved = version.current
        async with db.connection() as conn:
            transaction = conn.transaction()
            await transaction.start()
            await conn.execute("UPDATE supply_category SET deprecated = deprecated")
            await transaction.rollback()
            # A marker commit after the rollback: once it arrives, the rollback had its chance.
            await conn.execute(f"NOTIFY {CHANNEL}")
        async with asyncio.timeout(5):
            while version.current == moved:
                await version.changed.wait()
        assert version.current == moved + 1
    finally:
        stop.set()
        await listener
