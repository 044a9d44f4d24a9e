"""The indexer: resumable, idempotent, and the index converges to the database."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg
import pytest

from hub.domain.enums import EventType
from hub.domain.search import SearchDocument
from hub.graphql.ids import parse_global_id
from hub.search.postgres import PostgresSearch
from hub.services.search_documents import documents_of
from hub.store import search_index as store
from hub.store.db import Database
from hub.store.outbox import record_event
from tests.conftest import GraphQLClient
from tests.search.conftest import build_corpus
from workers.search_indexer import index_round


class Crash(Exception):
    """The indexer process dying between two steps."""


class CrashingBackend(PostgresSearch):
    """PostgreSQL search that dies at its `crash_at`-th batch (before writing anything)."""

    def __init__(self, db: Database, crash_at: int) -> None:
        super().__init__(db)
        self.batches = 0
        self.crash_at = crash_at

    async def apply(
        self, documents: Sequence[SearchDocument], removed: Sequence[UUID], position: int
    ) -> None:
        self.batches += 1
        if self.batches == self.crash_at:
            raise Crash
        await super().apply(documents, removed, position)


async def _snapshot(db: Database) -> dict[UUID, tuple[str, str, str, str]]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT subject_id, kind, title, body, tokens::text AS t FROM search_document"
        )
    return {r["subject_id"]: (r["kind"], r["title"], r["body"], r["t"]) for r in rows}


async def _expected(db: Database) -> dict[UUID, tuple[str, str, str]]:
    """What the index must hold: the documents of every entry and organization, as they are."""
    async with db.connection() as conn:
        entry_ids = [r["id"] for r in await conn.fetch("SELECT id FROM entry")]
        org_ids = [r["id"] for r in await conn.fetch("SELECT id FROM organization")]
        documents, _removed = await documents_of(conn, entry_ids, org_ids)
    return {d.subject_id: (d.kind, d.title, d.body) for d in documents}


async def _converged(db: Database) -> None:
    index = await _snapshot(db)
    expected = await _expected(db)
    assert set(index) == set(expected)
    for subject_id, (kind, title, body) in expected.items():  # entry by entry
        assert index[subject_id][:3] == (kind, title, body), subject_id


async def test_a_crash_mid_run_loses_nothing_and_a_restart_converges(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    crashing = CrashingBackend(db, crash_at=3)
    with pytest.raises(Crash):
        await index_round(db, crashing, batch=2)
    async with db.connection() as conn:
        stopped_at = await store.get_position(conn, "postgres")
    assert stopped_at > 0  # two batches made it
    await index_round(db, PostgresSearch(db), batch=2)
    await _converged(db)


async def test_a_batch_is_written_whole_or_not_at_all(gql: GraphQLClient, db: Database) -> None:
    await build_corpus(gql, db)
    backend = PostgresSearch(db)
    async with db.connection() as conn:
        entry_ids = [r["id"] for r in await conn.fetch("SELECT id FROM entry")]
        documents, _ = await documents_of(conn, entry_ids, [])
    # A position that cannot be stored fails the transaction after the documents were written.
    with pytest.raises(asyncpg.DataError):
        await backend.apply(documents, [], 2**70)
    assert await _snapshot(db) == {}
    assert await backend.position() == 0


async def test_replaying_the_same_events_leaves_the_same_index(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    backend = PostgresSearch(db)
    await index_round(db, backend)
    before = await _snapshot(db)
    async with db.connection() as conn:
        await store.set_position(conn, "postgres", 0)
    await index_round(db, backend)
    assert await _snapshot(db) == before
    await _converged(db)


async def test_renaming_an_organization_reindexes_its_entries(
    gql: GraphQLClient, db: Database
) -> None:
    corpus = await build_corpus(gql, db)
    backend = PostgresSearch(db)
    await index_round(db, backend)
    parsed = parse_global_id(corpus.union_organization)
    assert parsed is not None
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE organization SET name = '华中科技大学协和医院' WHERE id = $1", parsed[1]
        )
        await record_event(conn, parsed[1], "ORGANIZATION", EventType.UPDATED, {})
    await index_round(db, backend)
    await _converged(db)
    titles = [t for _k, t, _b, _x in (await _snapshot(db)).values()]
    assert sum("华中科技大学协和医院" in t for t in titles) == 2  # the organization and its need
