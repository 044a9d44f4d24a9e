"""Reveals of protected contacts, counted per account for the hourly limit."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from hub.store.db import Connection


async def lock_account(conn: Connection, user_id: UUID) -> None:
    """Serialise one account's reveals until the transaction ends, across hub processes: the
    count and the new reveal must be one step, or concurrent requests all pass the count."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"contact-reveal:{user_id}")


async def count_since(conn: Connection, user_id: UUID, since: datetime) -> int:
    """How many contacts the account revealed since `since` (from an index, not the audit log)."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM contact_reveal WHERE user_id = $1 AND revealed_at >= $2",
        user_id,
        since,
    )
    return count


async def record(conn: Connection, user_id: UUID, contact_id: UUID) -> None:
    """Count one reveal."""
    await conn.execute(
        "INSERT INTO contact_reveal (user_id, contact_id) VALUES ($1, $2)", user_id, contact_id
    )
