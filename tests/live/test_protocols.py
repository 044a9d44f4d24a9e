"""Subscriptions end to end on both protocols: subscribe, write over HTTP, receive, filter."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import GraphQLClient
from tests.helpers import (
    LOGISTICS,
    OFFER,
    SUBMIT_LOGISTICS,
    SUBMIT_NEED,
    SUBMIT_OFFER,
    UPDATE_NEED,
    need_input,
)
from tests.live.conftest import LiveServer
from tests.live.wsclient import ENTRY_EVENTS, PROTOCOLS, GraphQLSocket, socket, subscribed


async def latest_event_id(client: GraphQLClient) -> str:
    """The id to subscribe after so that nothing written from now on can be missed."""
    value: str = (await client.data("{ latestEventId }"))["latestEventId"]
    return value


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_need_posted_over_http_arrives_live(
    live_server: LiveServer, client: GraphQLClient, protocol: str
) -> None:
    async with subscribed(live_server.ws_url, protocol) as ws:
        # No `after`: the event must come through the live path, so wait until it is joined.
        await live_server.app.state.live.fanout.until_subscribers(1)
        posted = (await client.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
        event = await ws.event()
    assert event["type"] == "CREATED"
    assert event["kind"] == "NEED"
    assert event["entryId"] == posted["id"]
    assert event["replayed"] is False
    assert int(event["id"]) > 0
    entry = event["entry"]
    assert entry["id"] == posted["id"]
    assert entry["urgency"] == "CRITICAL"
    assert entry["organization"]["name"] == "武汉市第七医院"
    assert entry["verificationStatus"] == "PENDING"
    # The protected phone is masked as in any other read.
    [contact] = entry["contacts"]
    assert contact["redacted"] is True
    assert "13800001234" not in str(event)


async def _next_ids(ws: GraphQLSocket, count: int) -> list[tuple[str, str]]:
    events = [await ws.event() for _ in range(count)]
    return [(e["type"], e["entryId"]) for e in events]


async def test_filters_deliver_only_matching_events(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    after = await latest_event_id(client)
    a = (await client.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    organization_id = a["need"]["organization"]["id"]
    a_id = a["need"]["id"]
    filters: dict[str, dict[str, Any]] = {
        "offers": {"kinds": ["OFFER"]},
        "hubei": {"provinces": ["湖北省"]},
        "shenzhen": {"cities": ["深圳市"]},
        "respirators": {"categoryCodes": ["face.medical_respirator"]},
        "critical": {"urgencies": ["CRITICAL"]},
        "hospital": {"organizationIds": [organization_id]},
        "one_entry": {"entryIds": [a_id]},
        "updates": {"types": ["UPDATED"]},
        "pending": {"verificationStatuses": ["PENDING"]},
        "combined": {"kinds": ["NEED"], "provinces": ["湖北省"], "urgencies": ["LOW"]},
    }
    async with socket(live_server.ws_url) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        operations = {
            name: await ws.start(ENTRY_EVENTS, {"filter": value, "after": after})
            for name, value in filters.items()
        }
        b = (await client.data(SUBMIT_OFFER, {"input": OFFER}))["submitOffer"]["offer"]["id"]
        c_input = need_input(urgency="LOW", organizationId=organization_id)
        del c_input["organization"]
        c_input["region"] = {"province": "湖北省", "city": "孝感市"}
        c_input["items"] = [copy.deepcopy(need_input()["items"][1])]
        c = (await client.data(SUBMIT_NEED, {"input": c_input}))["submitNeed"]["need"]["id"]
        d = (await client.data(SUBMIT_LOGISTICS, {"input": LOGISTICS}))["submitLogisticsOffer"]
        d_id = d["logisticsOffer"]["id"]
        update = {"id": a_id, "editToken": a["editToken"], "version": 1, "notes": "还缺 3000 个"}
        updated = await client.data(UPDATE_NEED, {"input": update})
        assert updated["updateNeed"]["userErrors"] == []
        # Sentinels: each filter's next event after its expected ones must be one of these.
        s1_input = need_input(organizationId=organization_id)
        del s1_input["organization"]
        s1 = (await client.data(SUBMIT_NEED, {"input": s1_input}))["submitNeed"]["need"]["id"]
        s2 = (await client.data(SUBMIT_OFFER, {"input": OFFER}))["submitOffer"]["offer"]["id"]
        last = {"id": a_id, "editToken": a["editToken"], "version": 2, "notes": "还缺 1000 个"}
        assert (await client.data(UPDATE_NEED, {"input": last}))["updateNeed"]["userErrors"] == []

        created = "CREATED"
        expected = {
            "offers": [(created, b), (created, s2)],
            "hubei": [(created, a_id), (created, c), ("UPDATED", a_id), (created, s1)],
            "shenzhen": [(created, b), (created, s2)],
            "respirators": [(created, a_id), ("UPDATED", a_id), (created, s1)],
            "critical": [(created, a_id), ("UPDATED", a_id), (created, s1)],
            "hospital": [(created, a_id), (created, c), ("UPDATED", a_id), (created, s1)],
            "one_entry": [(created, a_id), ("UPDATED", a_id), ("UPDATED", a_id)],
            "updates": [("UPDATED", a_id), ("UPDATED", a_id)],
            "pending": [
                (created, a_id),
                (created, b),
                (created, c),
                (created, d_id),
                ("UPDATED", a_id),
                (created, s1),
            ],
            "combined": [(created, c)],
        }
        received: dict[str, list[tuple[str, str]]] = {name: [] for name in filters}
        by_operation = {op: name for name, op in operations.items()}
        # Read until every filter has its expected events; what follows a sentinel is not checked.
        while any(len(received[n]) < len(expected[n]) for n in filters):
            message = await ws.receive()
            assert message["type"] == "next", message
            event = message["payload"]["data"]["entryEvents"]
            received[by_operation[message["id"]]].append((event["type"], event["entryId"]))
    assert {n: received[n][: len(expected[n])] for n in filters} == expected


async def test_an_update_event_carries_the_entry_as_it_is_now(
    live_server: LiveServer, client: GraphQLClient
) -> None:
    posted = (await client.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    after = await latest_event_id(client)
    variables = {"after": after, "filter": {"entryIds": [posted["need"]["id"]]}}
    async with subscribed(live_server.ws_url, variables=variables) as ws:
        update = {
            "id": posted["need"]["id"],
            "editToken": posted["editToken"],
            "version": 1,
            "urgency": "LOW",
        }
        assert (await client.data(UPDATE_NEED, {"input": update}))["updateNeed"]["userErrors"] == []
        event = await ws.event()
    assert event["type"] == "UPDATED"
    assert event["entry"]["urgency"] == "LOW"
