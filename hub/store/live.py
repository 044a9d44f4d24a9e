"""Stamping committed outbox rows with commit-ordered positions, and reading them back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.domain.enums import EventType
from hub.domain.live import LiveEvent
from hub.store.db import Connection
from hub.store.records import from_row

# One stamper at a time across every hub process on the database.
_STAMP_LOCK_KEY = 0x48_55_42_4C_49_56  # "HUBLIV"

_EVENT_COLUMNS = "position, id, entry_id, entry_kind, event_type, created_at"


def _event(row: Any) -> LiveEvent:
    return from_row(
        LiveEvent,
        row,
        outbox_id=row["id"],
        event_type=EventType(row["event_type"]),
        occurred_at=row["created_at"],
    )


async def stamp_committed(conn: Connection, limit: int = 1000) -> list[LiveEvent]:
    """Number the committed, unstamped events after the last position; call in a transaction.

    The lock is held to the end of the caller's transaction, so positions are dense and only
    ever grow: a later stamper reads the maximum this one committed. Rows of transactions still
    in flight are invisible here and get the next positions once they commit.
    """
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _STAMP_LOCK_KEY)
    rows = await conn.fetch(
        f"""
        WITH base AS (SELECT coalesce(max(position), 0) AS last FROM entry_event),
        pending AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n
            FROM (SELECT id FROM entry_event WHERE position IS NULL ORDER BY id LIMIT $1) AS t
        )
        UPDATE entry_event AS e
        SET position = base.last + pending.n
        FROM pending, base
        WHERE e.id = pending.id
        RETURNING {", ".join("e." + c for c in _EVENT_COLUMNS.split(", "))}
        """,
        limit,
    )
    return sorted((_event(row) for row in rows), key=lambda event: event.position)


async def last_position(conn: Connection) -> int:
    """The newest stamped position (0 when none)."""
    value: int = await conn.fetchval("SELECT coalesce(max(position), 0) FROM entry_event")
    return value


async def events_between(
    conn: Connection, after: int, upto: int, limit: int = 500
) -> list[LiveEvent]:
    """Stamped events with `after < position <= upto`, in position order, at most `limit`."""
    rows = await conn.fetch(
        f"""
        SELECT {_EVENT_COLUMNS} FROM entry_event
        WHERE position > $1 AND position <= $2
        ORDER BY position LIMIT $3
        """,
        after,
        upto,
        limit,
    )
    return [_event(row) for row in rows]


async def first_missed_at(conn: Connection, after: int) -> datetime | None:
    """When the first event after position `after` happened (None when there is none)."""
    value: datetime | None = await conn.fetchval(
        """
        SELECT created_at FROM entry_event
        WHERE position > $1 ORDER BY position LIMIT 1
        """,
        after,
    )
    return value


async def notify(conn: Connection, channel: str, payload: str) -> None:
    """Send a NOTIFY (delivered to listeners when the current transaction commits)."""
    await conn.execute("SELECT pg_notify($1, $2)", channel, payload)
