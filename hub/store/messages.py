"""Messages to an entry's poster, read through the poster's reconfirmation link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from hub.store.db import Connection


@dataclass(frozen=True)
class Message:
    """A message as its recipient reads it."""

    id: UUID
    entry_id: UUID
    body: str
    reply_to: str | None
    created_at: datetime


async def insert_message(
    conn: Connection,
    message_id: UUID,
    entry_id: UUID,
    body: str,
    reply_to: str | None,
    sender_id: UUID | None,
    sender_key: str,
) -> None:
    """Store a message for the entry's poster."""
    await conn.execute(
        """
        INSERT INTO entry_message (id, entry_id, body, reply_to, sender_id, sender_key)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        message_id,
        entry_id,
        body,
        reply_to,
        sender_id,
        sender_key,
    )


async def _count_since(conn: Connection, column: str, value: object, since: datetime) -> int:
    count: int = await conn.fetchval(
        f"SELECT count(*) FROM entry_message WHERE {column} = $1 AND created_at >= $2",
        value,
        since,
    )
    return count


async def sent_since(conn: Connection, sender_key: str, since: datetime) -> int:
    """How many messages a sender has sent since `since` (for the rate limit)."""
    return await _count_since(conn, "sender_key", sender_key, since)


async def inbox(conn: Connection, entry_id: UUID, limit: int) -> list[Message]:
    """The newest messages to an entry's poster."""
    rows = await conn.fetch(
        """
        SELECT id, entry_id, body, reply_to, created_at FROM entry_message
        WHERE entry_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2
        """,
        entry_id,
        limit,
    )
    return [Message(**dict(r)) for r in rows]


async def received_since(conn: Connection, entry_id: UUID, since: datetime) -> int:
    """How many messages an entry's poster has received since `since`."""
    return await _count_since(conn, "entry_id", entry_id, since)
