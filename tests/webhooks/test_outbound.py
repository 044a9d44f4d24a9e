"""Webhook deliveries under abuse: rebinding receivers, slow and flooding receivers, and many
webhooks created at once."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.outbound.fakes import PUBLIC, Answer, LoopbackDialer, ScriptedResolver, serving
from tests.webhooks.conftest import (
    CREATE,
    Clock,
    Developer,
    Receiver,
    create_webhook,
    deliveries,
    developer,
)
from workers.webhooks import WebhookDelivery

# The deadline of a delivery where one receiver is slow and another must get through meanwhile:
# long enough for the fast one on a busy test machine, short next to the trickle (50 s).
SLOW_DEADLINE = 2.0


async def _submit_need(gql: GraphQLClient) -> None:
    payload = await gql.data(SUBMIT_NEED, {"input": need_input()})
    assert payload["submitNeed"]["userErrors"] == []


async def _attempts(gql: GraphQLClient, dev: Developer, webhook_id: str) -> list[dict[str, object]]:
    log = await deliveries(gql, dev, webhook_id)
    return [edge["node"] for edge in reversed(log["deliveries"]["edges"])]


async def test_a_receiver_name_is_dialled_at_the_address_that_was_checked(
    gql: GraphQLClient,
    db: Database,
    settings: Settings,
    dev: Developer,
    receiver: Receiver,
    clock: Clock,
) -> None:
    # The attack: a webhook on a name that resolves to a public address when checked and to
    # 127.0.0.1 a moment later, when the old code's httpx resolved it again to connect.
    rebinding = f"http://rebind.example:{receiver.port}/hook"
    inside = f"http://inside.example:{receiver.port}/hook"
    rebound_id, _ = await create_webhook(gql, dev, rebinding)
    inside_id, _ = await create_webhook(gql, dev, inside)
    metadata_id, _ = await create_webhook(gql, dev, "http://169.254.169.254/latest/meta-data/")
    await _submit_need(gql)
    resolver = ScriptedResolver(
        {"rebind.example": [[PUBLIC], ["127.0.0.1"]], "inside.example": [["127.0.0.1"]]}
    )
    dialer = LoopbackDialer()
    strict = replace(settings, webhook_allow_private=False)
    job = WebhookDelivery(strict, clock=clock, resolver=resolver, dialer=dialer)
    try:
        await job.deliver_round(db)
    finally:
        await job.aclose()

    assert [a["outcome"] for a in await _attempts(gql, dev, rebound_id)] == ["SUCCEEDED"]
    assert resolver.calls.count("rebind.example") == 1
    assert dialer.dialled == [PUBLIC]
    assert [r.headers["host"] for r in receiver.requests] == [f"rebind.example:{receiver.port}"]
    for refused_id in (inside_id, metadata_id):
        [attempt] = await _attempts(gql, dev, refused_id)
        assert attempt["outcome"] == "RETRYING"
        assert str(attempt["error"]).startswith("refused:"), attempt


async def test_a_trickling_receiver_is_cut_at_the_deadline_and_holds_one_slot(
    gql: GraphQLClient,
    db: Database,
    settings: Settings,
    dev: Developer,
    receiver: Receiver,
    clock: Clock,
) -> None:
    # The attack: webhooks whose receiver answers a byte every 50 ms (for 50 s). Each read is
    # quick, so a per-read timeout never fires; and with enough such webhooks every slot is
    # theirs.
    trickle = Answer(200, body=b"." * 1000, trickle=0.05)
    async with serving({"/hook": trickle}) as slow:
        slow_ids = [
            (await create_webhook(gql, dev, slow.url("/hook", "slow.example")))[0] for _ in range(3)
        ]
        good_id, _ = await create_webhook(gql, dev, f"http://good.example:{receiver.port}/hook")
        await _submit_need(gql)
        resolver = ScriptedResolver(
            {"slow.example": [["127.0.0.1"]], "good.example": [["127.0.0.1"]]}
        )
        three_slots = replace(
            settings,
            webhook_concurrency=3,
            webhook_concurrency_per_host=1,
            webhook_timeout_seconds=SLOW_DEADLINE,
        )
        job = WebhookDelivery(three_slots, clock=clock, resolver=resolver)
        try:
            recorded = await job.deliver_round(db)
        finally:
            await job.aclose()

    # One slot went to the slow host, the others were free for the good one.
    assert len(slow.requests) == 1
    assert sorted(r.outcome.value for r in recorded) == ["RETRYING", "SUCCEEDED"]
    [good] = await _attempts(gql, dev, good_id)
    assert good["outcome"] == "SUCCEEDED"
    [cut] = [a for i in slow_ids for a in await _attempts(gql, dev, i)]
    assert f"no answer within {SLOW_DEADLINE:g} s" in str(cut["error"])
    assert SLOW_DEADLINE * 1000 - 100 <= int(str(cut["durationMs"])) < SLOW_DEADLINE * 3000
    assert int(str(good["durationMs"])) < int(str(cut["durationMs"]))
    assert slow.sent < 100


async def test_a_busy_host_gets_no_more_slots_while_other_hosts_are_served(
    gql: GraphQLClient,
    db: Database,
    settings: Settings,
    dev: Developer,
    receiver: Receiver,
    clock: Clock,
) -> None:
    # The job as `hub worker` runs it: each round starts tasks and returns at once.
    trickle = Answer(200, body=b"." * 1000, trickle=0.05)
    async with serving({"/hook": trickle}) as slow:
        for _ in range(4):
            await create_webhook(gql, dev, slow.url("/hook", "slow.example"))
        await create_webhook(gql, dev, f"http://good.example:{receiver.port}/hook")
        await _submit_need(gql)
        resolver = ScriptedResolver(
            {"slow.example": [["127.0.0.1"]], "good.example": [["127.0.0.1"]]}
        )
        four_slots = replace(
            settings,
            webhook_concurrency=4,
            webhook_concurrency_per_host=2,
            webhook_timeout_seconds=SLOW_DEADLINE,
        )
        job = WebhookDelivery(four_slots, clock=clock, resolver=resolver)
        try:
            await job(db)
            await job(db)  # a second round while the slow deliveries are still going
            await receiver.wait_for(1)
            # The slow host's two deliveries end at their deadline, not before.
            await slow.wait_finished(2)
            assert len(slow.requests) == 2
        finally:
            await job.aclose()


async def test_a_flooding_receiver_is_read_no_further_than_the_excerpt(
    gql: GraphQLClient, db: Database, settings: Settings, dev: Developer, clock: Clock
) -> None:
    flood = Answer(500, body=b"no " * 20000, endless=True)
    # Time enough not to be cut by the deadline: the answer must end because it was not read.
    job = WebhookDelivery(replace(settings, webhook_timeout_seconds=SLOW_DEADLINE), clock=clock)
    async with serving({"/hook": flood}) as server:
        webhook_id, _ = await create_webhook(gql, dev, server.url("/hook"))
        await _submit_need(gql)
        try:
            await job.deliver_round(db)
        finally:
            await job.aclose()
        await server.wait_finished(1)
    [attempt] = await _attempts(gql, dev, webhook_id)
    assert str(attempt["error"]).startswith("HTTP 500: no no")
    assert len(str(attempt["error"])) <= 210
    assert server.sent < 64 * 1024 * 1024


async def test_a_burst_of_creations_cannot_pass_the_per_user_cap(
    db: Database, settings: Settings
) -> None:
    from tests.webhooks.conftest import client_for

    dev = await developer(db, "bursty_dev")
    async with client_for(replace(settings, webhook_max_per_user=2)) as gql:
        answers = await asyncio.gather(
            *(
                gql.data(CREATE, {"input": {"url": f"https://93.184.215.14/h{i}"}}, **dev.headers)
                for i in range(8)
            )
        )
    errors = [a["createWebhook"]["userErrors"] for a in answers]
    assert errors.count([]) == 2
    assert {e[0]["code"] for e in errors if e} == {"NOT_ALLOWED"}
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM webhook") == 2


async def test_one_host_is_one_host_however_its_url_is_spelled(db: Database) -> None:
    from hub.store.webhooks import host_key

    spellings = [
        "https://Slow.Example/a",
        "https://slow.example./b?x=1",
        "http://slow.example:8080/c",
        "https://user@SLOW.example#d",
    ]
    async with db.connection() as conn:
        hosts = {await conn.fetchval(f"SELECT {host_key('$1::text')}", url) for url in spellings}
        v6 = await conn.fetchval(f"SELECT {host_key('$1::text')}", "https://[2001:db8::1]:8443/")
    assert hosts == {"slow.example"}
    assert v6 == "[2001:db8::1]"
