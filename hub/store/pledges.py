"""Pledges and their lines: SQL for writing, locking and reading them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from hub.domain.enums import EntryStatus, PledgeStatus
from hub.domain.pledges import Pledge, PledgeLine
from hub.store.db import Connection
from hub.store.ownership import Ownership
from hub.store.records import by_key, from_row, grouped

_COLUMNS = """
    p.id, p.need_id, p.offer_id, p.donor_name, p.donor_organization_id, p.status, p.note,
    p.cancel_reason, p.created_by, p.created_at, p.updated_at, p.version
"""


async def insert_pledge(
    conn: Connection,
    pledge_id: UUID,
    *,
    need_id: UUID,
    offer_id: UUID | None,
    donor_name: str | None,
    donor_organization_id: UUID | None,
    lines: Sequence[PledgeLine],
    note: str | None,
    created_by: UUID | None,
    edit_token_hash: bytes | None,
    pledger_key: str | None = None,
) -> Pledge:
    """Store a new PROPOSED pledge with its lines (`pledger_key`: who proposed it, for the
    cap on open proposals per pledger and need)."""
    await conn.execute(
        """
        INSERT INTO pledge (id, need_id, offer_id, donor_name, donor_organization_id, note,
                            created_by, edit_token_hash, pledger_key)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        pledge_id,
        need_id,
        offer_id,
        donor_name,
        donor_organization_id,
        note,
        created_by,
        edit_token_hash,
        pledger_key,
    )
    await conn.executemany(
        """
        INSERT INTO pledge_item (pledge_id, need_position, offer_position, quantity)
        VALUES ($1, $2, $3, $4)
        """,
        [(pledge_id, ln.need_position, ln.offer_position, ln.quantity) for ln in lines],
    )
    return (await get_pledges(conn, [pledge_id]))[pledge_id]


async def _hydrate(conn: Connection, rows: Sequence[asyncpg.Record]) -> list[Pledge]:
    ids = [r["id"] for r in rows]
    line_rows = await conn.fetch(
        """
        SELECT pledge_id, need_position, offer_position, quantity FROM pledge_item
        WHERE pledge_id = ANY($1::uuid[]) ORDER BY pledge_id, need_position
        """,
        ids,
    )
    lines = grouped(
        line_rows,
        "pledge_id",
        lambda r: PledgeLine(r["need_position"], Decimal(r["quantity"]), r["offer_position"]),
    )
    return [
        from_row(Pledge, r, status=PledgeStatus(r["status"]), lines=tuple(lines[r["id"]]))
        for r in rows
    ]


async def get_pledges(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, Pledge]:
    """Pledges by id (two statements for any number)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM pledge p WHERE p.id = ANY($1::uuid[])", list(ids)
    )
    return {p.id: p for p in await _hydrate(conn, rows)}


async def pledges_of(
    conn: Connection, entry_ids: Sequence[UUID], *, offers: bool = False
) -> dict[UUID, list[Pledge]]:
    """The pledges made to each need (or drawn on each offer), oldest first."""
    column = "offer_id" if offers else "need_id"
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM pledge p WHERE p.{column} = ANY($1::uuid[]) "
        "ORDER BY p.created_at, p.id",
        list(entry_ids),
    )
    # The WHERE above leaves no pledge whose key is None.
    return by_key(
        await _hydrate(conn, rows), lambda pledge: pledge.offer_id if offers else pledge.need_id
    )


async def lock_pledge(conn: Connection, pledge_id: UUID) -> tuple[Pledge, Ownership] | None:
    """The pledge and who made it, locked for the rest of the transaction."""
    row = await conn.fetchrow(
        "SELECT edit_token_hash, created_by FROM pledge WHERE id = $1 FOR UPDATE", pledge_id
    )
    if row is None:
        return None
    pledge = (await get_pledges(conn, [pledge_id]))[pledge_id]
    return pledge, Ownership(row["edit_token_hash"], row["created_by"])


async def set_status(
    conn: Connection, pledge_id: UUID, status: PledgeStatus, reason: str | None
) -> Pledge:
    """Move a pledge to `status`, bumping its version."""
    await conn.execute(
        """
        UPDATE pledge SET status = $2, cancel_reason = coalesce($3, cancel_reason),
               accepted_at = CASE WHEN $2 = 'ACCEPTED' THEN now() ELSE accepted_at END,
               delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() ELSE delivered_at END,
               updated_at = now(), version = version + 1
        WHERE id = $1
        """,
        pledge_id,
        status.value,
        reason,
    )
    return (await get_pledges(conn, [pledge_id]))[pledge_id]


async def weighty_pledge_counts(conn: Connection, need_ids: Sequence[UUID]) -> dict[UUID, int]:
    """How many pledges count in each need's priority (hub.domain.pledges.WEIGHTY: the ones
    the receiving side accepted)."""
    rows = await conn.fetch(
        """
        SELECT need_id, count(*) AS n FROM pledge
        WHERE need_id = ANY($1::uuid[]) AND status IN ('ACCEPTED', 'IN_TRANSIT', 'DELIVERED')
        GROUP BY need_id
        """,
        list(need_ids),
    )
    return {r["need_id"]: r["n"] for r in rows}


async def open_proposals(conn: Connection, need_id: UUID, pledger_key: str) -> int:
    """How many PROPOSED pledges one pledger holds on one need (the caller holds the need's
    row lock, so that racing proposals of one pledger count each other)."""
    count: int = await conn.fetchval(
        """
        SELECT count(*) FROM pledge
        WHERE need_id = $1 AND pledger_key = $2 AND status = 'PROPOSED'
        """,
        need_id,
        pledger_key,
    )
    return count


async def stale_proposals(conn: Connection, before: datetime, limit: int) -> list[UUID]:
    """PROPOSED pledges made before `before`, oldest first (at most `limit`)."""
    rows = await conn.fetch(
        """
        SELECT id FROM pledge WHERE status = 'PROPOSED' AND created_at < $1
        ORDER BY created_at, id LIMIT $2
        """,
        before,
        limit,
    )
    return [r["id"] for r in rows]


async def set_fulfilment(
    conn: Connection, entry_id: UUID, fulfilled: Sequence[Decimal], status: EntryStatus
) -> None:
    """Write an entry's fulfilled (given-out) quantity per item position, and its status."""
    await conn.executemany(
        "UPDATE entry_item SET fulfilled_quantity = $3 WHERE entry_id = $1 AND position = $2",
        [(entry_id, position, quantity) for position, quantity in enumerate(fulfilled)],
    )
    await conn.execute(
        """
        UPDATE entry SET status = $2, updated_at = now(), version = version + 1
        WHERE id = $1
        """,
        entry_id,
        status.value,
    )
