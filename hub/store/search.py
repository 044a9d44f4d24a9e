"""Reading the PostgreSQL search index: queries, counts and facets (hub.store.search_index
writes it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from hub.domain.search import SearchFilter
from hub.store.db import Connection
from hub.store.sql import Where

# The text the substring and phrase conditions look in (matches the trigram index).
_TEXT = "(title || ' ' || body)"


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
            options.append(f"tokens @@ {where.param(term.tsquery)}::tsquery")
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
    rank = f"ts_rank_cd(tokens, {where.param(rank_query)}::tsquery, 1)" if rank_query else "0"
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
