"""Protected contact details never leave the hub: not in responses, events or logs."""

from __future__ import annotations

import json
import logging

import pytest

from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import NEED_FIELDS, SUBMIT_NEED, need_input, verify_all

SECRET_PHONE = "13912345678"
SECRET_STORED = "139 1234 5678"  # as the hub stores it (hub/domain/phones.py)
SECRET_NAME = "李秘密"
SECRET_WECHAT = "wx_li_secret"


async def test_protected_contacts_never_leave(
    gql: GraphQLClient, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    contact = {
        "name": SECRET_NAME,
        "phone": SECRET_PHONE,
        "otherChannel": SECRET_WECHAT,
        "visibility": "PROTECTED",
    }
    hotline = {"name": "医务科", "phone": "027-85726114", "visibility": "PUBLIC"}
    submitted = await gql.post(SUBMIT_NEED, {"input": need_input(contacts=[contact, hotline])})
    need = submitted["data"]["submitNeed"]["need"]
    await verify_all(db)
    listed = await gql.post(f"{{ needs {{ edges {{ node {{ {NEED_FIELDS} }} }} }} }}")
    fetched = await gql.post(
        f'{{ node(id: "{need["id"]}") {{ ... on Need {{ {NEED_FIELDS} }} }} }}'
    )
    for body in (submitted, listed, fetched):
        text = json.dumps(body, ensure_ascii=False)
        assert SECRET_PHONE not in text and SECRET_STORED not in text
        assert "+8613912345678" not in text
        assert SECRET_NAME not in text
        assert SECRET_WECHAT not in text
        assert "027-8572 6114" in text  # the public hotline is shown
    assert need["contacts"][0] == {
        "name": "李**",
        "phone": "139****5678",
        "otherChannel": None,
        "visibility": "PROTECTED",
        "redacted": True,
    }
    async with db.connection() as conn:
        payloads = await conn.fetch("SELECT payload::text AS p FROM entry_event")
        stored = await conn.fetchval("SELECT phone FROM contact WHERE name = $1", SECRET_NAME)
    assert stored == SECRET_STORED  # kept for reviewers, only never shown
    assert payloads and all(
        SECRET_PHONE not in r["p"] and SECRET_STORED not in r["p"] and SECRET_NAME not in r["p"]
        for r in payloads
    )
    assert SECRET_PHONE not in caplog.text and SECRET_STORED not in caplog.text


REVEAL = """mutation($c: ID!) { revealContact(contactId: $c) {
    contact { name phone otherChannel redacted } userErrors { field code } } }"""
CONTACT_IDS = "query($id: ID!) { node(id: $id) { ... on Need { contacts { id redacted } } } }"


async def test_approved_users_may_reveal_on_the_record(
    gql: GraphQLClient, db: Database, settings: Settings
) -> None:
    from hub.domain.accounts import Role
    from hub.services.accounts import approve_user
    from tests.graphql.test_accounts import token_for

    volunteer, user_id = await token_for(db, Role.VOLUNTEER, "volunteer_zhang")
    contact = {"name": SECRET_NAME, "phone": SECRET_PHONE, "otherChannel": SECRET_WECHAT}
    need = (await gql.data(SUBMIT_NEED, {"input": need_input(contacts=[contact])}))["submitNeed"][
        "need"
    ]
    contact_id = (await gql.data(CONTACT_IDS, {"id": need["id"]}))["node"]["contacts"][0]["id"]

    refused = await gql.post(REVEAL, {"c": contact_id}, Authorization=f"Bearer {volunteer}")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # not yet approved
    from hub.domain.accounts import Viewer
    from hub.graphql.ids import expect_global_id

    local = expect_global_id(user_id, "User")
    assert local is not None
    await approve_user(db, Viewer(handle="coordinator", role=Role.COORDINATOR), local)
    shown = (await gql.data(REVEAL, {"c": contact_id}, Authorization=f"Bearer {volunteer}"))[
        "revealContact"
    ]["contact"]
    assert shown == {
        "name": SECRET_NAME,
        "phone": SECRET_STORED,
        "otherChannel": SECRET_WECHAT,
        "redacted": False,
    }
    async with db.connection() as conn:
        reveals = await conn.fetch(
            "SELECT actor_label, changes FROM audit_log WHERE action = 'contact.revealed'"
        )
    assert [(r["actor_label"], r["changes"]["contactId"]) for r in reveals] == [
        ("volunteer_zhang", str(expect_global_id(contact_id, "Contact")))
    ]


async def test_reveals_are_rate_limited(settings: Settings, db: Database) -> None:
    from dataclasses import replace

    import httpx

    from hub.app import create_app
    from hub.domain.accounts import Role
    from tests.graphql.test_accounts import token_for

    app = create_app(replace(settings, reveals_per_hour=2))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            gql = GraphQLClient(http)
            coordinator, _ = await token_for(db, Role.COORDINATOR, "coord_reveal")
            need = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
            contact_id = (await gql.data(CONTACT_IDS, {"id": need["id"]}))["node"]["contacts"][0][
                "id"
            ]
            bearer = {"Authorization": f"Bearer {coordinator}"}
            for _ in range(2):
                assert (await gql.data(REVEAL, {"c": contact_id}, **bearer))["revealContact"][
                    "contact"
                ]["phone"] == "138 0000 1234"
            limited = await gql.post(REVEAL, {"c": contact_id}, **bearer)
            assert limited["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_concurrent_reveals_get_exactly_the_limit(
    gql: GraphQLClient, db: Database, settings: Settings
) -> None:
    """Issue 14: the count ran before the lock, so 200 reveals sent at once got far more than
    the hourly limit. Counted under the account's lock, exactly the limit succeeds."""
    import asyncio

    from hub.domain.accounts import Role, Viewer
    from hub.graphql.ids import expect_global_id
    from hub.services.accounts import approve_user
    from tests.graphql.test_accounts import token_for

    volunteer, user_id = await token_for(db, Role.VOLUNTEER, "volunteer_racer")
    local = expect_global_id(user_id, "User")
    assert local is not None
    await approve_user(db, Viewer(handle="coordinator", role=Role.COORDINATOR), local)
    need = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
    contact_id = (await gql.data(CONTACT_IDS, {"id": need["id"]}))["node"]["contacts"][0]["id"]

    bearer = {"Authorization": f"Bearer {volunteer}"}
    results = await asyncio.gather(
        *(gql.post(REVEAL, {"c": contact_id}, **bearer) for _ in range(200))
    )
    shown = [r for r in results if "errors" not in r and r["data"]["revealContact"]["contact"]]
    limited = [r for r in results if "errors" in r]
    assert len(shown) == settings.reveals_per_hour == 30
    assert len(limited) == 170
    assert {r["errors"][0]["extensions"]["code"] for r in limited} == {"RATE_LIMITED"}
    async with db.connection() as conn:
        audited = await conn.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'contact.revealed'"
        )
    assert audited == 30
