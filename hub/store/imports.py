"""What an import asks the database before writing: ids already present, organizations by
name and province, and which failures mean "this row's data was refused"."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from hub.store.db import Connection

# The server refused the data (a constraint, a value out of a column's range); anything else
# (a lost connection) is not a row's fault and fails the whole import.
REFUSED: tuple[type[Exception], ...] = (
    asyncpg.IntegrityConstraintViolationError,
    asyncpg.DataError,
)


async def present_entry_ids(conn: Connection, ids: Sequence[UUID]) -> set[UUID]:
    """Which of `ids` are entries already."""
    rows = await conn.fetch("SELECT id FROM entry WHERE id = ANY($1::uuid[])", list(ids))
    return {row["id"] for row in rows}


async def present_organization_ids(conn: Connection, ids: Sequence[UUID]) -> set[UUID]:
    """Which of `ids` are organizations already."""
    rows = await conn.fetch("SELECT id FROM organization WHERE id = ANY($1::uuid[])", list(ids))
    return {row["id"] for row in rows}


async def organizations_by_name(
    conn: Connection, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], UUID]:
    """The oldest organization of each (name, province), for the pairs that have one."""
    if not keys:
        return {}
    rows = await conn.fetch(
        """
        SELECT DISTINCT ON (o.name, o.province) o.name, o.province, o.id
        FROM organization o
        JOIN unnest($1::text[], $2::text[]) AS k(name, province)
          ON o.name = k.name AND o.province = k.province
        ORDER BY o.name, o.province, o.created_at, o.id
        """,
        [name for name, _ in keys],
        [province for _, province in keys],
    )
    return {(row["name"], row["province"]): row["id"] for row in rows}
