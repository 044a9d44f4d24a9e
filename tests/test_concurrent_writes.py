"""Concurrent submissions: the audit chain's lock is taken only at the end of a transaction,
so the duplicate scan runs beside other writers; every write must still land, the chain must
still verify, and a duplicate committed while another transaction scanned must still be found."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

from hub.domain.accounts import ANONYMOUS, Viewer
from hub.domain.enums import Urgency
from hub.domain.model import EntryDraft, Item, NeedDetails, Region
from hub.domain.units import Unit
from hub.services.audit import audit, verify_chain
from hub.services.entries import create_in
from hub.settings import Settings
from hub.store import duplicates
from hub.store.db import Connection, Database, before_commit
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input

WRITERS = 12


def _need(provider: str) -> EntryDraft:
    return EntryDraft(
        region=Region("湖北省", "武汉市"),
        details=NeedDetails(urgency=Urgency.HIGH),
        provider_name=provider,
        address="中南二路12号",
        items=(Item("face.medical_respirator", "N95", Decimal(100), Unit.ITEM),),
    )


async def _pairs(db: Database, ids: list[uuid.UUID]) -> set[frozenset[uuid.UUID]]:
    async with db.connection() as conn:
        found = await duplicates.duplicates_of(conn, ids)
    return {frozenset((subject, other)) for subject, pairs in found.items() for other, _ in pairs}


async def test_concurrent_submissions_all_land_on_one_verifiable_chain(
    gql: GraphQLClient, db: Database
) -> None:
    async def one(n: int) -> str:
        need = need_input(address=f"解放大道{n}号")
        need["organization"]["name"] = f"武汉市第{n}医院"
        payload = (await gql.data(SUBMIT_NEED, {"input": need}))["submitNeed"]
        assert payload["userErrors"] == []
        return str(payload["need"]["id"])

    ids = await asyncio.gather(*(one(n) for n in range(WRITERS)))
    assert len(set(ids)) == WRITERS
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM entry") == WRITERS
        actions = await conn.fetch("SELECT action, count(*) AS n FROM audit_log GROUP BY action")
    # Each submission registers its hospital and the need: two records, none lost.
    assert {r["action"]: r["n"] for r in actions} == {
        "organization.registered": WRITERS,
        "entry.submitted": WRITERS,
    }
    report = await verify_chain(db)
    assert report.intact
    assert report.records == 2 * WRITERS


async def test_the_same_need_submitted_concurrently_is_flagged(
    gql: GraphQLClient, db: Database
) -> None:
    payloads = await asyncio.gather(
        *(gql.data(SUBMIT_NEED, {"input": need_input()}) for _ in range(2))
    )
    assert [p["submitNeed"]["userErrors"] for p in payloads] == [[], []]
    async with db.connection() as conn:
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM entry")]
    assert await _pairs(db, ids) == {frozenset(ids)}
    assert (await verify_chain(db)).intact


async def test_a_duplicate_committed_during_the_scan_is_found_at_commit(db: Database) -> None:
    """The worst interleaving, made certain: both scans run before either commits."""
    lifetimes = Settings().entry_lifetimes()
    first, second = uuid.uuid4(), uuid.uuid4()
    async with db.transaction() as outer:
        await create_in(outer, first, _need("李先生"), lifetimes, ANONYMOUS, None)
        async with db.transaction() as inner:
            await create_in(inner, second, _need("李先生 "), lifetimes, ANONYMOUS, None)
        # `inner` committed first, unaware of `outer`; `outer` must find it at its commit.
        assert await _pairs(db, [first, second]) == set()
    assert await _pairs(db, [first, second]) == {frozenset((first, second))}
    report = await verify_chain(db)
    assert report.intact
    assert report.records == 2


async def test_audit_records_of_a_failed_transaction_are_not_appended(db: Database) -> None:
    lifetimes = Settings().entry_lifetimes()
    try:
        async with db.transaction() as conn:
            await create_in(conn, uuid.uuid4(), _need("王女士"), lifetimes, ANONYMOUS, None)
            raise RuntimeError("refused after the writes")
    except RuntimeError:
        pass
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 0
        assert await conn.fetchval("SELECT count(*) FROM entry") == 0


async def test_many_records_of_one_transaction_are_chained_at_its_end(db: Database) -> None:
    async with db.transaction() as conn:
        for n in range(300):
            await audit(conn, Viewer(handle=f"writer{n}"), "test.write", "TEST", None)
        # Nothing on the chain until the transaction ends: the lock is not held meanwhile.
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 0
    report = await verify_chain(db)
    assert report.intact
    assert report.records == 300


async def test_a_record_appended_by_a_last_step_is_chained_too(db: Database) -> None:
    async def late(conn: Connection) -> None:
        await audit(conn, Viewer(handle="late"), "test.late", "TEST", None)

    async with db.transaction() as conn:
        await audit(conn, Viewer(handle="early"), "test.early", "TEST", None)
        before_commit(conn, late)
    async with db.connection() as conn:
        actions = [
            r["action"] for r in await conn.fetch("SELECT action FROM audit_log ORDER BY seq")
        ]
    assert actions == ["test.early", "test.late"]
    assert (await verify_chain(db)).intact
