"""Reconfirmation tokens (stored as digests only)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from hub.store.db import Connection


async def insert_token(
    conn: Connection, token_hash: bytes, entry_id: UUID, expires_at: datetime
) -> None:
    """Issue a token for one entry."""
    await conn.execute(
        """INSERT INTO reconfirmation_token (token_hash, entry_id, expires_at)
           VALUES ($1, $2, $3)""",
        token_hash,
        entry_id,
        expires_at,
    )


async def entry_for(conn: Connection, token_hash: bytes) -> UUID | None:
    """The entry a live token is for."""
    entry_id: UUID | None = await conn.fetchval(
        """SELECT entry_id FROM reconfirmation_token
           WHERE token_hash = $1 AND expires_at > now()""",
        token_hash,
    )
    return entry_id


async def extend_life(conn: Connection, entry_id: UUID, expires_at: datetime) -> None:
    """A poster's reconfirmation: the entry is current until `expires_at`."""
    await conn.execute(
        """UPDATE entry SET expires_at = $2, verification_status = 'VERIFIED',
               updated_at = now(), version = version + 1 WHERE id = $1""",
        entry_id,
        expires_at,
    )


async def mark_fulfilled(conn: Connection, entry_id: UUID) -> None:
    """A poster says the entry has been met."""
    await conn.execute(
        """UPDATE entry SET status = 'FULFILLED', updated_at = now(), version = version + 1
           WHERE id = $1""",
        entry_id,
    )
