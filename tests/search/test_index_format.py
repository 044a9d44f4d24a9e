"""Upgrading an index written in an older lexeme format (migration 0027, hub/search/tokens.py
FORMAT): the indexer job rebuilds it, in one transaction, and marks it current."""

from __future__ import annotations

from uuid import UUID

from hub.domain.search import SearchFilter, parse_query
from hub.graphql.ids import parse_global_id
from hub.search.postgres import NAME, PostgresSearch
from hub.search.reindex import rebuild_outdated_postgres
from hub.search.tokens import FORMAT
from hub.store import search_index as store
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.search.conftest import build_corpus
from workers.search_indexer import index_postgres, index_round


async def _found(db: Database, query: str) -> set[UUID]:
    page = await PostgresSearch(db).search(parse_query(query), SearchFilter(), 20, 0)
    return {hit.subject_id for hit in page.hits}


async def _write_format_one(db: Database) -> None:
    """Make the index what a hub before format 2 left: whole CJK runs as lexemes (what
    to_tsvector('simple') makes of unsegmented text; jieba's words were no finer for 协和)."""
    async with db.transaction() as conn:
        await conn.execute(
            """
            UPDATE search_document
            SET tokens = setweight(to_tsvector('simple', title), 'A')
                      || setweight(to_tsvector('simple', body), 'B')
            """
        )
        await conn.execute("UPDATE search_position SET format = 1 WHERE backend = $1", NAME)


async def _format(db: Database) -> int | None:
    async with db.connection() as conn:
        return await store.get_format(conn, NAME)


async def test_an_index_in_format_one_is_rebuilt_and_finds_two_characters(
    gql: GraphQLClient, db: Database
) -> None:
    corpus = await build_corpus(gql, db)
    union = parse_global_id(corpus.union)
    assert union is not None
    await index_round(db, PostgresSearch(db))
    assert union[1] in await _found(db, "协和")
    await _write_format_one(db)
    assert union[1] not in await _found(db, "协和")  # what upgraded hubs would see

    await index_postgres(db)  # the job `hub serve` and `hub worker` run

    assert union[1] in await _found(db, "协和")
    assert await _format(db) == FORMAT
    # Current now: the next round rebuilds nothing.
    assert await rebuild_outdated_postgres(db) is None


async def test_a_new_index_is_written_in_the_current_format(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    assert await _format(db) is None  # never indexed
    await index_postgres(db)
    assert await _format(db) == FORMAT
    assert await rebuild_outdated_postgres(db) is None


async def test_a_rebuild_already_running_elsewhere_is_not_repeated(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    await index_round(db, PostgresSearch(db))
    await _write_format_one(db)
    async with db.transaction() as other:  # another process upgrading right now
        assert await store.try_lock_rebuild(other, NAME)
        assert await rebuild_outdated_postgres(db) is None
        assert await _format(db) == 1
    assert await rebuild_outdated_postgres(db) is not None
    assert await _format(db) == FORMAT
