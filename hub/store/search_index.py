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
    """A document with its lexemes (tsvector text, see hub.search.tokens) and Latin words."""

    document: SearchDocument
    tokens: str
    latin: str


async def upsert_documents(conn: Connection, documents: Sequence[IndexedDocument]) -> None:
    """Insert or replace documents (idempotent: the same input leaves the same rows)."""
    await conn.executemany(
        """
        INSERT INTO search_document (subject_id, kind, organization_id, province, city,
            category_codes, urgency, urgency_rank, verification_status, title, body, tokens,
            latin, updated_at, indexed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
            $12::tsvector, $13, $14, now())
        ON CONFLICT (subject_id) DO UPDATE SET
            kind = excluded.kind, organization_id = excluded.organization_id,
            province = excluded.province, city = excluded.city,
            category_codes = excluded.category_codes, urgency = excluded.urgency,
            urgency_rank = excluded.urgency_rank,
            verification_status = excluded.verification_status, title = excluded.title,
            body = excluded.body, tokens = excluded.tokens, latin = excluded.latin,
            updated_at = excluded.updated_at, indexed_at = now()
        """,
        [
            (
                d.document.subject_id,
                d.document.kind,
                d.document.organization_id,
                d.document.province,
                d.document.city,
                list(d.document.category_codes),
                d.document.urgency,
                d.document.urgency_rank,
                d.document.verification_status,
                d.document.title,
                d.document.body,
                d.tokens,
                d.latin,
                d.document.updated_at,
            )
            for d in documents
        ],
    )


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


async def set_position(conn: Connection, backend: str, position: int) -> None:
    """Record how far `backend`'s indexer has read."""
    await conn.execute(
        """
        INSERT INTO search_position (backend, position) VALUES ($1, $2)
        ON CONFLICT (backend) DO UPDATE SET position = excluded.position, updated_at = now()
        """,
        backend,
        position,
    )


async def entry_ids_of_organizations(
    conn: Connection, organization_ids: Sequence[UUID]
) -> list[UUID]:
    """Entries of these organizations (their documents carry the organization's name)."""
    rows = await conn.fetch(
        "SELECT id FROM entry WHERE organization_id = ANY($1::uuid[])", list(organization_ids)
    )
    return [r["id"] for r in rows]
