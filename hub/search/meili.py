"""The Meilisearch search backend, for deployments too large for the PostgreSQL index.

Documents are the same as PostgreSQL's (hub.domain.search.SearchDocument), keyed by subject id;
the index settings (what is searchable, filterable, sortable, the ranking rules, synonyms) live
in schema/search/entries.json and are applied by `hub search setup` (`MeiliSearch.setup`).

How far the index has read the outbox is stored in PostgreSQL (search_position), once the
Meilisearch tasks that hold a batch have succeeded: a crash replays the batch, which is
idempotent. Rebuilding the index (hub.search.reindex) fills a new index beside the live one and
swaps them (`swap_in`), so searches never see a half-built index.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchError
from meilisearch_python_sdk.models.settings import MeilisearchSettings

from hub.domain.search import (
    ORGANIZATION,
    ParsedQuery,
    SearchDocument,
    SearchFilter,
)
from hub.schema_files import search_settings
from hub.search.backend import (
    EVERYTHING,
    FACETS,
    BackendUnavailable,
    Extras,
    SearchHit,
    SearchPage,
)
from hub.search.postgres import highlights_of
from hub.search.tokens import normalized, pieces
from hub.search.tsquery import cjk_words
from hub.store import search_index as store
from hub.store.db import Connection, Database

log = logging.getLogger(__name__)
# The client's HTTP library (used by nothing else in the hub) logs every request, and waiting
# for a task polls every 50 ms: at INFO that would drown the hub's own log.
logging.getLogger("httpx2").setLevel(logging.WARNING)

NAME = "meilisearch"
# What the documents hold (search_position.format, migration 0027): 1 the text as written,
# searched through jieba's words; 2 title_terms and body_terms as well (issue 16). An index of
# an older format is rebuilt by the indexer job (workers/search_indexer.py).
FORMAT = 2
DEFAULT_INDEX = "entries"
SETTINGS_PATH = search_settings()
# A search must answer quickly or give way to PostgreSQL.
REQUEST_TIMEOUT_SECONDS = 5
# How long a batch of documents (or a settings change, a swap) may take to be processed.
TASK_TIMEOUT_MS = 120_000
# The facets of a SearchPage and the document fields they count.
FACET_FIELDS = {
    "kinds": "kind",
    "provinces": "province",
    "cities": "city",
    "categories": "category_codes",
    "urgencies": "urgency",
    "verificationStatuses": "verification_status",
}
FILTER_FIELDS = (
    ("kind", "kinds"),
    ("province", "provinces"),
    ("city", "cities"),
    ("category_codes", "category_codes"),
    ("urgency", "urgencies"),
    ("verification_status", "verification_statuses"),
)


def load_settings(path: Path = SETTINGS_PATH) -> dict[str, Any]:
    """The index settings as written in schema/search (Meilisearch's own JSON)."""
    settings: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return settings


def settings_model(settings: dict[str, Any]) -> MeilisearchSettings:
    """The client's model of `settings`; ValueError for a setting it would silently drop."""
    model = MeilisearchSettings.model_validate(settings)
    kept = model.model_dump(by_alias=True, exclude_none=True)
    dropped = sorted(set(settings) - set(kept))
    if dropped:
        raise ValueError(f"settings the Meilisearch client does not know: {', '.join(dropped)}")
    return model


def query_locales(settings: dict[str, Any]) -> list[str] | None:
    """The languages the settings index text as, to cut queries the same way (a short Chinese
    query must not be taken for Japanese)."""
    locales = [
        locale for rule in settings.get("localizedAttributes") or [] for locale in rule["locales"]
    ]
    return list(dict.fromkeys(locales)) or None


def max_facet_values(settings: dict[str, Any]) -> int:
    """How many values of one facet Meilisearch returns at most (its default is 100)."""
    return int((settings.get("faceting") or {}).get("maxValuesPerFacet", 100))


def synonym_words(settings: dict[str, Any]) -> frozenset[str]:
    """The Chinese words of the settings' synonyms (口罩, 防护服, ...): queried as words, so
    that their synonyms apply, and so also indexed whole (see search_terms)."""
    return frozenset(
        normalized(word)
        for word in settings.get("synonyms") or {}
        if any(piece.cjk for piece in pieces(normalized(word)))
    )


def _bigrams(run: str) -> str:
    # One character stays itself: a run that short has no pair.
    return " ".join(run[i : i + 2] for i in range(len(run) - 1)) or run


# Between two runs of CJK text: a hard separator, so that no phrase of pairs spans them
# (Meilisearch counts 8 positions across it, 1 across a space).
RUN_SEPARATOR = "."


def search_terms(text: str, words: frozenset[str] = frozenset()) -> str:
    """`text` as Meilisearch searches it, so that every substring of CJK text is found.

    Meilisearch cuts Chinese with a jieba-like segmenter, so that 中南 is no word of
    城市便捷武汉中南路地铁口店 (cut 武汉/中/南路) and a search for it misses. Here each run of
    CJK characters is written as its neighbouring pairs, space-separated (中南 南路 路地 ...):
    cut alone, a pair is cut the same way in the document as in a query, so any two characters
    match, and a longer substring is the phrase of its pairs (query_text), at consecutive
    positions. Latin words stay as they are (typo tolerance and prefixes apply to them). Each
    of `words` (the synonyms' Chinese words) found in the text is added whole at the end, so
    that querying it as a word, as its synonyms need, cannot miss it either.
    """
    parts: list[str] = []
    runs: list[str] = []
    after_cjk = False
    for piece in pieces(normalized(text)):
        if piece.cjk:
            if after_cjk:
                parts.append(RUN_SEPARATOR)
            parts.append(_bigrams(piece.text))
            runs.append(piece.text)
        else:
            parts.append(piece.text)
        after_cjk = piece.cjk
    # A word of two characters is one of the pairs already.
    found = [w for w in sorted(words) if len(w) > 2 and any(w in run for run in runs)]
    return f" {RUN_SEPARATOR} ".join([" ".join(parts), *found]) if found else " ".join(parts)


def document_body(document: SearchDocument, words: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A search document as Meilisearch stores it (times as epoch seconds, to sort on): title
    and body as they are shown, and as they are searched (search_terms)."""
    return {
        "id": str(document.subject_id),
        "kind": document.kind,
        "organization_id": str(document.organization_id) if document.organization_id else None,
        "province": document.province,
        "city": document.city,
        "category_codes": list(document.category_codes),
        "urgency": document.urgency,
        "urgency_rank": document.urgency_rank,
        "verification_status": document.verification_status,
        "title": document.title,
        "body": document.body,
        "title_terms": search_terms(document.title, words),
        "body_terms": search_terms(document.body, words),
        "updated_at": document.updated_at.timestamp(),
    }


def quote(value: str) -> str:
    """`value` as a Meilisearch filter string literal: always quoted, `\\` and `"` escaped, so
    no value can ever be read as filter syntax."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expression(wanted: SearchFilter) -> str | None:
    """The Meilisearch filter of a SearchFilter (the semantics of hub.store.search._where)."""
    parts = []
    for field, attribute in FILTER_FIELDS:
        values: tuple[str, ...] = getattr(wanted, attribute)
        if values:
            parts.append(f"{field} IN [{', '.join(quote(v) for v in values)}]")
    if wanted.verified_entries_only:
        parts.append(f"(kind = {quote(ORGANIZATION)} OR verification_status = {quote('VERIFIED')})")
    return " AND ".join(parts) or None


def _plain(text: str) -> str:
    # No quote may open or close a phrase, no leading "-" negate a word: query text is text.
    return text.replace('"', " ").strip().lstrip("-").strip()


def _has_word(text: str) -> bool:
    # A letter or digit: "_", like other punctuation, separates words in Meilisearch.
    return any(c.isalnum() for c in text)


def _chunks(run: str, words: frozenset[str]) -> list[str]:
    # A longer run is cut into words as PostgreSQL cuts it (each must be found, not the whole
    # run: 防护服武汉 finds 防护服 and 武汉 apart); a lone character joins its neighbour, since
    # only pairs are indexed.
    if len(run) <= 2 or run in words:
        return [run]
    return cjk_words(run) or [run]


def _term_words(term: str, words: frozenset[str]) -> list[str]:
    # CJK text becomes phrases of pairs, which the searched fields hold at consecutive
    # positions; synonyms' words and Latin words stay words (typo tolerance, prefixes and
    # synonyms apply to words only).
    found = []
    for piece in pieces(normalized(term)):
        if not piece.cjk:
            found.append(piece.text)
            continue
        for chunk in _chunks(piece.text, words):
            keep = chunk in words or len(chunk) == 1
            found.append(chunk if keep else f'"{_bigrams(chunk)}"')
    return found


def _phrase(phrase: str) -> str | None:
    # The phrase's words, its CJK runs written as pairs as in the searched fields.
    found = [
        _bigrams(piece.text) if piece.cjk else piece.text for piece in pieces(normalized(phrase))
    ]
    return f'"{" ".join(found)}"' if found else None


def query_text(query: ParsedQuery, words: frozenset[str] = frozenset()) -> str | None:
    """The `q` of a search: its words, then its phrases in quotes; None when nothing in the
    query is a word Meilisearch indexes (punctuation only), so that it matches nothing rather
    than everything as an empty `q` would.

    CJK text is matched as ILIKE would, anywhere in a word: as the phrase of its pairs (see
    search_terms), a run cut into words as PostgreSQL cuts it, except the synonyms' `words`,
    kept whole so that their synonyms apply.
    """
    terms = [w for t in query.terms for w in _term_words(_plain(t), words) if _has_word(w)]
    phrases = [p for p in (_phrase(_plain(p)) for p in query.phrases) if p is not None]
    if not terms and not phrases:
        return None
    return " ".join([*terms, *phrases])


def _empty_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in FACETS}


def facets_of(distribution: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    """Meilisearch's facetDistribution under the names of SearchPage.facets."""
    found = _empty_facets()
    for name, field in FACET_FIELDS.items():
        counts = (distribution or {}).get(field) or {}
        found[name] = {str(value): int(n) for value, n in counts.items()}
    return found


@contextmanager
def _reachable(doing: str) -> Iterator[None]:
    """Turn Meilisearch being down, slow or refusing into BackendUnavailable."""
    try:
        yield
    except (MeilisearchError, httpx2.HTTPError, OSError, TimeoutError) as error:
        raise BackendUnavailable(f"{NAME} could not {doing}: {error}") from error


class MeiliSearch:
    """Documents in a Meilisearch index, searched with the settings of schema/search."""

    name = NAME

    def __init__(
        self,
        db: Database,
        url: str,
        api_key: str | None = None,
        *,
        index: str = DEFAULT_INDEX,
        settings_path: Path = SETTINGS_PATH,
        timeout: int = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        self.db = db
        self._url = url
        self._key = api_key
        self._timeout = timeout
        self.index = index
        self._settings_path = settings_path
        settings = load_settings(settings_path)
        self._locales = query_locales(settings)
        self._words = synonym_words(settings)
        self._max_facet_values = max_facet_values(settings)
        self._client: AsyncClient | None = None
        # The stored position `position()` last read: a batch read from there may only move
        # the position on if nothing (a reindex) moved it meanwhile.
        self._read_from: int | None = None
        self._checked = False

    async def outdated(self) -> bool:
        """Whether this index holds documents in an older format than the code writes."""
        async with self.db.connection() as conn:
            stored = await store.get_format(conn, self.position_key)
        return stored is not None and stored < FORMAT

    @property
    def position_key(self) -> str:
        """The row of search_position that holds this index's position."""
        return NAME if self.index == DEFAULT_INDEX else f"{NAME}:{self.index}"

    def _meili(self) -> AsyncClient:
        if self._client is None:
            # Uncompressed answers: httpx asks for gzip, and gzipped, chunked answers with facets
            # stalled about 40 ms each while bench/search.py was written; next to the hub,
            # compression saves nothing anyway.
            self._client = AsyncClient(
                self._url,
                self._key,
                timeout=self._timeout,
                custom_headers={"Accept-Encoding": "identity"},
            )
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connections (the backend opens new ones if used again)."""
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    @asynccontextmanager
    async def _position_lock(self) -> AsyncIterator[Connection]:
        """A transaction holding this index's writer lock: a batch (documents, wait, position)
        and a reindex's swap (swap, wait, position) never interleave.

        The lock is the row of a companion key in search_position, upserted and so locked to
        the end of the transaction (no other SQL than the store's is needed).
        """
        async with self.db.transaction() as conn:
            await store.set_position(conn, f"{self.position_key}:lock", 0)
            yield conn

    async def _wait(self, task_uid: int, doing: str) -> None:
        with _reachable(doing):
            result = await self._meili().wait_for_task(task_uid, timeout_in_ms=TASK_TIMEOUT_MS)
        if result.status != "succeeded":
            raise BackendUnavailable(f"{NAME} could not {doing}: task {task_uid}: {result.error}")

    async def setup(self, index: str | None = None) -> None:
        """Create the index if needed and apply schema/search/entries.json to it."""
        uid = index or self.index
        settings = settings_model(load_settings(self._settings_path))
        client = self._meili()
        with _reachable(f"set up the index {uid}"):
            if await client.get_raw_index(uid) is None:
                await client.create_index(uid, primary_key="id")
            task = await client.index(uid).update_settings(settings)
        await self._wait(task.task_uid, f"apply the settings of {uid}")

    async def _ensure_index(self) -> None:
        """Set the index up on first use if nobody ran `hub search setup` yet (documents added
        to a missing index would create it without any of its settings)."""
        if self._checked:
            return
        with _reachable(f"find the index {self.index}"):
            exists = await self._meili().get_raw_index(self.index) is not None
        if not exists:
            log.warning("%s: the index %s is missing; setting it up", NAME, self.index)
            await self.setup()
        self._checked = True

    async def position(self) -> int:
        """How far this index has read the outbox (stored in PostgreSQL)."""
        async with self.db.connection() as conn:
            self._read_from = await store.get_position(conn, self.position_key)
        return self._read_from

    async def write(
        self, uid: str, documents: Sequence[SearchDocument], removed: Sequence[UUID]
    ) -> None:
        """Add or replace `documents` and delete `removed` in the index `uid`, and wait until
        Meilisearch has done both."""
        client = self._meili()
        tasks = []
        with _reachable(f"write to the index {uid}"):
            index = client.index(uid)
            if documents:
                body = [document_body(d, self._words) for d in documents]
                tasks.append((await index.add_documents(body, primary_key="id")).task_uid)
            if removed:
                tasks.append((await index.delete_documents([str(i) for i in removed])).task_uid)
        for task_uid in tasks:
            await self._wait(task_uid, f"write to the index {uid}")

    async def apply(
        self, documents: Sequence[SearchDocument], removed: Sequence[UUID], position: int
    ) -> None:
        """Add or replace `documents`, delete `removed`, wait until Meilisearch has done both,
        and only then store `position` (replaying a batch is harmless, losing one is not)."""
        await self._ensure_index()
        async with self._position_lock() as conn:
            await self.write(self.index, documents, removed)
            current = await store.get_position(conn, self.position_key)
            if self._read_from is not None and current != self._read_from:
                # A reindex (or another indexer) moved the position since this batch was read:
                # leave it, the next round reads from there (replays are idempotent).
                log.info(
                    "%s: position moved to %d meanwhile; not storing %d", NAME, current, position
                )
            else:
                await store.set_position(conn, self.position_key, position, format_if_new=FORMAT)
            self._read_from = None

    def search_arguments(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> dict[str, Any] | None:
        """What `search` asks Meilisearch for (the client's keyword arguments of a search);
        None when the query can match nothing (punctuation only)."""
        text = query_text(query, self._words)
        if text is None and not query.empty:
            return None
        # The kinds' counts are the exact total; the other facets only when asked for.
        counted = extras.total or extras.facets
        if extras.facets:
            facet_fields: list[str] | None = list(FACET_FIELDS.values())
        elif extras.total:
            facet_fields = [FACET_FIELDS["kinds"]]
        else:
            facet_fields = None
        return {
            "query": text,
            "offset": offset,
            # Without a count, one hit more than the page tells whether another follows.
            "limit": limit if counted else limit + 1,
            "filter": filter_expression(wanted),
            "facets": facet_fields,
            "attributes_to_retrieve": ["id", "kind", "title", "body"],
            "matching_strategy": "all",
            "show_ranking_score": True,
            "locales": self._locales,
        }

    async def search(
        self,
        query: ParsedQuery,
        wanted: SearchFilter,
        limit: int,
        offset: int,
        extras: Extras = EVERYTHING,
    ) -> SearchPage:
        """Matching documents, best first, with the total and facets over the whole result
        when asked for."""
        arguments = self.search_arguments(query, wanted, limit, offset, extras)
        if arguments is None:
            return SearchPage([], 0, _empty_facets() if extras.facets else {}, False)
        counted = extras.total or extras.facets
        with _reachable("search"):
            result = await self._meili().index(self.index).search(**arguments)
        facets = facets_of(result.facet_distribution)
        if counted:
            # Every document has one kind: the kind counts add up to every match, exactly (the
            # estimatedTotalHits of offset paging is an estimate that stops at maxTotalHits).
            total = sum(facets["kinds"].values())
            has_more = offset + len(result.hits) < total
        else:
            # One hit more than the page, asked for only to tell whether another page follows.
            total = 0
            has_more = len(result.hits) > limit
        hits = [
            SearchHit(
                UUID(str(hit["id"])),
                str(hit["kind"]),
                float(hit.get("_rankingScore") or 0.0),
                highlights_of(str(hit.get("title", "")), str(hit.get("body", "")), query),
            )
            for hit in result.hits[:limit]
        ]
        return SearchPage(
            hits,
            total if extras.total else 0,
            facets if extras.facets else {},
            has_more,
            # Meilisearch counts facet values over every match, whatever their number: the
            # total is exact, and so are the facets unless one was cut at maxValuesPerFacet.
            total_is_exact=True,
            facets_are_exact=all(len(v) < self._max_facet_values for v in facets.values()),
        )

    async def swap_in(self, new: str, position: int) -> bool:
        """Make `new` the live index (swapped with the old one, or renamed when there is none)
        and set the position, under the writer lock; whether an old index was swapped out
        (`new` then names the old documents)."""
        client = self._meili()
        async with self._position_lock() as conn:
            with _reachable(f"find the index {self.index}"):
                live_exists = await client.get_raw_index(self.index) is not None
            with _reachable(f"swap {new} with {self.index}"):
                if live_exists:
                    task = await client.swap_indexes([(self.index, new)])
                else:
                    task = await client.swap_indexes([(new, self.index)], rename=True)
            await self._wait(task.task_uid, f"swap {new} with {self.index}")
            await store.set_position(conn, self.position_key, position, format_if_new=FORMAT)
            # A rebuilt index holds documents as this code writes them.
            await store.set_format(conn, self.position_key, FORMAT)
        self._checked = True
        return live_exists

    async def drop(self, uid: str) -> None:
        """Delete the index `uid` if it exists; a failure is logged, not raised (clean-up)."""
        try:
            await self._meili().delete_index_if_exists(uid)
        except (MeilisearchError, httpx2.HTTPError, OSError) as error:
            log.warning("%s: could not delete the index %s: %s", NAME, uid, error)

    async def delete(self) -> None:
        """Delete the index and everything in it."""
        with _reachable(f"delete the index {self.index}"):
            await self._meili().delete_index_if_exists(self.index)
        self._checked = False
