"""Reading the PostgreSQL search index: queries, counts and facets (hub.store.search_index
writes it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from hub.domain.search import ORGANIZATION, SearchFilter
from hub.store.db import Connection
from hub.store.sql import Where

# The text the substring and phrase conditions look in (matches the trigram index).
_TEXT = "(title || ' ' || body)"


@dataclass(frozen=True)
class TextMatch:
    """What a document's text must match: every tsquery (one per query term, see
    hub.search.tokens) and every quoted phrase (an ILIKE pattern), with the tsquery that
    narrows the phrases to documents holding their words."""

    tsqueries: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    phrase_tsqueries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A matching document's id, kind, score and text."""

    subject_id: UUID
    kind: str
    score: float
    title: str
    body: str


@dataclass(frozen=True)
class Counts:
    """How many documents match, and their facet counts, as far as they were counted."""

    total: int = 0
    total_is_exact: bool = True
    facets: dict[str, dict[str, int]] | None = None
    facets_are_exact: bool = True


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


# The score: text relevance first (ts_rank_cd, title lexemes above body ones, shorter texts
# above longer), then urgency, recency (a half-life of about three days) and verification.
# In double precision throughout: numeric arithmetic (what EXTRACT returns) costs several
# times more per candidate.
_SCORE = """({rank}) * 4
    + (4 - urgency_rank) * 0.1::float8
    + 0.3::float8 * exp(-date_part('epoch', now() - updated_at) / 259200.0::float8)
    + CASE verification_status WHEN 'VERIFIED' THEN 0.2::float8 ELSE 0 END"""
# Candidates are read in this order (the prior indexes of migration 0028): the most recently
# updated first. Not urgency: offers, lodging and carriers have none, and would come last.
_PRIOR = "updated_at DESC, subject_id"


def _text_conditions(where: Where, match: TextMatch) -> list[str]:
    conditions = [f"tokens @@ {where.param(q)}::tsquery" for q in match.tsqueries]
    conditions += [f"tokens @@ {where.param(q)}::tsquery" for q in match.phrase_tsqueries]
    conditions += [f"{_TEXT} ILIKE {where.param(p)}" for p in match.phrases]
    return conditions


def _filter_conditions(where: Where, wanted: SearchFilter) -> list[str]:
    filters: list[tuple[str, tuple[str, ...]]] = [
        ("kind = ANY({}::text[])", wanted.kinds),
        ("province = ANY({}::text[])", wanted.provinces),
        ("city = ANY({}::text[])", wanted.cities),
        ("category_codes && {}::text[]", wanted.category_codes),
        ("urgency = ANY({}::text[])", wanted.urgencies),
        ("verification_status = ANY({}::text[])", wanted.verification_statuses),
    ]
    conditions = [
        condition.format(where.param(list(values))) for condition, values in filters if values
    ]
    if wanted.verified_entries_only:
        conditions.append(f"(kind = '{ORGANIZATION}' OR verification_status = 'VERIFIED')")
    return conditions


def _where(match: TextMatch, wanted: SearchFilter) -> Where:
    where = Where()
    where.conditions += _text_conditions(where, match)
    where.conditions += _filter_conditions(where, wanted)
    return where


async def plan_for_search(conn: Connection) -> None:
    """Plan this transaction's statements for their actual values, through the indexes.

    asyncpg prepares each statement once per connection; after five runs PostgreSQL may switch
    to a generic plan that cannot see the search words, and for a broad word it then reads
    candidates in an order that suits a narrow one (or the reverse). Counting the first 10,000
    matches of a broad word, the planner prefers to read the table from its start, checking
    each row's words (50-110 ms for 口罩 at 100,000 documents), over the words' index (15-20
    ms): it does not know how much checking costs.
    """
    await conn.execute(
        "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_seqscan = off"
    )


@dataclass(frozen=True)
class WordCandidate:
    """An indexed word a query word may widen to."""

    word: str
    similarity: float
    contains: bool


async def similar_words(
    conn: Connection, words: Sequence[str], *, typo_from: int, similarity: float, limit: int
) -> dict[str, list[WordCandidate]]:
    """For each query word, the indexed words (search_word) that contain it or, from
    `typo_from` characters on, have at least `similarity` with it (pg_trgm): at most `limit`
    each, the most similar first."""
    if not words:
        return {}
    await conn.execute(f"SET LOCAL pg_trgm.similarity_threshold = {float(similarity)}")
    rows = await conn.fetch(
        r"""
        SELECT w.input, v.word, v.similarity, v.contains
        FROM unnest($1::text[]) AS w(input)
        CROSS JOIN LATERAL (
            SELECT word, similarity(word, w.input) AS similarity,
                   strpos(word, w.input) > 0 AS contains
            FROM search_word
            WHERE word LIKE '%' || replace(replace(replace(w.input, '\', '\\'),
                    '%', '\%'), '_', '\_') || '%'
               OR (length(w.input) >= $2 AND word % w.input)
            ORDER BY similarity(word, w.input) DESC, word
            LIMIT $3
        ) AS v
        """,
        list(words),
        typo_from,
        limit,
    )
    found: dict[str, list[WordCandidate]] = {}
    for row in rows:
        candidate = WordCandidate(row["word"], float(row["similarity"]), row["contains"])
        found.setdefault(row["input"], []).append(candidate)
    return found


async def lexeme_frequencies(conn: Connection) -> tuple[int, dict[str, float], float] | None:
    """PostgreSQL's statistics of the indexed lexemes: how many documents there are, the
    fraction of them holding each common lexeme, and the fraction no other lexeme exceeds;
    None before the table was first analysed."""
    row = await conn.fetchrow(
        """
        SELECT c.reltuples, s.most_common_elems::text::text[] AS lexemes,
               s.most_common_elem_freqs AS frequencies
        FROM pg_class AS c
        LEFT JOIN pg_stats AS s ON s.schemaname = current_schema()
            AND s.tablename = 'search_document' AND s.attname = 'tokens'
        WHERE c.oid = 'search_document'::regclass
        """
    )
    if row is None or row["reltuples"] < 0 or row["lexemes"] is None:
        return None
    lexemes: list[str] = row["lexemes"]
    frequencies: list[float] = row["frequencies"]
    # After one frequency per lexeme come the smallest and largest of them, and the null share.
    listed = dict(zip(lexemes, frequencies[: len(lexemes)], strict=True))
    return int(row["reltuples"]), listed, frequencies[len(lexemes)]


_CANDIDATE_COLUMNS = "subject_id, kind, tokens, urgency_rank, updated_at, verification_status"


def _pools(wanted: SearchFilter) -> tuple[bool, bool]:
    # Which pools of candidates the kinds asked for need: (organizations, entries).
    kinds = set(wanted.kinds)
    return not kinds or ORGANIZATION in kinds, not kinds or bool(kinds - {ORGANIZATION})


def _tiered(pools: Sequence[str], tier_size: str) -> str:
    # Each pool's candidates numbered in prior order, in tiers of `tier_size`: results are the
    # first tier by score, then the next tier by score, and so on. A page deeper than the first
    # tier reads more candidates, but the order of the pages before it stays the same.
    return " UNION ALL ".join(
        f"""SELECT *, (row_number() OVER (ORDER BY updated_at DESC, subject_id) - 1)
            / {tier_size} AS tier FROM {pool} AS pool"""
        for pool in pools
    )


async def ranked(
    conn: Connection,
    match: TextMatch,
    rank_query: str | None,
    wanted: SearchFilter,
    page: tuple[int, int],
    candidates: tuple[int, int],
    window: int | None,
) -> tuple[list[Hit], bool]:
    """The page (`limit`, `offset`) of matching documents, best first, and whether more follow.

    `candidates` is (how many, tier): organizations and entries are two pools; each gives at
    most `how many` matches in prior order (the most recently updated first), numbered in
    tiers of `tier`, and only those are scored. Results are the first tier of each pool by
    score, then the second, and so on: a broad word (口罩 is in a third of the documents) is
    ranked among its most recent matches, and every page of a search follows the same order.
    Organizations, which have no urgency, have their own pool, so that the hospital named 协和
    is never crowded out by its needs.

    How entries are read depends on `window`. None: every match, through the words' index,
    then sorted (right when they are few). A number: the first `window` entries in prior
    order, checking each one's words, until the candidates match (right for a broad word,
    cheap however many documents match); they are the first matches in prior order. When
    fewer match there, the matches are few: every match as above.
    """
    limit, offset = page
    where = Where()
    text = _text_conditions(where, match)
    filters = _filter_conditions(where, wanted)
    organizations, entries_wanted = _pools(wanted)
    pool_size = where.param(candidates[0])
    # An ORDER BY the prior index cannot give: PostgreSQL then never walks that index through
    # every document hoping to meet matches early.
    by_prior_unindexed = "updated_at + interval '0 s' DESC, subject_id"
    pools = []
    if organizations:
        conditions = " AND ".join([*text, *filters, f"kind = '{ORGANIZATION}'"])
        # At most a few thousand: whichever way PostgreSQL reads them costs little.
        pools.append(
            f"""(SELECT {_CANDIDATE_COLUMNS} FROM search_document WHERE {conditions}
            ORDER BY {_PRIOR} LIMIT {pool_size})"""
        )
    if entries_wanted:
        entries = [*filters, f"kind <> '{ORGANIZATION}'"]
        every_match = f"""SELECT {_CANDIDATE_COLUMNS} FROM search_document
            WHERE {" AND ".join([*text, *entries])}
            ORDER BY {by_prior_unindexed} LIMIT {pool_size}"""
        if window is None:
            pools.append(f"({every_match})")
        else:
            pools.append(
                f"""(WITH early AS MATERIALIZED (
                    SELECT {_CANDIDATE_COLUMNS} FROM (
                        SELECT {_CANDIDATE_COLUMNS}, title, body FROM search_document
                        WHERE {" AND ".join(entries)}
                        ORDER BY {_PRIOR} LIMIT {where.param(window)}
                    ) AS first WHERE {" AND ".join(text or ["true"])} LIMIT {pool_size}
                )
                SELECT * FROM early WHERE (SELECT count(*) FROM early) >= {pool_size}
                UNION ALL
                SELECT * FROM ({every_match}) AS late
                WHERE (SELECT count(*) FROM early) < {pool_size})"""
            )
    rank = f"ts_rank_cd(tokens, {where.param(rank_query)}::tsquery, 1)" if rank_query else "0"
    # The text of the page alone is read, for its highlights, once the page is known.
    rows = await conn.fetch(
        f"""
        SELECT page.subject_id, page.kind, page.score, document.title, document.body
        FROM (
            SELECT subject_id, kind, tier, {_SCORE.format(rank=rank)} AS score
            FROM ({_tiered(pools, where.param(candidates[1]))}) AS candidate
            ORDER BY tier, score DESC, subject_id
            LIMIT {where.param(limit + 1)} OFFSET {where.param(offset)}
        ) AS page
        JOIN search_document AS document USING (subject_id)
        ORDER BY page.tier, page.score DESC, page.subject_id
        """,
        *where.params,
    )
    hits = [
        Hit(r["subject_id"], r["kind"], float(r["score"]), r["title"], r["body"])
        for r in rows[:limit]
    ]
    return hits, len(rows) > limit


# What counting reads of a document: its facet columns, never its text.
_FACET_SOURCE = "kind, province, city, urgency, verification_status, category_codes"
_FACET_COLUMNS = (
    ("kinds", "kind"),
    ("provinces", "province"),
    ("cities", "city"),
    ("urgencies", "urgency"),
    ("verificationStatuses", "verification_status"),
)


def _counting(source: str, facets: bool) -> str:
    """Rows (facet, value, n) of the documents of `source`: 'total' always, the facets when
    asked for. The GROUPING SETS give every facet but the categories in one pass; the
    categories (an array) are unnested from the same rows, in the select list (a join with a
    function scan per row costs four times more)."""
    grouped = ", ".join(f"({column})" for _, column in _FACET_COLUMNS)
    facet_name = " ".join(
        f"WHEN GROUPING({column}) = 0 THEN '{name}'" for name, column in _FACET_COLUMNS
    )
    value = "coalesce(" + ", ".join(column for _, column in _FACET_COLUMNS) + ")"
    parts = [f"SELECT 'total' AS facet, NULL::text AS value, count(*) AS n FROM {source}"]
    if facets:
        parts += [
            f"""SELECT CASE {facet_name} END, {value}, count(*)
            FROM {source} GROUP BY GROUPING SETS ({grouped})""",
            f"""SELECT 'categories', code, count(*)
            FROM (SELECT unnest(category_codes) AS code FROM {source}) AS codes GROUP BY code""",
        ]
    return " UNION ALL ".join(parts)


def _counts_of(rows: Sequence[asyncpg.Record], total: bool, facets: bool, bound: int) -> Counts:
    matched = next(r["n"] for r in rows if r["facet"] == "total")
    exact = matched <= bound
    found: dict[str, dict[str, int]] | None = None
    if facets:
        found = {name: {} for name, _ in _FACET_COLUMNS}
        found["categories"] = {}
        for row in rows:
            if row["facet"] != "total" and row["value"] is not None:
                found[row["facet"]][row["value"]] = row["n"]
    return Counts(
        total=min(matched, bound) if total else 0,
        total_is_exact=exact,
        facets=found,
        facets_are_exact=exact,
    )


async def counts(
    conn: Connection,
    match: TextMatch,
    wanted: SearchFilter,
    *,
    total: bool,
    facets: bool,
    bound: int,
) -> Counts:
    """How many documents match and their counts by kind, province, city, category, urgency
    and verification status, as asked, over at most `bound` matches (then not exact): one
    statement that reads the facet columns of the matches (never their text), once."""
    where = _where(match, wanted)
    rows = await conn.fetch(
        f"""
        WITH matched AS MATERIALIZED (
            SELECT {_FACET_SOURCE} FROM search_document {where.sql()}
            LIMIT {where.param(bound + 1)}
        )
        {_counting("matched", facets)}
        """,
        *where.params,
    )
    return _counts_of(rows, total, facets, bound)


async def ranked_and_counted(
    conn: Connection,
    match: TextMatch,
    rank_query: str | None,
    wanted: SearchFilter,
    page: tuple[int, int],
    candidates: tuple[int, int],
    *,
    total: bool,
    facets: bool,
    bound: int,
) -> tuple[list[Hit], bool, Counts]:
    """`ranked` reading every match, and `counts`, from one pass over the matches: for a
    search whose matches are few (see hub.search.postgres), where both would read them all."""
    limit, offset = page
    where = _where(match, wanted)
    pool_size = where.param(candidates[0])
    organizations, entries = _pools(wanted)
    pools = [
        f"""(SELECT {_CANDIDATE_COLUMNS} FROM matched WHERE {condition}
        ORDER BY {_PRIOR} LIMIT {pool_size})"""
        for condition, wanted_pool in (
            (f"kind = '{ORGANIZATION}'", organizations),
            (f"kind <> '{ORGANIZATION}'", entries),
        )
        if wanted_pool
    ]
    rank = f"ts_rank_cd(tokens, {where.param(rank_query)}::tsquery, 1)" if rank_query else "0"
    rows = await conn.fetch(
        f"""
        WITH matched AS MATERIALIZED (
            SELECT {_CANDIDATE_COLUMNS}, province, city, urgency, category_codes
            FROM search_document {where.sql()}
        ), counted AS MATERIALIZED (
            SELECT {_FACET_SOURCE} FROM matched LIMIT {where.param(bound + 1)}
        ), page AS (
            SELECT subject_id, kind, tier, {_SCORE.format(rank=rank)} AS score
            FROM ({_tiered(pools, where.param(candidates[1]))}) AS candidate
            ORDER BY tier, score DESC, subject_id
            LIMIT {where.param(limit + 1)} OFFSET {where.param(offset)}
        )
        SELECT 'hit' AS part, page.subject_id, page.kind, page.tier, page.score, document.title,
               document.body, NULL::text AS facet, NULL::text AS value, NULL::bigint AS n
        FROM page JOIN search_document AS document USING (subject_id)
        UNION ALL
        SELECT 'count', NULL, NULL, NULL, NULL, NULL, NULL, facet, value, n
        FROM ({_counting("counted", facets)}) AS counting
        """,
        *where.params,
    )
    found = sorted(
        (r for r in rows if r["part"] == "hit"),
        key=lambda r: (r["tier"], -r["score"], r["subject_id"]),
    )
    hits = [
        Hit(r["subject_id"], r["kind"], float(r["score"]), r["title"], r["body"])
        for r in found[:limit]
    ]
    counted = _counts_of([r for r in rows if r["part"] == "count"], total, facets, bound)
    return hits, len(found) > limit, counted


def like_pattern(text: str) -> str:
    """`text` as an ILIKE pattern that matches it anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
