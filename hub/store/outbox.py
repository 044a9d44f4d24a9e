"""The transactional outbox: one event row per change, written in the change's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from hub.domain.enums import EventType
from hub.store.db import Connection


async def record_event(
    conn: Connection,
    subject_id: UUID,
    subject_kind: str,
    event_type: EventType,
    payload: dict[str, Any],
) -> int:
    """Append an event; returns its id. The payload must never hold contact details."""
    event_id: int = await conn.fetchval(
        """
        INSERT INTO entry_event (entry_id, entry_kind, event_type, payload)
        VALUES ($1, $2, $3, $4) RETURNING id
        """,
        subject_id,
        subject_kind,
        event_type.value,
        payload,
    )
    return event_id


async def record_events(
    conn: Connection, events: Sequence[tuple[UUID, str, EventType, dict[str, Any]]]
) -> None:
    """record_event for many changes (subject id, subject kind, event, payload) at once."""
    if not events:
        return
    await conn.executemany(
        """
        INSERT INTO entry_event (entry_id, entry_kind, event_type, payload)
        VALUES ($1, $2, $3, $4)
        """,
        [(subject, kind, event.value, payload) for subject, kind, event, payload in events],
    )
