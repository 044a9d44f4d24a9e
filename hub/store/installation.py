"""Keys made once per installation and shared by every process through the database."""

from __future__ import annotations

import secrets

import asyncpg

from hub.store.db import Connection


async def installation_key(conn: Connection, purpose: str) -> bytes | None:
    """The installation's key for `purpose`, made (32 random bytes) by whoever asks first; None
    while the migration making its table (0021) is pending."""
    try:
        await conn.execute(
            "INSERT INTO installation_key (purpose, secret) VALUES ($1, $2) "
            "ON CONFLICT (purpose) DO NOTHING",
            purpose,
            secrets.token_bytes(32),
        )
    except asyncpg.UndefinedTableError:
        return None
    secret: bytes = await conn.fetchval(
        "SELECT secret FROM installation_key WHERE purpose = $1", purpose
    )
    return secret
