"""What only the Meilisearch backend has: settings from schema/search, safe filters, reindexing
by swap, the fallback to PostgreSQL, and the indexer job's backoff and durable position."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from meilisearch_python_sdk import AsyncClient

from hub.domain.enums import EventType
from hub.domain.search import SearchDocument, SearchFilter, parse_query
from hub.graphql.ids import parse_global_id
from hub.search.backend import BackendUnavailable, Extras
from hub.search.meili import (
    FORMAT,
    MeiliSearch,
    document_body,
    filter_expression,
    load_settings,
    query_text,
    quote,
    search_terms,
    synonym_words,
)
from hub.search.postgres import PostgresSearch
from hub.search.reindex import outbox_position, rebuild_meilisearch
from hub.search.service import SearchService
from hub.search.setup import search_service
from hub.services.search_documents import documents_of
from hub.settings import Settings
from hub.store import search_index as store
from hub.store.db import Database
from hub.store.outbox import record_event
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.search.conftest import Corpus, build_corpus, meili_backend, meili_server
from workers.search_indexer import (
    BACKOFF_MAX_SECONDS,
    MeiliIndexJob,
    index_meilisearch,
    index_round,
)

EVERY = SearchFilter(verification_statuses=("PENDING", "IN_REVIEW", "VERIFIED"))


def _document(title: str, body: str = "", **fields: object) -> SearchDocument:
    values: dict[str, object] = {
        "subject_id": uuid.uuid4(),
        "kind": "OFFER",
        "organization_id": None,
        "province": "广东省",
        "city": "深圳市",
        "category_codes": (),
        "urgency": None,
        "verification_status": "VERIFIED",
        "title": title,
        "body": body,
        "updated_at": datetime.now(UTC),
    }
    values.update(fields)
    return SearchDocument(**values)  # type: ignore[arg-type]


def _dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


async def _ids(backend: MeiliSearch | PostgresSearch, query: str = "") -> set[UUID]:
    page = await backend.search(parse_query(query), EVERY, 100, 0)
    return {hit.subject_id for hit in page.hits}


def _subject(global_id: str) -> UUID:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


# Pure functions: no server needed.


def test_filter_values_are_always_quoted_and_escaped() -> None:
    assert quote('湖北省" OR kind = "ORGANIZATION') == '"湖北省\\" OR kind = \\"ORGANIZATION"'
    assert quote("a\\") == '"a\\\\"'
    wanted = SearchFilter(provinces=('x" OR 1=1',), kinds=("NEED",), verified_entries_only=True)
    assert filter_expression(wanted) == (
        'kind IN ["NEED"] AND province IN ["x\\" OR 1=1"]'
        ' AND (kind = "ORGANIZATION" OR verification_status = "VERIFIED")'
    )
    assert filter_expression(SearchFilter()) is None


def test_query_text_keeps_words_and_phrases_and_drops_operators() -> None:
    assert query_text(parse_query('口罩 "医用防护服" n95')) == '"口罩" n95 "医用 用防 防护 护服"'
    assert query_text(parse_query('"n95 mask"')) == '"n95 mask"'
    assert query_text(parse_query("-n95 口罩")) == 'n95 "口罩"'  # no negation operator
    assert query_text(parse_query("% _ \\ --")) is None  # nothing to match: not everything
    assert query_text(parse_query("")) is None


def test_searched_text_holds_each_cjk_run_as_its_pairs_and_the_synonyms_words_whole() -> None:
    words = synonym_words(load_settings())
    assert {"口罩", "防护服", "呼吸机"} <= words
    assert "mask" not in words
    assert search_terms("城市便捷武汉中南路店, 如顺丰95338", words) == (
        "城市 市便 便捷 捷武 武汉 汉中 中南 南路 路店 . 如顺 顺丰 95338"
    )
    assert search_terms("一次性医用防护服 N95", words) == (
        "一次 次性 性医 医用 用防 防护 护服 n95 . 防护服"
    )
    # Runs apart stay apart (a hard separator); a lone character is itself.
    assert search_terms("武汉 协和，店", words) == "武汉 . 协和 . 店"
    body = document_body(_document("ＫＮ９５口罩", "武汉中南路"), words)
    assert (body["title_terms"], body["body_terms"]) == ("kn95 口罩", "武汉 汉中 中南 南路")
    assert (body["title"], body["body"]) == ("ＫＮ９５口罩", "武汉中南路")  # shown as written


def test_query_text_asks_for_cjk_text_as_phrases_of_pairs_and_keeps_synonyms_words() -> None:
    words = synonym_words(load_settings())
    assert query_text(parse_query("中南"), words) == '"中南"'
    assert query_text(parse_query("中南路 顺丰"), words) == '"中南 南路" "顺丰"'
    # Cut as PostgreSQL cuts it: each word must be found, not the whole run.
    assert query_text(parse_query("汉中南路地铁"), words) == '"汉中" "南路" "地铁"'
    # A lone character joins its neighbour: only pairs are indexed.
    assert query_text(parse_query("院附属协"), words) == '"院附 附属 属协"'
    # A synonym's word stays a word, so that 防护服 still finds coveralls.
    assert query_text(parse_query("防护服 武汉"), words) == '防护服 "武汉"'
    assert query_text(parse_query("n95口罩"), words) == "n95 口罩"
    assert query_text(parse_query('"n95 口罩"'), words) == '"n95 口罩"'
    assert query_text(parse_query("Ｎ９５"), words) == "n95"


async def test_a_search_asks_only_for_the_counts_it_needs(db: Database) -> None:
    backend = MeiliSearch(db, _dead_url())  # no request is made
    query = parse_query("中南 口罩")
    first = backend.search_arguments(query, EVERY, 20, 0)
    assert first is not None
    assert (first["query"], first["limit"], first["locales"]) == ('"中南" 口罩', 20, ["cmn", "eng"])
    assert set(first["facets"]) == {"kind", "province", "city", "category_codes", "urgency",
                                    "verification_status"}  # fmt: skip
    total_only = backend.search_arguments(query, EVERY, 20, 0, Extras(total=True, facets=False))
    assert total_only is not None and total_only["facets"] == ["kind"]
    # A next page: no facet at all, one hit more to tell whether another page follows.
    quiet = backend.search_arguments(query, EVERY, 20, 20, Extras(total=False, facets=False))
    assert quiet is not None
    assert (quiet["facets"], quiet["limit"], quiet["offset"]) == (None, 21, 20)
    assert backend.search_arguments(parse_query("% _"), EVERY, 20, 0) is None


def test_the_settings_file_has_what_the_index_relies_on() -> None:
    settings = load_settings()
    assert settings["searchableAttributes"] == ["title_terms", "body_terms"]
    assert settings["rankingRules"][-2:] == ["urgency_rank:asc", "updated_at:desc"]
    assert "mask" in settings["synonyms"]["口罩"]
    assert "口罩" in settings["synonyms"]["mask"]
    assert settings["pagination"]["maxTotalHits"] == 1000


# Against the test server.


async def test_setup_applies_the_settings_of_schema_search(db: Database) -> None:
    async with meili_backend(db) as backend:
        url, key = meili_server()
        async with AsyncClient(url, key) as client:
            applied = await client.index(backend.index).get_settings()
        expected = load_settings()
        assert applied.synonyms == expected["synonyms"]
        assert applied.ranking_rules == expected["rankingRules"]
        assert applied.localized_attributes is not None
        assert applied.localized_attributes[0].locales == ["cmn", "eng"]


async def test_synonyms_find_english_documents_by_chinese_words(db: Database) -> None:
    mask = _document("Surgical mask, 3-ply", "box of 50")
    coverall = _document("Tyvek coverall", "size L")
    suit = _document("Disposable protective suit", "size M")
    other = _document("Drinking water", "bottled")
    async with meili_backend(db) as backend:
        await backend.apply([mask, coverall, suit, other], [], 1)
        assert await _ids(backend, "口罩") == {mask.subject_id}
        assert await _ids(backend, "防护服") == {coverall.subject_id, suit.subject_id}
        assert await _ids(backend, "mask") == {mask.subject_id}


async def test_counts_say_whether_they_are_exact_and_next_pages_whether_more_follow(
    db: Database, tmp_path: Path
) -> None:
    # Three cities, and a server that returns two values of a facet at most.
    settings = load_settings()
    settings["faceting"] = {"maxValuesPerFacet": 2}
    path = tmp_path / "entries.json"
    path.write_text(json.dumps(settings), encoding="utf-8")
    url, key = meili_server()
    backend = MeiliSearch(db, url, key, index=f"test_{uuid.uuid4().hex}", settings_path=path)
    cities = ("武汉市", "孝感市", "黄冈市")
    try:
        await backend.setup()
        await backend.apply([_document(f"{c}口罩", city=c) for c in cities], [], 1)
        page = await backend.search(parse_query("口罩"), EVERY, 2, 0)
        assert (page.total, page.total_is_exact, page.has_more) == (3, True, True)
        assert len(page.facets["cities"]) == 2
        assert page.facets_are_exact is False  # a third city was cut off
        narrow = await backend.search(parse_query("武汉"), EVERY, 2, 0)
        assert narrow.facets["cities"] == {"武汉市": 1}
        assert narrow.facets_are_exact is True
        # A next page asks for no count, and still knows whether another follows.
        quiet = Extras(total=False, facets=False)
        second = await backend.search(parse_query("口罩"), EVERY, 1, 1, quiet)
        last = await backend.search(parse_query("口罩"), EVERY, 1, 2, quiet)
        assert (second.total, second.facets, len(second.hits)) == (0, {}, 1)
        assert (second.has_more, last.has_more, len(last.hits)) == (True, False, 1)
    finally:
        try:
            await backend.delete()
        finally:
            await backend.aclose()


async def test_a_filter_value_cannot_inject_filter_syntax(db: Database) -> None:
    hubei = _document("武汉 口罩", province="湖北省")
    organization = _document("某机构", kind="ORGANIZATION", province="北京市")
    async with meili_backend(db) as backend:
        await backend.apply([hubei, organization], [], 1)
        for province in (
            '湖北省" OR kind = "ORGANIZATION',
            "湖北省\\",
            '"',
            "\\",
            "湖北省' OR 1=1",
        ):
            wanted = SearchFilter(provinces=(province,))
            page = await backend.search(parse_query(""), wanted, 10, 0)
            assert (page.hits, page.total) == ([], 0), province
        page = await backend.search(parse_query(""), SearchFilter(provinces=("湖北省",)), 10, 0)
        assert [h.subject_id for h in page.hits] == [hubei.subject_id]


async def test_apply_stores_the_position_in_postgres_after_meilisearch_did_the_batch(
    db: Database,
) -> None:
    document = _document("呼吸机")
    async with meili_backend(db) as backend:
        assert await backend.position() == 0
        await backend.apply([document], [], 7)
        async with db.connection() as conn:
            assert await store.get_position(conn, backend.position_key) == 7
        # A restart (a new backend on the same index) resumes from there.
        again = MeiliSearch(db, *meili_server(), index=backend.index)
        try:
            assert await again.position() == 7
        finally:
            await again.aclose()
        await backend.apply([], [document.subject_id], 8)
        assert await _ids(backend, "呼吸机") == set()


async def test_a_batch_read_before_a_reindex_does_not_move_the_position_past_it(
    db: Database,
) -> None:
    async with meili_backend(db) as backend:
        await backend.apply([], [], 50)
        assert await backend.position() == 50  # an indexer reads from 50 ...
        async with db.transaction() as conn:  # ... a reindex sets the position back to 20 ...
            await store.set_position(conn, backend.position_key, 20)
        await backend.apply([_document("口罩")], [], 60)  # ... the batch (50, 60] lands late
        assert await backend.position() == 20  # and (20, 60] will be replayed


async def test_deleted_rejected_and_merged_entries_leave_the_index(
    gql: GraphQLClient, db: Database
) -> None:
    corpus = await build_corpus(gql, db)
    async with meili_backend(db) as backend:
        await index_round(db, backend)
        union, kn95, goggles = (
            _subject(corpus.union),
            _subject(corpus.kn95_offer),
            _subject(corpus.goggles_offer),
        )
        assert {union, kn95, goggles} <= await _ids(backend)
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE entry SET verification_status = 'REJECTED' WHERE id = $1", kn95
            )
            await record_event(conn, kn95, "OFFER", EventType.REJECTED, {})
            await conn.execute("UPDATE entry SET merged_into = $1 WHERE id = $2", union, goggles)
            await record_event(conn, goggles, "OFFER", EventType.UPDATED, {})
        await index_round(db, backend)
        found = await _ids(backend)
        assert union in found
        assert kn95 not in found
        assert goggles not in found
        assert _subject(corpus.closed) not in found


async def test_reindex_swaps_in_a_full_index_without_downtime(
    gql: GraphQLClient, db: Database
) -> None:
    corpus = await build_corpus(gql, db)
    async with meili_backend(db) as backend:
        await index_round(db, backend)
        before = await _ids(backend)
        assert len(before) >= 8
        stale = _document("不该存在的文档")  # in the index, but of nothing in the database
        await backend.apply([stale], [], await backend.position())
        steps: list[tuple[int, int]] = []
        searching = True

        async def search_meanwhile() -> int:
            searches = 0
            while searching:
                page = await backend.search(parse_query("医院"), EVERY, 50, 0)
                assert page.total >= 3  # never an empty or half-built index
                searches += 1
                await asyncio.sleep(0)
            return searches

        searcher = asyncio.create_task(search_meanwhile())
        try:
            indexed = await rebuild_meilisearch(
                backend, lambda done, total: steps.append((done, total))
            )
        finally:
            searching = False
        assert await searcher >= 1
        assert indexed == len(before)
        assert await _ids(backend) == before  # the stale document is gone, nothing was lost
        assert steps[0][0] == 0
        assert steps[-1][0] == steps[-1][1] > 0
        assert await backend.position() == await outbox_position(db)
        url, key = meili_server()
        async with AsyncClient(url, key) as client:
            names = {i.uid for i in await client.get_indexes() or []}
        assert [n for n in names if n.startswith(f"{backend.index}_")] == []  # old one deleted
        assert _subject(corpus.union) in await _ids(backend, "协和")


async def test_reindex_creates_the_index_when_there_is_none(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    async with meili_backend(db) as backend:
        await backend.delete()
        indexed = await rebuild_meilisearch(backend)
        assert indexed >= 8
        assert len(await _ids(backend)) == indexed


async def test_an_unreachable_meilisearch_falls_back_to_postgres(
    gql: GraphQLClient, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = await build_corpus(gql, db)
    await index_round(db, PostgresSearch(db))
    dead = MeiliSearch(db, _dead_url(), "key")
    try:
        with pytest.raises(BackendUnavailable):
            await dead.search(parse_query("协和"), SearchFilter(), 10, 0)
        service = SearchService(PostgresSearch(db), dead)
        with caplog.at_level(logging.WARNING):
            answer = await service.search(parse_query("协和"), SearchFilter(), 10, 0)
    finally:
        await dead.aclose()
    assert answer.backend == "postgres"
    assert answer.fallback_reason == "meilisearch is unreachable"
    assert _subject(corpus.union) in {h.subject_id for h in answer.result.hits}
    assert "meilisearch unavailable" in caplog.text


async def test_the_service_prefers_meilisearch_when_it_is_configured(db: Database) -> None:
    query, wanted = parse_query("口罩"), SearchFilter()
    alone = await search_service(db).search(query, wanted, 10, 0)
    assert (alone.backend, alone.fallback_reason) == ("postgres", None)
    configured = search_service(db, Settings(meili_url=_dead_url()))
    answer = await configured.search(query, wanted, 10, 0)
    assert (answer.backend, answer.fallback_reason) == ("postgres", "meilisearch is unreachable")


async def test_the_indexer_job_backs_off_while_meilisearch_is_down_and_warns_once(
    gql: GraphQLClient, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await build_corpus(gql, db)
    assert index_meilisearch(Settings()) is None  # not configured: no job
    now = [1000.0]
    job = MeiliIndexJob(Settings(meili_url=_dead_url()), clock=lambda: now[0])
    try:
        with caplog.at_level(logging.WARNING, logger="workers.search_indexer"):
            await job(db)
            assert job.failures == 1
            assert job.retry_at == 1001.0
            await job(db)  # backing off: not even tried
            assert job.failures == 1
            delays = []
            for _ in range(10):
                now[0] = job.retry_at
                await job(db)
                delays.append(job.retry_at - now[0])
        assert delays[:3] == [2.0, 4.0, 8.0]
        assert max(delays) == BACKOFF_MAX_SECONDS
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1  # one warning per outage
    finally:
        await job.aclose()


async def test_the_indexer_job_resumes_from_the_stored_position(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    url, key = meili_server()
    settings = Settings(meili_url=url, meili_key=key)
    async with meili_backend(db) as backend:
        first = MeiliIndexJob(settings, index=backend.index)
        try:
            await first(db)
        finally:
            await first.aclose()
        assert first.failures == 0
        assert await backend.position() == await outbox_position(db)
        assert len(await _ids(backend)) >= 8
        # Something new, then a restarted job (a new process): it starts from the stored
        # position and indexes only what is new.
        value = need_input()
        value["organization"] = {**value["organization"], "name": "荆州市第一人民医院"}
        payload = (await gql.data(SUBMIT_NEED, {"input": value}))["submitNeed"]
        assert payload["userErrors"] == []
        seen = await backend.position()
        restarted = MeiliIndexJob(settings, index=backend.index)
        try:
            await restarted(db)
        finally:
            await restarted.aclose()
        assert await backend.position() == await outbox_position(db) > seen
        assert _subject(payload["need"]["id"]) in await _ids(backend, "荆州")


async def test_the_corpus_is_searchable_through_the_service(
    gql: GraphQLClient, db: Database
) -> None:
    corpus: Corpus = await build_corpus(gql, db)
    async with meili_backend(db) as backend:
        await index_round(db, backend)
        service = SearchService(PostgresSearch(db), backend)
        answer = await service.search(parse_query("呼吸机"), SearchFilter(), 10, 0)
    assert answer.backend == "meilisearch"
    assert answer.fallback_reason is None
    assert [h.subject_id for h in answer.result.hits] == [_subject(corpus.xiaogan)]


async def test_writes_made_while_meilisearch_is_down_reach_it_when_it_is_back(
    gql: GraphQLClient, db: Database
) -> None:
    url, key = meili_server()
    async with meili_backend(db) as backend:
        before = await backend.position()
        # Down: the job's server does not answer. Its position is the same row (same index).
        down = MeiliIndexJob(Settings(meili_url=_dead_url(), meili_key=key), index=backend.index)
        try:
            await build_corpus(gql, db)
            await down(db)
        finally:
            await down.aclose()
        assert down.failures == 1
        assert await backend.position() == before
        # Back: the next job resumes from the stored position and the index converges.
        back = MeiliIndexJob(Settings(meili_url=url, meili_key=key), index=backend.index)
        try:
            await back(db)
        finally:
            await back.aclose()
        assert back.failures == 0
        async with db.connection() as conn:
            entry_ids = [r["id"] for r in await conn.fetch("SELECT id FROM entry")]
            org_ids = [r["id"] for r in await conn.fetch("SELECT id FROM organization")]
            expected, _removed = await documents_of(conn, entry_ids, org_ids)
        assert await _ids(backend) == {d.subject_id for d in expected}
        async with AsyncClient(url, key) as client:
            index = client.index(backend.index)
            for document in expected:  # entry by entry
                stored = await index.get_document(str(document.subject_id))
                assert (stored["kind"], stored["title"], stored["body"]) == (
                    document.kind,
                    document.title,
                    document.body,
                )


async def test_an_index_of_an_older_format_is_rebuilt_by_the_indexer_job(
    gql: GraphQLClient, db: Database
) -> None:
    # An index written before issue 16 holds no title_terms: queries for 中南-like substrings
    # find nothing in it until it is rebuilt, which the job does by itself.
    await build_corpus(gql, db)
    url, key = meili_server()
    settings = Settings(meili_url=url, meili_key=key)
    async with meili_backend(db) as backend:
        job = MeiliIndexJob(settings, index=backend.index)
        try:
            await job(db)
            async with db.transaction() as conn:
                assert await store.get_format(conn, backend.position_key) == FORMAT
                await store.set_format(conn, backend.position_key, 1)
            assert await backend.outdated()
            before = await _ids(backend)
            await job(db)
        finally:
            await job.aclose()
        assert job.failures == 0
        assert not await backend.outdated()
        assert await _ids(backend) == before
