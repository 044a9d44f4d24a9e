"""Keyed hashes tying entries to the clients, browsers and accounts that submitted or edited
them (hub/domain/provenance.py)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from hub.store.db import Connection


async def record_links(conn: Connection, entry_id: UUID, links: Iterable[bytes]) -> None:
    """Remember that these links acted on the entry (each once)."""
    values = sorted(set(links))
    if not values:
        return
    await conn.execute(
        """INSERT INTO entry_link (entry_id, link) SELECT $1, unnest($2::bytea[])
           ON CONFLICT DO NOTHING""",
        entry_id,
        values,
    )


async def links_of(conn: Connection, entry_id: UUID) -> frozenset[bytes]:
    """Every link recorded for the entry."""
    rows = await conn.fetch("SELECT link FROM entry_link WHERE entry_id = $1", entry_id)
    return frozenset(bytes(r["link"]) for r in rows)
