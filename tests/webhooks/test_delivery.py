"""Delivery against a local receiver, driven round by round on a hand-moved clock."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from typing import Any

import pytest

from hub.domain.webhooks import verify_signature
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import NEED_FIELDS, SUBMIT_NEED, need_input
from tests.webhooks.conftest import (
    UPDATE,
    Clock,
    Developer,
    Receiver,
    create_webhook,
    deliveries,
    developer,
)
from workers.webhooks import WebhookDelivery


async def submit_need(gql: GraphQLClient, **overrides: Any) -> dict[str, Any]:
    """Post a need anonymously; returns it as the API answered."""
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input(**overrides)}))["submitNeed"]
    assert payload["userErrors"] == []
    need: dict[str, Any] = payload["need"]
    return need


def assert_agrees(api: Any, sent: Any, path: str = "entry") -> None:
    """Where both have a field, it holds the same value (the query may ask for fewer fields,
    and for relations such as `category` that the body leaves out)."""
    if isinstance(api, dict):
        for key in api.keys() & sent.keys():
            assert_agrees(api[key], sent[key], f"{path}.{key}")
    elif isinstance(api, list):
        assert len(api) == len(sent), path
        for i, (a, b) in enumerate(zip(api, sent, strict=True)):
            assert_agrees(a, b, f"{path}.{i}")
    else:
        assert api == sent, path


def body(request: Any) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(request.body)
    return decoded


async def test_a_delivery_is_signed_with_the_secret_and_carries_the_event(
    gql: GraphQLClient,
    db: Database,
    dev: Developer,
    receiver: Receiver,
    job: WebhookDelivery,
    clock: Clock,
) -> None:
    webhook_id, secret = await create_webhook(gql, dev, receiver.url())
    need = await submit_need(gql)

    recorded = await job.deliver_round(db)

    assert [r.outcome.value for r in recorded] == ["SUCCEEDED"]
    [request] = receiver.requests
    now = int(clock().timestamp())
    header = request.headers["x-hub-signature-256"]
    assert header.startswith(f"t={now},v1=")
    assert verify_signature(secret, header, request.body, now)
    # A body changed on the way, another secret, or a replay much later: refused.
    tampered = request.body.replace(b'"CRITICAL"', b'"LOW"')
    assert tampered != request.body
    assert not verify_signature(secret, header, tampered, now)
    assert not verify_signature("another secret", header, request.body, now)
    assert not verify_signature(secret, header, request.body, now + 3600)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "crisis-hub-webhooks/1"
    event = body(request)
    assert event["schemaVersion"] == 1
    assert (event["type"], event["kind"], event["entryId"]) == ("CREATED", "NEED", need["id"])
    assert request.headers["x-hub-event-id"] == event["id"]
    log = await deliveries(gql, dev, webhook_id)
    [attempt] = [edge["node"] for edge in log["deliveries"]["edges"]]
    assert attempt["id"] == request.headers["x-hub-delivery-id"]
    assert (attempt["eventId"], attempt["attempt"], attempt["outcome"]) == (
        event["id"],
        1,
        "SUCCEEDED",
    )
    assert attempt["httpStatus"] == 200
    assert log["lastEventId"] == event["id"]
    # Nothing new: the next round sends nothing.
    assert await job.deliver_round(db) == []
    assert len(receiver.requests) == 1


async def test_the_body_is_the_public_api_view_without_protected_contacts(
    gql: GraphQLClient, db: Database, dev: Developer, receiver: Receiver, job: WebhookDelivery
) -> None:
    await create_webhook(gql, dev, receiver.url())
    secret_contact = {
        "name": "王小明",
        "phone": "13800001234",
        "otherChannel": "wxid_secret_42",
        "visibility": "PROTECTED",
    }
    desk = {"name": "医务科", "phone": "027-87654321", "visibility": "PUBLIC"}
    need = await submit_need(gql, contacts=[secret_contact, desk])

    await job.deliver_round(db)

    [request] = receiver.requests
    text = request.body.decode()
    for secret in ("王小明", "13800001234", "138 0000 1234", "+8613800001234", "wxid_secret_42"):
        assert secret not in text
    assert "医务科" in text and "027-8765 4321" in text and "+862787654321" in text
    entry = body(request)["entry"]
    # Field by field what an anonymous query returns now (a few computed fields aside).
    api = (
        await gql.data(
            f"query($id: ID!) {{ node(id: $id) {{ ... on Need {{ {NEED_FIELDS} }} }} }}",
            {"id": need["id"]},
        )
    )["node"]
    assert_agrees(api, entry)
    assert set(api) <= set(entry)
    assert entry["contacts"][0]["redacted"] is True


# Fields of the API's entries a webhook body leaves out: relations with their own queries.
# unconfirmedOrganization is for reviewers only (issue 14), never for receivers.
NOT_IN_THE_BODY = {
    "verification",
    "possibleDuplicates",
    "pledges",
    "priority",
    "unconfirmedOrganization",
    # Derived from the items and contacts the body has.
    "missingDetails",
}


def test_the_body_has_every_field_of_the_api_entry_types() -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    from hub.domain.enums import (
        ContactVisibility,
        EntryStatus,
        EventType,
        Urgency,
        VehicleType,
        VerificationStatus,
    )
    from hub.domain.kinds import kind_of
    from hub.domain.live import LiveEvent
    from hub.domain.model import (
        Contact,
        Entry,
        EntryDraft,
        Item,
        LodgingDetails,
        LogisticsDetails,
        NeedDetails,
        OfferDetails,
        Region,
    )
    from hub.domain.units import Unit
    from hub.domain.webhook_payload import event_payload
    from hub.graphql.schema import build_schema

    types = build_schema()._schema.type_map
    now = datetime(2020, 1, 26, tzinfo=UTC)
    item = Item("face.medical_respirator", "N95", None, Unit.ITEM)
    contact = Contact("王小明", "13800001234", "wx", ContactVisibility.PROTECTED, id=uuid4())
    for details in (
        NeedDetails(urgency=Urgency.HIGH),
        OfferDetails(can_deliver=True, is_free=True),
        LogisticsDetails(vehicle_type=VehicleType.VAN, cold_chain=False, is_free=True),
        LodgingDetails(rooms_available=3, eligibility="medical staff", is_free=True),
    ):
        draft = EntryDraft(Region("湖北省"), details, items=(item,), contacts=(contact,))
        entry = Entry(uuid4(), draft, EntryStatus.OPEN, VerificationStatus.PENDING, now, now, 1)
        event = LiveEvent(7, 7, entry.id, entry.kind.value, EventType.CREATED, now)
        sent = json.loads(event_payload(event, entry, None))["entry"]
        fields = set(types[kind_of(entry.kind).type_name].fields)  # type: ignore[attr-defined]
        assert fields - set(sent) <= NOT_IN_THE_BODY, entry.kind
        assert set(sent) <= fields
        if "items" in sent:
            assert set(sent["items"][0]) == set(types["SupplyItem"].fields) - {"category"}  # type: ignore[attr-defined]
        assert set(sent["contacts"][0]) == set(types["Contact"].fields)  # type: ignore[attr-defined]


async def test_the_filter_is_respected(
    gql: GraphQLClient, db: Database, dev: Developer, receiver: Receiver, job: WebhookDelivery
) -> None:
    await create_webhook(gql, dev, receiver.url(), filter={"provinces": ["湖北省"]})
    elsewhere = {"province": "广东省", "city": "深圳市"}
    await submit_need(gql, region=elsewhere)
    wanted = await submit_need(gql)
    await submit_need(gql, region=elsewhere)

    await job.deliver_round(db)

    assert [body(r)["entryId"] for r in receiver.requests] == [wanted["id"]]
    # The events it left out count as handled: nothing is pending.
    assert await job.deliver_round(db) == []


async def test_retries_back_off_after_errors_and_timeouts_then_succeed(
    gql: GraphQLClient,
    db: Database,
    dev: Developer,
    receiver: Receiver,
    job: WebhookDelivery,
    clock: Clock,
) -> None:
    webhook_id, _ = await create_webhook(gql, dev, receiver.url())
    await submit_need(gql)
    receiver.plan = [500, None]

    assert [r.outcome.value for r in await job.deliver_round(db)] == ["RETRYING"]  # 500
    # Not due yet: nothing is sent however often the job runs.
    clock.advance(9)
    assert await job.deliver_round(db) == []
    clock.advance(1)  # 10 s: the first delay
    assert [r.outcome.value for r in await job.deliver_round(db)] == ["RETRYING"]  # no answer
    clock.advance(29)
    assert await job.deliver_round(db) == []
    clock.advance(1)  # 30 s: the second delay, three times the first
    assert [r.outcome.value for r in await job.deliver_round(db)] == ["SUCCEEDED"]

    assert [r.status for r in receiver.requests] == [500, None, 200]
    assert len({r.headers["x-hub-delivery-id"] for r in receiver.requests}) == 3
    assert len({r.headers["x-hub-event-id"] for r in receiver.requests}) == 1
    log = await deliveries(gql, dev, webhook_id)
    attempts = [edge["node"] for edge in reversed(log["deliveries"]["edges"])]
    assert log["deliveries"]["totalCount"] == 3
    assert [(a["attempt"], a["outcome"], a["httpStatus"]) for a in attempts] == [
        (1, "RETRYING", 500),
        (2, "RETRYING", None),
        (3, "SUCCEEDED", 200),
    ]
    assert attempts[0]["error"].startswith("HTTP 500: receiver says no")
    assert len(attempts[0]["error"]) <= 210  # an excerpt, not the whole answer
    assert "no answer within 0.5 s" in attempts[1]["error"]
    assert 400 <= attempts[1]["durationMs"] < 5000
    assert attempts[0]["nextAttemptAt"] == "2020-02-01T08:00:10+00:00"
    assert attempts[1]["nextAttemptAt"] == "2020-02-01T08:00:40+00:00"
    assert attempts[2]["nextAttemptAt"] is None
    assert (log["consecutiveFailures"], log["nextAttemptAt"]) == (0, None)


async def test_events_go_out_in_order_and_a_failed_one_holds_back_the_rest(
    gql: GraphQLClient,
    db: Database,
    dev: Developer,
    receiver: Receiver,
    job: WebhookDelivery,
    clock: Clock,
) -> None:
    await create_webhook(gql, dev, receiver.url())
    needs = [await submit_need(gql, notes=f"need {i}") for i in range(5)]
    receiver.plan = [500]

    await job.deliver_round(db)
    assert len(receiver.requests) == 1  # the first failed; the others wait behind it
    clock.advance(10)
    await job.deliver_round(db)

    sent = [body(r) for r in receiver.requests]
    assert [s["entryId"] for s in sent] == [needs[0]["id"]] + [n["id"] for n in needs]
    ids = [int(s["id"]) for s in sent[1:]]
    assert ids == sorted(ids)


async def test_a_webhook_that_keeps_failing_is_disabled_and_can_be_enabled_again(
    gql: GraphQLClient,
    db: Database,
    dev: Developer,
    receiver: Receiver,
    job: WebhookDelivery,
    clock: Clock,
) -> None:
    webhook_id, _ = await create_webhook(gql, dev, receiver.url())
    for i in range(3):
        await submit_need(gql, notes=f"need {i}")
    receiver.otherwise = 500
    # Three attempts per event (10 s, then 30 s apart); two events given up on disable it.
    for wait in (0, 10, 30, 0, 10, 30):
        clock.advance(wait)
        await job.deliver_round(db)

    log = await deliveries(gql, dev, webhook_id)
    assert log["enabled"] is False
    assert log["disabledReason"] == "2 events in a row could not be delivered"
    outcomes = [e["node"]["outcome"] for e in reversed(log["deliveries"]["edges"])]
    assert outcomes == ["RETRYING", "RETRYING", "FAILED"] * 2
    assert len(receiver.requests) == 6
    clock.advance(3600)
    assert await job.deliver_round(db) == []  # disabled: nothing more
    async with db.connection() as conn:
        audited = await conn.fetchrow(
            "SELECT actor_label, reason FROM audit_log WHERE action = 'webhook.disabled'"
        )
    assert audited is not None
    assert dict(audited) == {
        "actor_label": "system",
        "reason": "2 events in a row could not be delivered",
    }

    receiver.otherwise = 200
    enabled = (
        await gql.data(UPDATE, {"input": {"id": webhook_id, "enabled": True}}, **dev.headers)
    )["updateWebhook"]
    assert enabled["userErrors"] == []
    assert enabled["webhook"]["enabled"] is True
    assert enabled["webhook"]["consecutiveFailures"] == 0
    assert enabled["webhook"]["disabledReason"] is None
    fresh = await submit_need(gql, notes="after the repair")
    await job.deliver_round(db)
    # Only what happened after re-enabling: the third need's event is not sent late.
    assert [body(r)["entryId"] for r in receiver.requests[6:]] == [fresh["id"]]


async def test_two_workers_at_once_never_deliver_an_event_twice(
    gql: GraphQLClient, db: Database, settings: Settings, receiver: Receiver, clock: Clock
) -> None:
    owners = [await developer(db, f"dev_{i}") for i in range(3)]
    for i, owner in enumerate(owners):
        await create_webhook(gql, owner, receiver.url(f"/hook/{i}"))
    for i in range(4):
        await submit_need(gql, notes=f"need {i}")
    # One webhook at a time each, so that both are busy at once on different webhooks.
    one_each = replace(settings, webhook_concurrency=1)
    first = WebhookDelivery(one_each, clock=clock)
    second = WebhookDelivery(one_each, clock=clock)
    by_worker: list[int] = [0, 0]
    try:
        for _ in range(6):
            done = await asyncio.gather(first.deliver_round(db), second.deliver_round(db))
            by_worker = [count + len(d) for count, d in zip(by_worker, done, strict=True)]
    finally:
        await first.aclose()
        await second.aclose()

    sent = [(r.path, r.headers["x-hub-event-id"]) for r in receiver.requests]
    assert len(sent) == 12
    assert len(set(sent)) == 12
    for i in range(3):
        ids = [int(event) for path, event in sent if path == f"/hook/{i}"]
        assert ids == sorted(ids) and len(ids) == 4
    assert sum(by_worker) == 12 and min(by_worker) > 0, by_worker


async def test_neither_the_secret_nor_the_url_token_is_logged(
    gql: GraphQLClient,
    db: Database,
    dev: Developer,
    receiver: Receiver,
    job: WebhookDelivery,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _, secret = await create_webhook(gql, dev, receiver.url("/hook?token=rcv-tok-123"))
    await submit_need(gql)
    receiver.plan = [500]
    await job.deliver_round(db)
    clock.advance(10)
    await job.deliver_round(db)

    assert [r.path for r in receiver.requests] == ["/hook?token=rcv-tok-123"] * 2
    assert "attempt 1 failed" in caplog.text  # the failure is logged, by webhook and host
    assert secret not in caplog.text
    assert "rcv-tok-123" not in caplog.text


async def test_redirects_are_not_followed_and_disabled_accounts_get_nothing(
    gql: GraphQLClient,
    db: Database,
    dev: Developer,
    receiver: Receiver,
    job: WebhookDelivery,
    clock: Clock,
) -> None:
    webhook_id, _ = await create_webhook(gql, dev, receiver.url())
    await submit_need(gql)
    receiver.plan = [302]
    await job.deliver_round(db)
    assert [(r.path, r.status) for r in receiver.requests] == [("/hook", 302)]
    log = await deliveries(gql, dev, webhook_id)
    [attempt] = [edge["node"] for edge in log["deliveries"]["edges"]]
    assert (attempt["outcome"], attempt["httpStatus"]) == ("RETRYING", 302)

    async with db.connection() as conn:
        await conn.execute("UPDATE app_user SET disabled_at = now()")
    clock.advance(3600)
    assert await job.deliver_round(db) == []
    async with db.connection() as conn:
        await conn.execute("UPDATE app_user SET disabled_at = NULL")
    assert [r.outcome.value for r in await job.deliver_round(db)] == ["SUCCEEDED"]
    assert [r.path for r in receiver.requests] == ["/hook", "/hook"]
