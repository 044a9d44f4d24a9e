"""Bulk indexing: one statement per batch, documents built without contacts, and the streamed
PostgreSQL rebuild (one transaction, reading beside writing)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from uuid import UUID

import pytest

from hub.domain.search import SearchDocument, entry_document, organization_document
from hub.search import reindex
from hub.search.postgres import NAME, indexed, indexed_all
from hub.search.reindex import RebuildFigures, rebuild_postgres
from hub.services.search_documents import ReadOnce, documents_of
from hub.store import categories, entries, organizations
from hub.store import search_index as store
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.search.conftest import build_corpus


async def _rows(db: Database) -> dict[UUID, tuple[object, ...]]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            """
            SELECT subject_id, kind, organization_id, province, city, category_codes, urgency,
                   urgency_rank, verification_status, title, body, tokens::text AS tokens,
                   updated_at
            FROM search_document
            """
        )
    return {r["subject_id"]: tuple(r.values()) for r in rows}


async def _every_id(db: Database) -> tuple[list[UUID], list[UUID]]:
    async with db.connection() as conn:
        entry_ids = [r["id"] for r in await conn.fetch("SELECT id FROM entry ORDER BY id")]
        org_ids = [r["id"] for r in await conn.fetch("SELECT id FROM organization ORDER BY id")]
    return entry_ids, org_ids


async def _expected(db: Database) -> dict[UUID, SearchDocument]:
    entry_ids, org_ids = await _every_id(db)
    async with db.connection() as conn:
        documents, _removed = await documents_of(conn, entry_ids, org_ids)
    return {d.subject_id: d for d in documents}


def _stored(d: SearchDocument) -> tuple[object, ...]:
    return (
        d.subject_id, d.kind, d.organization_id, d.province, d.city, list(d.category_codes),
        d.urgency, d.urgency_rank, d.verification_status, d.title, d.body, None,
        d.updated_at,
    )  # fmt: skip


async def test_documents_are_the_same_without_reading_contacts(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    entry_ids, org_ids = await _every_id(db)
    async with db.connection() as conn:
        built, removed = await documents_of(conn, entry_ids, org_ids)
        # The documents as the full entries (with their contacts) give them.
        full = await entries.get_entries(conn, entry_ids)
        assert any(e.draft.contacts for e in full.values())  # the corpus has contacts
        owners = await organizations.get_organizations(
            conn,
            [
                *org_ids,
                *(e.draft.organization_id for e in full.values() if e.draft.organization_id),
            ],
        )
        taxonomy = {c.code: c for c in await categories.list_categories(conn)}
    expected = [
        entry_document(
            e, owners.get(e.draft.organization_id) if e.draft.organization_id else None, taxonomy
        )
        for e in (full[i] for i in entry_ids)
    ] + [organization_document(owners[i]) for i in org_ids]
    assert built == [d for d in expected if d is not None]
    assert len(removed) == sum(d is None for d in expected)


async def test_one_statement_writes_a_batch_as_documents_say(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    expected = await _expected(db)
    statements: list[str] = []
    undo = db.observe_queries(statements.append)
    async with db.transaction() as conn:
        await store.upsert_documents(conn, indexed_all(list(expected.values())))
    undo()
    assert len([s for s in statements if "search_document" in s]) == 1
    rows = await _rows(db)
    assert set(rows) == set(expected)
    for subject_id, document in expected.items():
        row, wanted = rows[subject_id], _stored(document)
        assert row[:11] == wanted[:11] and row[12:] == wanted[12:], subject_id
        # The tsvector as PostgreSQL reads the text document_tsvector wrote.
        async with db.connection() as conn:
            parsed = await conn.fetchval("SELECT $1::tsvector::text", indexed(document).tokens)
        assert row[11] == parsed


async def test_a_subject_twice_in_one_batch_keeps_the_last(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    first = next(iter((await _expected(db)).values()))
    renamed = dataclasses.replace(first, title="同济医院 renamed")
    async with db.transaction() as conn:
        await store.upsert_documents(conn, indexed_all([first, renamed]))
    assert (await _rows(db))[first.subject_id][9] == "同济医院 renamed"


@pytest.mark.parametrize(
    "codes", [(), ("face.goggles",), ('a"b', "c\\d", "e,f", "{g}", " h ", "NULL")]
)
async def test_category_codes_survive_the_array_literal(db: Database, codes: Sequence[str]) -> None:
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT $1::text::text[]", store.array_literal(codes)) == list(
            codes
        )


async def _index_something_wrong(db: Database) -> UUID:
    """A stale document (of a subject that does not exist) and a wrong title elsewhere."""
    expected = await _expected(db)
    some = next(iter(expected.values()))
    stale = dataclasses.replace(some, subject_id=UUID(int=7), title="不存在的医院")
    wrong = dataclasses.replace(some, title="错误的标题")
    async with db.transaction() as conn:
        await store.upsert_documents(conn, indexed_all([stale, wrong]))
    return some.subject_id


@pytest.mark.parametrize("pool", [1, 4])
async def test_a_rebuild_streams_batches_and_converges(
    gql: GraphQLClient, db: Database, fresh_dsn: str, pool: int
) -> None:
    await build_corpus(gql, db)
    wronged = await _index_something_wrong(db)
    expected = await _expected(db)
    # A pool of one connection reads and writes on the same one.
    small = await Database.connect(fresh_dsn, min_size=1, max_size=pool)
    try:
        figures = RebuildFigures()
        assert await rebuild_postgres(small, batch=2, figures=figures) == len(expected)
    finally:
        await small.close()
    assert figures.batches > len(expected) // 2  # streamed in batches of 2
    assert figures.removed == 1  # the stale document
    rows = await _rows(db)
    assert set(rows) == set(expected)
    assert rows[wronged][9] == expected[wronged].title
    async with db.connection() as conn:
        assert await store.get_position(conn, NAME) > 0


async def test_a_rebuild_that_fails_midway_leaves_the_old_index(
    gql: GraphQLClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_corpus(gql, db)
    await _index_something_wrong(db)
    before = await _rows(db)
    calls = 0

    def failing(documents: Sequence[SearchDocument]) -> list[store.IndexedDocument]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the process dies")
        return indexed_all(documents)

    monkeypatch.setattr(reindex, "indexed_all", failing)
    with pytest.raises(RuntimeError):
        await rebuild_postgres(db, batch=2)
    assert calls == 3  # two batches were written before it failed
    assert await _rows(db) == before


async def test_a_pass_reads_organizations_and_the_taxonomy_once(
    gql: GraphQLClient, db: Database
) -> None:
    await build_corpus(gql, db)
    entry_ids, org_ids = await _every_id(db)
    async with db.connection() as conn:
        alone, _ = await documents_of(conn, entry_ids, org_ids)
        read_once = ReadOnce()
        first, _ = await documents_of(conn, entry_ids, [], read_once)
        await conn.execute("SELECT 1")  # the query log hears of earlier statements by now
        statements: list[str] = []
        undo = db.observe_queries(statements.append)
        second, _ = await documents_of(conn, entry_ids, org_ids, read_once)
        undo()
    assert first + [d for d in second if d.kind == "ORGANIZATION"] == alone
    assert second == alone
    # Every owner and the taxonomy were kept from the first batch: only entries and items read.
    assert not [s for s in statements if "supply_category" in s]
    assert len([s for s in statements if "FROM organization" in s]) <= 1  # the org subjects
