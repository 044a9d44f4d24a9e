"""Writing the PostgreSQL search index: documents, removals, and how far each index has read.

The indexer (workers/search_indexer.py) and the rebuilds (hub/search/reindex.py) write here;
hub.store.search reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from hub.domain.search import SearchDocument
from hub.store.db import Connection


@dataclass(frozen=True)
class IndexedDocument:
    """A document with its lexemes (tsvector text, see hub.search.tokens)."""

    document: SearchDocument
    tokens: str


# One statement for a whole batch: each column travels as one array (asyncpg's binary
# encoding), so 500 documents are one round trip and one executor run instead of 500 (see
# bench/search.py). A document's category codes go as an array literal (unnest cannot take an
# array of arrays of different lengths) and its lexemes as tsvector text (asyncpg has no
# binary tsvector), both cast by the server.
_UPSERT = """
INSERT INTO search_document (subject_id, kind, organization_id, province, city,
    category_codes, urgency, urgency_rank, verification_status, title, body, tokens,
    updated_at, indexed_at)
SELECT subject_id, kind, organization_id, province, city, category_codes::text[], urgency,
    urgency_rank, verification_status, title, body, tokens::tsvector, updated_at, now()
FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[],
    $7::text[], $8::integer[], $9::text[], $10::text[], $11::text[], $12::text[],
    $13::timestamptz[])
    AS d(subject_id, kind, organization_id, province, city, category_codes, urgency,
         urgency_rank, verification_status, title, body, tokens, updated_at)
ON CONFLICT (subject_id) DO UPDATE SET
    kind = excluded.kind, organization_id = excluded.organization_id,
    province = excluded.province, city = excluded.city,
    category_codes = excluded.category_codes, urgency = excluded.urgency,
    urgency_rank = excluded.urgency_rank,
    verification_status = excluded.verification_status, title = excluded.title,
    body = excluded.body, tokens = excluded.tokens,
    updated_at = excluded.updated_at, indexed_at = now()
"""


def array_literal(values: Sequence[str]) -> str:
    """`values` as PostgreSQL's text form of a text[] (every element quoted)."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


async def upsert_documents(conn: Connection, documents: Sequence[IndexedDocument]) -> None:
    """Insert or replace documents (idempotent: the same input leaves the same rows), in one
    statement; of a subject given twice, the last document is kept."""
    if not documents:
        return
    # One statement may not update a row twice.
    unique = {d.document.subject_id: d for d in documents}.values()
    rows = [
        (
            d.document.subject_id,
            d.document.kind,
            d.document.organization_id,
            d.document.province,
            d.document.city,
            array_literal(d.document.category_codes),
            d.document.urgency,
            d.document.urgency_rank,
            d.document.verification_status,
            d.document.title,
            d.document.body,
            d.tokens,
            d.document.updated_at,
        )
        for d in unique
    ]
    columns = [list(column) for column in zip(*rows, strict=True)]
    await conn.execute(_UPSERT, *columns)


async def delete_documents(conn: Connection, ids: Sequence[UUID]) -> None:
    """Remove documents (absent ones are fine)."""
    await conn.execute("DELETE FROM search_document WHERE subject_id = ANY($1::uuid[])", list(ids))


async def indexed_ids(conn: Connection) -> set[UUID]:
    """Every document id in the index (for checks and rebuilds)."""
    return {r["subject_id"] for r in await conn.fetch("SELECT subject_id FROM search_document")}


async def get_position(conn: Connection, backend: str) -> int:
    """How far `backend`'s indexer has read the outbox (0 when it never ran)."""
    value: int | None = await conn.fetchval(
        "SELECT position FROM search_position WHERE backend = $1", backend
    )
    return value or 0


async def set_position(
    conn: Connection, backend: str, position: int, *, format_if_new: int = 1
) -> None:
    """Record how far `backend`'s indexer has read. A backend recorded for the first time has
    written only in `format_if_new` (see migration 0027); an existing record keeps its format
    until `set_format` (a rebuild) changes it."""
    await conn.execute(
        """
        INSERT INTO search_position (backend, position, format) VALUES ($1, $2, $3)
        ON CONFLICT (backend) DO UPDATE SET position = excluded.position, updated_at = now()
        """,
        backend,
        position,
        format_if_new,
    )


async def get_format(conn: Connection, backend: str) -> int | None:
    """The lexeme format `backend`'s documents were written in; None when it never ran."""
    value: int | None = await conn.fetchval(
        "SELECT format FROM search_position WHERE backend = $1", backend
    )
    return value


async def set_format(conn: Connection, backend: str, format_: int) -> None:
    """Mark `backend`'s documents as written in `format_` (after a rebuild, with its position)."""
    await conn.execute(
        "UPDATE search_position SET format = $2 WHERE backend = $1", backend, format_
    )


async def lock_rebuild(conn: Connection, backend: str) -> None:
    """Take the lock of `backend`'s rebuild until the transaction ends, waiting for it."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('search rebuild ' || $1))", backend)


async def try_lock_rebuild(conn: Connection, backend: str) -> bool:
    """Take the lock of `backend`'s rebuild until the transaction ends; False when another
    session holds it (two processes starting the same upgrade: one does it)."""
    taken: bool = await conn.fetchval(
        "SELECT pg_try_advisory_xact_lock(hashtext('search rebuild ' || $1))", backend
    )
    return taken


# Keyset over the primary key: every batch is one index range scan however far it got.
_IDS_AFTER = {
    "entry": "SELECT id FROM entry WHERE id > $1 ORDER BY id LIMIT $2",
    "organization": "SELECT id FROM organization WHERE id > $1 ORDER BY id LIMIT $2",
}


async def subject_ids_after(
    conn: Connection, table: str, after: UUID | None, limit: int
) -> list[UUID]:
    """Up to `limit` ids of `table` ("entry" or "organization") after `after`, in id order."""
    rows = await conn.fetch(_IDS_AFTER[table], after or UUID(int=0), limit)
    return [r["id"] for r in rows]


async def subject_counts(conn: Connection) -> int:
    """How many entries and organizations there are (each may give one document)."""
    value: int = await conn.fetchval(
        "SELECT (SELECT count(*) FROM entry) + (SELECT count(*) FROM organization)"
    )
    return value


async def entry_ids_of_organizations(
    conn: Connection, organization_ids: Sequence[UUID]
) -> list[UUID]:
    """Entries of these organizations (their documents carry the organization's name)."""
    rows = await conn.fetch(
        "SELECT id FROM entry WHERE organization_id = ANY($1::uuid[])", list(organization_ids)
    )
    return [r["id"] for r in rows]
