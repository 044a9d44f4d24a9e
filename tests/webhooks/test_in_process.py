"""End to end: the delivery job running inside the server, as `hub serve` runs it."""

from __future__ import annotations

import json

import httpx
import pytest

from hub.app import create_app
from hub.domain.webhooks import verify_signature
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.webhooks.conftest import Developer, Receiver, create_webhook, deliveries
from workers.run import run_forever


async def test_the_server_delivers_and_retries_on_its_own(
    db: Database,
    settings: Settings,
    dev: Developer,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The job reads its settings from the environment, as under `hub serve`.
    monkeypatch.setenv("HUB_WEBHOOK_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("HUB_WEBHOOK_RETRY_FIRST_MS", "50")
    receiver.plan = [503]
    app = create_app(settings, background=run_forever)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            gql = GraphQLClient(http)
            webhook_id, secret = await create_webhook(gql, dev, receiver.url())
            payload = await gql.data(SUBMIT_NEED, {"input": need_input()})
            need = payload["submitNeed"]["need"]

            failed, delivered = await receiver.wait_for(2)

            assert (failed.status, delivered.status) == (503, 200)
            assert failed.headers["x-hub-event-id"] == delivered.headers["x-hub-event-id"]
            timestamp = int(delivered.headers["x-hub-signature-256"].split(",")[0][2:])
            assert verify_signature(
                secret, delivered.headers["x-hub-signature-256"], delivered.body, timestamp
            )
            assert json.loads(delivered.body)["entryId"] == need["id"]
            log = await deliveries(gql, dev, webhook_id)
            outcomes = [e["node"]["outcome"] for e in reversed(log["deliveries"]["edges"])]
            assert outcomes[:1] == ["RETRYING"]
    # The log is written after the answer: read it once the server has stopped.
    async with db.connection() as conn:
        logged = await conn.fetch(
            "SELECT attempt, outcome, http_status FROM webhook_delivery ORDER BY seq"
        )
    assert [tuple(row) for row in logged] == [(1, "RETRYING", 503), (2, "SUCCEEDED", 200)]
