"""Every process of an installation digests client addresses with the same key."""

from __future__ import annotations

from dataclasses import replace

from hub.services.client_identity import client_identity
from hub.settings import Settings
from hub.store.db import Database


async def test_processes_share_the_installation_key_and_a_secret_key_replaces_it(
    db: Database, settings: Settings
) -> None:
    first = await client_identity(db, settings)
    second = await client_identity(db, settings)
    assert first.key == second.key and len(first.key) == 32
    assert first.client_key("192.0.2.1", []) == second.client_key("192.0.2.1", [])
    configured = await client_identity(db, replace(settings, secret_key="s3cret" * 8))
    assert configured.key != first.key
    again = await client_identity(db, replace(settings, secret_key="s3cret" * 8))
    assert configured.key == again.key


async def test_with_migrations_pending_the_hub_still_starts(empty_dsn: str) -> None:
    database = await Database.connect(empty_dsn, min_size=1, max_size=2)
    try:
        identity = await client_identity(database, Settings(database_url=empty_dsn))
        assert len(identity.key) == 32
    finally:
        await database.close()
