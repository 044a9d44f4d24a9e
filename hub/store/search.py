"""The PostgreSQL search index: documents, the indexer's position, queries and facets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from hub.domain.search import SearchDocument, SearchFilter
from hub.store.db import Connection
from hub.store.sql import Where

# The text the substring and phrase conditions look in (matches the trigram index).
_TEXT = "(title || ' ' || body)"


@dataclass(frozen=True)
class IndexedDocument:
    """A document with the words the segmenter found in its title and body."""

    document: SearchDocument
    title_words: str
    body_words: str
    latin: str


@dataclass(frozen=True)
class TermMatch:
    """How one query word may match: its words (a tsquery), as a substring, or (Latin) by typo."""

    tsquery: str | None
    substring: str | None
    latin: str | None


@dataclass(frozen=True)
class Hit:
    """A matching document's id, kind and score."""

    subject_id: UUID
    kind: str
    score: float
    title: str
    body: str


async def upsert_documents(conn: Connection, documents: Sequence[IndexedDocument]) -> None:
    """Insert or replace documents (idempotent: the same input leaves the same rows)."""
    await conn.executemany(
        """
        INSERT INTO search_document (subject_id, kind, organization_id, province, city,
            category_codes, urgency, urgency_rank, verification_status, title, body, tokens,
            latin, updated_at, indexed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
            setweight(to_tsvector('simple', $12), 'A')
                || setweight(to_tsvector('simple', $13), 'B'),
            $14, $15, now())
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
                d.title_words,
                d.body_words,
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


async def chinese_search_problem(conn: Connection) -> str | None:
    """Why pg_trgm would silently find nothing in Chinese on this database, or None.

    pg_trgm sees Chinese characters only under a UTF-8 locale; under plain C they are not
    letters and every Chinese string has no trigrams at all. Asking it directly is the check.
    """
    row = await conn.fetchrow(
        """
        SELECT pg_encoding_to_char(encoding) AS encoding, datctype,
               cardinality(show_trgm('口罩')) AS trigrams
        FROM pg_database WHERE datname = current_database()
        """
    )
    if row is None:  # pragma: no cover - the current database always has a row
        raise RuntimeError("the current database is not in pg_database")
    if row["encoding"] != "UTF8":
        return f"the database encoding is {row['encoding']}, not UTF8"
    if row["trigrams"] == 0:
        return (
            f"pg_trgm sees no Chinese characters under the locale {row['datctype']!r}; "
            "create the database with a UTF-8 locale such as C.UTF-8"
        )
    return None


def _where(terms: Sequence[TermMatch], phrases: Sequence[str], wanted: SearchFilter) -> Where:
    where = Where()
    for term in terms:
        options = []
        if term.substring:
            options.append(f"{_TEXT} ILIKE {where.param(term.substring)}")
        if term.tsquery:
            options.append(f"tokens @@ to_tsquery('simple', {where.param(term.tsquery)})")
        if term.latin:
            options.append(f"{where.param(term.latin)} <% latin")
        where.conditions.append("(" + " OR ".join(options) + ")")
    for phrase in phrases:
        where.add(_TEXT + " ILIKE {}", like_pattern(phrase))
    filters: list[tuple[str, tuple[str, ...]]] = [
        ("kind = ANY({}::text[])", wanted.kinds),
        ("province = ANY({}::text[])", wanted.provinces),
        ("city = ANY({}::text[])", wanted.cities),
        ("category_codes && {}::text[]", wanted.category_codes),
        ("urgency = ANY({}::text[])", wanted.urgencies),
        ("verification_status = ANY({}::text[])", wanted.verification_statuses),
    ]
    for condition, values in filters:
        if values:
            where.add(condition, list(values))
    if wanted.verified_entries_only:
        where.conditions.append("(kind = 'ORGANIZATION' OR verification_status = 'VERIFIED')")
    return where


async def prefer_custom_plans(conn: Connection) -> None:
    """Plan this transaction's statements for their actual values.

    asyncpg prepares each statement once per connection; after five runs PostgreSQL may switch
    to a generic plan that cannot see the search words, and for a short word it then chose an
    index that returns every row (bench/search.py: 1.2 s instead of 0.5 s).
    """
    await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")


async def search(
    conn: Connection,
    terms: Sequence[TermMatch],
    phrases: Sequence[str],
    rank_query: str | None,
    wanted: SearchFilter,
    limit: int,
    offset: int,
    *,
    count: bool = True,
) -> tuple[list[Hit], int, bool]:
    """Matching documents, best first, how many match in all (0 unless `count`) and whether
    more follow this page.

    The score weighs text relevance (ts_rank_cd on the words, title above body), then urgency,
    recency (half-life of about three days) and verification. Without `count`, one row more
    than the page is read to tell whether more follow.
    """
    where = _where(terms, phrases, wanted)
    rank = (
        f"ts_rank_cd(tokens, to_tsquery('simple', {where.param(rank_query)}), 1)"
        if rank_query
        else "0"
    )
    limit_slot = where.param(limit if count else limit + 1)
    offset_slot = where.param(offset)
    total_column = "count(*) OVER ()" if count else "0"
    rows = await conn.fetch(
        f"""
        SELECT subject_id, kind, title, body, {total_column} AS total,
               ({rank}) * 4
               + (4 - urgency_rank) * 0.1
               + 0.3 * exp(-extract(epoch FROM now() - updated_at) / 259200.0)
               + CASE verification_status WHEN 'VERIFIED' THEN 0.2 ELSE 0 END AS score
        FROM search_document
        {where.sql()}
        ORDER BY score DESC, subject_id
        LIMIT {limit_slot} OFFSET {offset_slot}
        """,
        *where.params,
    )
    if not count:
        hits = [_hit(r) for r in rows[:limit]]
        return hits, 0, len(rows) > limit
    total = rows[0]["total"] if rows else await _count(conn, terms, phrases, wanted)
    return [_hit(r) for r in rows], total, offset + len(rows) < total


def _hit(row: asyncpg.Record) -> Hit:
    return Hit(row["subject_id"], row["kind"], float(row["score"]), row["title"], row["body"])


async def _count(
    conn: Connection, terms: Sequence[TermMatch], phrases: Sequence[str], wanted: SearchFilter
) -> int:
    where = _where(terms, phrases, wanted)
    value: int = await conn.fetchval(
        f"SELECT count(*) FROM search_document {where.sql()}", *where.params
    )
    return value


async def facets(
    conn: Connection, terms: Sequence[TermMatch], phrases: Sequence[str], wanted: SearchFilter
) -> dict[str, dict[str, int]]:
    """Counts of the matching documents by kind, province, city, category, urgency and
    verification status."""
    where = _where(terms, phrases, wanted)
    rows = await conn.fetch(
        f"""
        WITH matched AS (SELECT * FROM search_document {where.sql()})
        SELECT 'kinds' AS facet, kind AS value, count(*) AS n FROM matched GROUP BY kind
        UNION ALL SELECT 'provinces', province, count(*) FROM matched
            WHERE province IS NOT NULL GROUP BY province
        UNION ALL SELECT 'cities', city, count(*) FROM matched
            WHERE city IS NOT NULL GROUP BY city
        UNION ALL SELECT 'urgencies', urgency, count(*) FROM matched
            WHERE urgency IS NOT NULL GROUP BY urgency
        UNION ALL SELECT 'verificationStatuses', verification_status, count(*) FROM matched
            GROUP BY verification_status
        UNION ALL SELECT 'categories', code, count(*) FROM matched, unnest(category_codes) AS code
            GROUP BY code
        """,
        *where.params,
    )
    found: dict[str, dict[str, int]] = {
        name: {}
        for name in (
            "kinds",
            "provinces",
            "cities",
            "categories",
            "urgencies",
            "verificationStatuses",
        )
    }
    for row in rows:
        found[row["facet"]][row["value"]] = row["n"]
    return found


def like_pattern(text: str) -> str:
    """`text` as an ILIKE pattern that matches it anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def entry_ids_of_organizations(
    conn: Connection, organization_ids: Sequence[UUID]
) -> list[UUID]:
    """Entries of these organizations (their documents carry the organization's name)."""
    rows = await conn.fetch(
        "SELECT id FROM entry WHERE organization_id = ANY($1::uuid[])", list(organization_ids)
    )
    return [r["id"] for r in rows]
