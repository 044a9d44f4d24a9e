"""Webhooks over GraphQL: who may see and change them, the secret shown once, bad input."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from hub.domain.accounts import Role
from hub.domain.webhooks import verify_signature
from hub.graphql.schema import build_schema
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.webhooks.conftest import (
    CREATE,
    UPDATE,
    Clock,
    Developer,
    Receiver,
    client_for,
    create_webhook,
    developer,
    strict,
)
from workers.webhooks import WebhookDelivery

LIST = "{ webhooks { id url description enabled filter { kinds provinces } } }"
ONE = "query($id: ID!) { webhook(id: $id) { id url description } }"
DELETE = "mutation($id: ID!) { deleteWebhook(id: $id) { deleted userErrors { field code } } }"
ROTATE = """mutation($id: ID!) { rotateWebhookSecret(id: $id) {
    webhook { id } secret userErrors { field code } } }"""
URL = "https://hooks.example.org/crisis?token=receiver-own-token"


async def counts(db: Database) -> tuple[int, int]:
    """Webhooks and audit records."""
    async with db.connection() as conn:
        webhooks = await conn.fetchval("SELECT count(*) FROM webhook")
        audited = await conn.fetchval("SELECT count(*) FROM audit_log")
    return webhooks, audited


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_anonymous_callers_are_refused_with_a_code(gql: GraphQLClient, db: Database) -> None:
    created = await gql.post(CREATE, {"input": {"url": URL}})
    assert codes(created) == ["UNAUTHENTICATED"]
    assert codes(await gql.post(LIST)) == ["UNAUTHENTICATED"]
    assert codes(await gql.post(ONE, {"id": "V2ViaG9vazox"})) == ["UNAUTHENTICATED"]
    assert (await counts(db))[0] == 0


async def test_read_tokens_may_list_but_not_create(gql: GraphQLClient, db: Database) -> None:
    from hub.domain.accounts import TokenScope
    from tests.graphql.test_accounts import token_for

    token, _ = await token_for(db, Role.VOLUNTEER, "reader", TokenScope.READ)
    bearer = {"Authorization": f"Bearer {token}"}
    assert codes(await gql.post(CREATE, {"input": {"url": URL}}, **bearer)) == ["FORBIDDEN"]
    assert (await gql.data(LIST, **bearer))["webhooks"] == []


async def test_the_secret_is_shown_once_and_never_by_queries(
    gql: GraphQLClient, db: Database, dev: Developer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    payload = (
        await gql.data(
            CREATE,
            {
                "input": {
                    "url": URL,
                    "description": "hospital dashboard",
                    "filter": {"kinds": ["NEED"], "provinces": ["湖北省"]},
                }
            },
            **dev.headers,
        )
    )["createWebhook"]
    assert payload["userErrors"] == []
    secret = payload["secret"]
    assert len(secret) == 43  # 32 bytes, URL-safe base64 without padding
    webhook = payload["webhook"]
    assert (webhook["url"], webhook["description"], webhook["enabled"]) == (
        URL,
        "hospital dashboard",
        True,
    )
    listed = await gql.post(LIST, **dev.headers)
    assert listed["data"]["webhooks"][0]["filter"] == {"kinds": ["NEED"], "provinces": ["湖北省"]}
    one = await gql.post(ONE, {"id": webhook["id"]}, **dev.headers)
    assert one["data"]["webhook"]["url"] == URL
    webhook_type = build_schema()._schema.type_map["Webhook"]
    assert not any("secret" in name.lower() for name in webhook_type.fields)  # type: ignore[attr-defined]
    for response in (listed, one):
        assert secret not in str(response)
    async with db.connection() as conn:
        trail = await conn.fetch("SELECT changes::text AS c FROM audit_log")
    assert trail and all(secret not in row["c"] and "token=" not in row["c"] for row in trail)
    assert secret not in caplog.text


async def test_others_cannot_see_or_change_a_webhook_but_admins_may_see_it(
    gql: GraphQLClient, db: Database, dev: Developer
) -> None:
    webhook_id, _ = await create_webhook(gql, dev, URL)
    other = await developer(db, "someone_else")
    before = await counts(db)

    assert (await gql.data(LIST, **other.headers))["webhooks"] == []
    assert (await gql.data(ONE, {"id": webhook_id}, **other.headers))["webhook"] is None
    changed = await gql.data(
        UPDATE, {"input": {"id": webhook_id, "url": "https://evil.example.org/"}}, **other.headers
    )
    assert [e["code"] for e in changed["updateWebhook"]["userErrors"]] == ["NOT_FOUND"]
    deleted = await gql.data(DELETE, {"id": webhook_id}, **other.headers)
    assert deleted["deleteWebhook"] == {
        "deleted": False,
        "userErrors": [{"field": "id", "code": "NOT_FOUND"}],
    }
    rotated = await gql.data(ROTATE, {"id": webhook_id}, **other.headers)
    assert rotated["rotateWebhookSecret"]["secret"] is None
    everyone = await gql.post("{ webhooks(allUsers: true) { id } }", **other.headers)
    assert codes(everyone) == ["FORBIDDEN"]
    assert await counts(db) == before
    assert (await gql.data(ONE, {"id": webhook_id}, **dev.headers))["webhook"]["url"] == URL

    admin = await developer(db, "the_admin", Role.ADMIN)
    listed = await gql.data("{ webhooks(allUsers: true) { id url } }", **admin.headers)
    assert [w["id"] for w in listed["webhooks"]] == [webhook_id]
    assert (await gql.data(ONE, {"id": webhook_id}, **admin.headers))["webhook"]["id"] == webhook_id
    # An admin may switch it off (abuse), but never learn its secret.
    off = await gql.data(UPDATE, {"input": {"id": webhook_id, "enabled": False}}, **admin.headers)
    assert off["updateWebhook"]["webhook"]["disabledReason"] == "switched off by the_admin"
    rotated = await gql.data(ROTATE, {"id": webhook_id}, **admin.headers)
    assert rotated["rotateWebhookSecret"]["secret"] is None


BAD_URLS = [
    ("ftp://files.example.org/hook", "INVALID_URL"),
    ("not a url", "INVALID_URL"),
    ("https://", "INVALID_URL"),
    ("https://example.org:99999/", "INVALID_URL"),
    ("", "REQUIRED"),
    ("https://example.org/" + "x" * 2000, "TOO_LONG"),
    ("http://hooks.example.org/", "NOT_ALLOWED"),  # https only
    ("https://user:password@hooks.example.org/", "NOT_ALLOWED"),
    ("https://127.0.0.1/hook", "NOT_ALLOWED"),  # loopback
    ("https://localhost:8443/hook", "NOT_ALLOWED"),
    ("https://169.254.169.254/latest/meta-data", "NOT_ALLOWED"),  # cloud metadata
    ("https://[::1]/hook", "NOT_ALLOWED"),
    ("https://10.1.2.3/hook", "NOT_ALLOWED"),
]


async def test_bad_urls_are_user_errors_and_write_nothing(
    db: Database, settings: Settings, dev: Developer
) -> None:
    async with client_for(strict(settings)) as gql:
        webhook_id, _ = await create_webhook(gql, dev, "https://93.184.215.14/hook")
        before = await counts(db)
        for url, code in BAD_URLS:
            created = (await gql.data(CREATE, {"input": {"url": url}}, **dev.headers))[
                "createWebhook"
            ]
            assert created["webhook"] is None and created["secret"] is None, url
            assert [(e["field"], e["code"]) for e in created["userErrors"]] == [("url", code)], url
            assert created["userErrors"][0]["message"]
            updated = (
                await gql.data(UPDATE, {"input": {"id": webhook_id, "url": url}}, **dev.headers)
            )["updateWebhook"]
            assert [e["code"] for e in updated["userErrors"]] == [code], url
        long = await gql.data(
            CREATE,
            {"input": {"url": "https://93.184.215.14/", "description": "d" * 201}},
            **dev.headers,
        )
        assert [e["field"] for e in long["createWebhook"]["userErrors"]] == ["description"]
        wrong_id = await gql.data(
            CREATE,
            {"input": {"url": "https://93.184.215.14/", "filter": {"entryIds": ["nonsense"]}}},
            **dev.headers,
        )
        assert [(e["field"], e["code"]) for e in wrong_id["createWebhook"]["userErrors"]] == [
            ("filter", "INVALID_ID")
        ]
        assert await counts(db) == before
        shown = await gql.data(ONE, {"id": webhook_id}, **dev.headers)
        assert shown["webhook"]["url"] == "https://93.184.215.14/hook"


async def test_a_user_may_have_only_so_many_webhooks(
    db: Database, settings: Settings, dev: Developer
) -> None:
    async with client_for(replace(settings, webhook_max_per_user=2)) as gql:
        for _ in range(2):
            await create_webhook(gql, dev, URL)
        before = await counts(db)
        third = await gql.data(CREATE, {"input": {"url": URL}}, **dev.headers)
        [error] = third["createWebhook"]["userErrors"]
        assert error["code"] == "NOT_ALLOWED" and "at most 2" in error["message"]
        assert await counts(db) == before
        # Another user has a limit of their own.
        await create_webhook(gql, await developer(db, "another_dev"), URL)


async def test_update_changes_url_filter_and_description(
    gql: GraphQLClient, db: Database, dev: Developer
) -> None:
    webhook_id, _ = await create_webhook(gql, dev, URL)
    need = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
    updated = await gql.data(
        UPDATE,
        {
            "input": {
                "id": webhook_id,
                "url": "https://other.example.org/",
                "filter": {"entryIds": [need["id"]], "kinds": ["NEED"]},
            }
        },
        **dev.headers,
    )
    webhook = updated["updateWebhook"]["webhook"]
    assert webhook["url"] == "https://other.example.org/"
    assert webhook["filter"] == {"kinds": ["NEED"], "provinces": [], "entryIds": [need["id"]]}
    cleared = await gql.data(UPDATE, {"input": {"id": webhook_id, "filter": None}}, **dev.headers)
    assert cleared["updateWebhook"]["webhook"]["filter"]["kinds"] == []
    assert cleared["updateWebhook"]["webhook"]["url"] == "https://other.example.org/"
    bad = await gql.data(UPDATE, {"input": {"id": "nonsense"}}, **dev.headers)
    assert bad["updateWebhook"]["userErrors"] == [
        {"field": "id", "code": "INVALID_ID", "message": "Not a valid id."}
    ]
    assert codes(await gql.post(ONE, {"id": "nonsense"}, **dev.headers)) == ["INVALID_ID"]


async def test_delete_removes_the_webhook_and_its_log(
    gql: GraphQLClient, db: Database, dev: Developer
) -> None:
    webhook_id, _ = await create_webhook(gql, dev, URL)
    assert (await gql.data(DELETE, {"id": webhook_id}, **dev.headers))["deleteWebhook"] == {
        "deleted": True,
        "userErrors": [],
    }
    assert (await gql.data(ONE, {"id": webhook_id}, **dev.headers))["webhook"] is None
    again = await gql.data(DELETE, {"id": webhook_id}, **dev.headers)
    assert again["deleteWebhook"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_a_rotated_secret_signs_the_next_deliveries(
    gql: GraphQLClient,
    db: Database,
    dev: Developer,
    receiver: Receiver,
    job: WebhookDelivery,
    clock: Clock,
) -> None:
    webhook_id, old = await create_webhook(gql, dev, receiver.url())
    rotated = (await gql.data(ROTATE, {"id": webhook_id}, **dev.headers))["rotateWebhookSecret"]
    new = rotated["secret"]
    assert rotated["userErrors"] == [] and new and new != old
    await gql.data(SUBMIT_NEED, {"input": need_input()})
    await job.deliver_round(db)
    [request] = receiver.requests
    header = request.headers["x-hub-signature-256"]
    now = int(clock().timestamp())
    assert verify_signature(new, header, request.body, now)
    assert not verify_signature(old, header, request.body, now)
