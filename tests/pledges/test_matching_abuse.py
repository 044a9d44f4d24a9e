"""Matching under attack: hundreds of big offers, many aliases, pages viewed again and again.

The attack of issue 14: post 300 offers of 50 items each anonymously (they stay PENDING), then
ask for matchingOffers. Every call compared every needed item with every offered item of every
candidate, re-parsing specs and certifications per pair, on the event loop: minutes of CPU
during which the process answered nobody. Now only VERIFIED candidates count, the work of one
call is bounded, and it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any
from uuid import UUID

import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.services import matching
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import OFFER, SUBMIT_OFFER, verify_all
from tests.http.test_read_cache import settled
from tests.pledges.steps import post_need

ITEMS = 50
MATCHING_OFFERS = """
query($id: ID!) { matchingOffers(needId: $id, first: 50) { offer { id verificationStatus } score } }
"""
# Long texts the standards patterns must scan: a spec, and twenty certifications, that are
# "GB" followed by whitespace (which once made a pattern backtrack cubically).
LONG_SPEC = "GB" + " " * 300 + "19083"
LONG_CERTIFICATIONS = ["GB" + " " * 190 + "x"] * 20


@asynccontextmanager
async def hub(settings: Settings) -> AsyncIterator[tuple[Starlette, GraphQLClient]]:
    """An app with these settings, and a GraphQL client for it."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield app, GraphQLClient(client)


async def seed_attack(
    gql: GraphQLClient, db: Database, pending: int, verified: int, *, long_texts: bool = False
) -> str:
    """A need of 50 respirator items and offers of 50 matching items each (`pending` left
    PENDING, `verified` marked VERIFIED; with `long_texts`, specs and certifications as long
    as they may be); the need's id."""
    need = await post_need(gql)
    offer = {
        **OFFER,
        "items": [
            {
                "categoryCode": "face.medical_respirator",
                "name": f"口罩 {n}",
                "spec": "GB 19083",
                "quantity": 1000,
                "unit": "ITEM",
            }
            for n in range(ITEMS)
        ],
    }
    posted = (await gql.data(SUBMIT_OFFER, {"input": offer}))["submitOffer"]
    assert posted["userErrors"] == []
    async with db.connection() as conn:
        source: UUID = await conn.fetchval("SELECT id FROM entry WHERE kind = 'OFFER'")
        # The need asks for 50 items too, each insisting on GB 19083.
        await conn.execute(
            """
            INSERT INTO entry_item (id, entry_id, position, category_code, name, spec, quantity,
                                    unit, fulfilled_quantity, certifications)
            SELECT gen_random_uuid(), i.entry_id, g, i.category_code, i.name || g, i.spec,
                   i.quantity, i.unit, 0, i.certifications
            FROM entry_item i, generate_series(1, $1 - 1) g
            WHERE i.entry_id = (SELECT id FROM entry WHERE kind = 'NEED') AND i.position = 0
            """,
            ITEMS,
        )
        if long_texts:
            await conn.execute(
                "UPDATE entry_item SET spec = $2, certifications = $3 WHERE entry_id = $1",
                source,
                LONG_SPEC,
                LONG_CERTIFICATIONS,
            )
        for copies, status in ((pending, "PENDING"), (verified, "VERIFIED")):
            await clone(conn, source, copies, status)
        await conn.execute("DELETE FROM entry WHERE id = $1", source)
    return need.id


async def clone(conn: Any, source: UUID, copies: int, verification: str) -> None:
    """`copies` copies of the offer `source` with its items, under new ids, each a second older
    than the last (hundreds of entries in one statement)."""
    columns = {}
    for table in ("entry", "offer", "entry_item"):
        names = await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position",
            table,
        )
        columns[table] = ", ".join(r["column_name"] for r in names)
        columns["r." + table] = ", ".join("r." + r["column_name"] for r in names)
    await conn.execute(
        f"""
        WITH copies AS (
            SELECT gen_random_uuid() AS id, g FROM generate_series(1, $2) g
        ), entries AS (
            INSERT INTO entry ({columns["entry"]})
            SELECT {columns["r.entry"]} FROM entry e0, copies c, jsonb_populate_record(
                NULL::entry,
                to_jsonb(e0) || jsonb_build_object(
                    'id', c.id, 'verification_status', $3::text,
                    'updated_at', e0.updated_at - make_interval(secs => c.g))
            ) r WHERE e0.id = $1
        ), offers AS (
            INSERT INTO offer ({columns["offer"]})
            SELECT {columns["r.offer"]} FROM offer o0, copies c, jsonb_populate_record(
                NULL::offer, to_jsonb(o0) || jsonb_build_object('entry_id', c.id)
            ) r WHERE o0.entry_id = $1
        )
        INSERT INTO entry_item ({columns["entry_item"]})
        SELECT {columns["r.entry_item"]} FROM entry_item i0, copies c, jsonb_populate_record(
            NULL::entry_item,
            to_jsonb(i0) || jsonb_build_object('id', gen_random_uuid(), 'entry_id', c.id)
        ) r WHERE i0.entry_id = $1
        """,
        source,
        copies,
        verification,
    )


def count_scoring(monkeypatch: pytest.MonkeyPatch) -> list[matching.Scored]:
    """Every scoring run's result, as it happens."""
    runs: list[matching.Scored] = []
    original = matching.score

    def counted(*args: Any) -> matching.Scored:
        result = original(*args)
        runs.append(result)
        return result

    monkeypatch.setattr(matching, "score", counted)
    return runs


async def test_the_attack_is_bounded_and_pending_offers_are_not_matched(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = count_scoring(monkeypatch)
    async with hub(settings) as (app, gql):
        need_id = await seed_attack(gql, db, pending=300, verified=200)
        # The seeding's notifications are read: the data version stays put from here on.
        await settled(app)
        body = await gql.post(MATCHING_OFFERS, {"id": need_id})
        assert "errors" not in body, body["errors"]
        found = body["data"]["matchingOffers"]
        # Only reviewed offers are suggested: the 300 pending ones are never even read.
        assert found and all(m["offer"]["verificationStatus"] == "VERIFIED" for m in found)
        [run] = runs
        assert run.candidates == settings.matching_candidates == 200
        # Each candidate costs 50 x 50 comparisons: the pair budget stops the scoring early,
        # and the client is told how far it got.
        assert run.scored <= settings.matching_max_pairs // (ITEMS * ITEMS)
        assert body["extensions"]["matching"] == {"candidates": 200, "scored": run.scored}
    # The cost model refuses thirty aliases of matching outright (tests/graphql/
    # test_query_cost.py); with the budget lifted, matching's own bound must hold too.
    lifted = replace(settings, query_cost_anonymous=10_000_000)
    before = len(runs)
    async with hub(lifted) as (app, gql):
        # Thirty aliases of the same call, with nothing changed meanwhile: at most one scoring
        # (none where the process kept the answer).
        aliases = " ".join(
            f'm{n}: matchingOffers(needId: "{need_id}") {{ score }}' for n in range(30)
        )
        many = await gql.post(f"query {{ {aliases} }}")
        assert "errors" not in many, many["errors"]
        assert len(many["data"]) == 30
        assert len(runs) - before <= 1


async def test_other_requests_are_served_while_matching_runs(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A generous budget, so that this call runs long (the standards of 2,000 long items to
    # parse: seconds of CPU).
    generous = replace(
        settings,
        matching_budget_ms=3_000,
        matching_max_items=2_000,
        matching_max_pairs=10_000_000,
    )
    started = asyncio.Event()
    loop = asyncio.get_running_loop()
    original = matching.score

    def signalling(*args: Any) -> matching.Scored:
        loop.call_soon_threadsafe(started.set)
        return original(*args)

    monkeypatch.setattr(matching, "score", signalling)
    async with hub(generous) as (_, gql):
        need_id = await seed_attack(gql, db, pending=0, verified=40, long_texts=True)
        matching_call = asyncio.create_task(gql.post(MATCHING_OFFERS, {"id": need_id}))
        await started.wait()
        # The scoring has begun: the loop still answers a health check and a small query.
        health = await gql.http.get("/healthz")
        small = await gql.data("query { units { unit } }")
        assert health.status_code == 200 and small["units"]
        assert not matching_call.done(), "the small requests waited for matching"
        body = await matching_call
        assert "errors" not in body
        assert all(
            m["offer"]["verificationStatus"] == "VERIFIED" for m in body["data"]["matchingOffers"]
        )


async def test_a_call_that_cannot_get_a_worker_in_time_is_refused(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    started = asyncio.Event()
    loop = asyncio.get_running_loop()
    original: Callable[..., matching.Scored] = matching.score

    def held(*args: Any) -> matching.Scored:
        loop.call_soon_threadsafe(started.set)
        gate.wait(timeout=30)
        return original(*args)

    monkeypatch.setattr(matching, "score", held)
    async with hub(replace(settings, matching_concurrency=1, matching_wait_ms=50)) as (_, gql):
        first = await post_need(gql, notes="一")
        second = await post_need(gql, notes="二")
        busy = asyncio.create_task(gql.post(MATCHING_OFFERS, {"id": first.id}))
        await started.wait()
        try:
            refused = await gql.post(MATCHING_OFFERS, {"id": second.id})
        finally:
            gate.set()
        assert refused["errors"][0]["extensions"]["code"] == "MATCHING_BUSY"
        assert refused["data"] is None
        assert "errors" not in await busy


async def test_views_of_an_entry_page_share_one_matching_run(
    settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = count_scoring(monkeypatch)
    async with hub(settings) as (app, gql):
        need_id = await seed_attack(gql, db, pending=0, verified=3)
        await settled(app)
        # Query strings the page cache has never seen, as a visitor busting it would send.
        for n in range(5):
            page = await gql.http.get(f"/entries/{need_id}", params={"v": str(n)})
            assert page.status_code == 200
        assert len(runs) == 1
        assert runs[0].scored == 3
        # A change to the data is seen at the next view.
        async with db.connection() as conn:
            await conn.execute(
                "UPDATE entry SET verification_status = 'PENDING' WHERE kind = 'OFFER'"
            )
        await settled(app)
        await gql.http.get(f"/entries/{need_id}", params={"v": "after"})
        assert len(runs) == 2 and runs[1].candidates == 0


async def test_standards_kept_from_one_call_are_whole_for_the_next(
    gql: GraphQLClient, db: Database
) -> None:
    # The offer's respirators are KN95 (GB 2626) filed as medical respirators. A first call,
    # for coveralls, parses the offer's standards and keeps them; a second, for medical
    # respirators, must still see that the respirators are not GB 19083.
    items = [
        {"categoryCode": "body.protective_coverall", "name": "防护服", "spec": "GB 19082",
         "quantity": 100, "unit": "ITEM"},
        {"categoryCode": "face.medical_respirator", "name": "口罩", "spec": "KN95 GB 2626",
         "quantity": 100, "unit": "ITEM"},
    ]  # fmt: skip
    offer = (await gql.data(SUBMIT_OFFER, {"input": {**OFFER, "items": items}}))["submitOffer"]
    coveralls = await post_need(gql, notes="防护服")
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE entry_item SET category_code = 'body.protective_coverall', spec = 'GB 19082' "
            "WHERE entry_id = (SELECT id FROM entry WHERE notes = '防护服')"
        )
    await verify_all(db)
    first = await gql.data(MATCHING_OFFERS, {"id": coveralls.id})
    assert [m["offer"]["id"] for m in first["matchingOffers"]] == [offer["offer"]["id"]]
    respirators = await post_need(gql, spec="GB 19083-2010", notes="口罩")
    await verify_all(db)
    second = await gql.data(MATCHING_OFFERS, {"id": respirators.id})
    assert second["matchingOffers"] == []
