"""Protected contact details never leave the hub: not in responses, events or logs."""

from __future__ import annotations

import json
import logging

import pytest

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import NEED_FIELDS, SUBMIT_NEED, need_input, verify_all

SECRET_PHONE = "13912345678"
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
        assert SECRET_PHONE not in text
        assert SECRET_NAME not in text
        assert SECRET_WECHAT not in text
        assert "027-85726114" in text  # the public hotline is shown
    assert need["contacts"][0] == {
        "name": "李**",
        "phone": None,
        "otherChannel": None,
        "visibility": "PROTECTED",
        "redacted": True,
    }
    async with db.connection() as conn:
        payloads = await conn.fetch("SELECT payload::text AS p FROM entry_event")
        stored = await conn.fetchval("SELECT phone FROM contact WHERE name = $1", SECRET_NAME)
    assert stored == SECRET_PHONE  # kept for reviewers, only never shown
    assert payloads and all(
        SECRET_PHONE not in r["p"] and SECRET_NAME not in r["p"] for r in payloads
    )
    assert SECRET_PHONE not in caplog.text
