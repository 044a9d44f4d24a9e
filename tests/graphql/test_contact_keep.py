"""An update keeps a protected contact by its id, without anyone seeing or retyping it."""

from __future__ import annotations

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, UPDATE_NEED, need_input, verify_all

PROTECTED_PHONE = "13800001234"  # tests/helpers.NEED's protected contact
STORED_PHONE = "138 0000 1234"  # as the hub stores it (hub/domain/phones.py)


async def _stored_contacts(db: Database) -> list[tuple[str | None, str | None, str]]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT c.name, c.phone, c.visibility FROM contact c "
            "JOIN entry e ON e.id = c.entry_id ORDER BY c.position"
        )
    return [(r["name"], r["phone"], r["visibility"]) for r in rows]


async def test_a_protected_contact_is_kept_by_id(gql: GraphQLClient, db: Database) -> None:
    made = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    need = made["need"]
    ids = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Need { contacts { id phone redacted } } } }",
        {"id": need["id"]},
    )
    [contact] = ids["node"]["contacts"]
    assert contact["redacted"] is True and contact["phone"] not in (PROTECTED_PHONE, STORED_PHONE)
    await verify_all(db)
    # Sending the contact back by id alone changes nothing reviewers vouched for.
    same = {
        "id": need["id"],
        "version": need["version"],
        "editToken": made["editToken"],
        "contacts": [{"id": contact["id"]}],
    }
    kept = (await gql.data(UPDATE_NEED, {"input": same}))["updateNeed"]
    assert kept["userErrors"] == []
    assert kept["need"]["verificationStatus"] == "VERIFIED"
    assert await _stored_contacts(db) == [("王小明", STORED_PHONE, "PROTECTED")]
    update = {
        "id": need["id"],
        "version": kept["need"]["version"],
        "editToken": made["editToken"],
        "contacts": [
            {"id": contact["id"]},
            {"name": "医务科", "phone": "027-87654321", "visibility": "PUBLIC"},
        ],
    }
    result = (await gql.data(UPDATE_NEED, {"input": update}))["updateNeed"]
    assert result["userErrors"] == []
    assert await _stored_contacts(db) == [
        ("王小明", STORED_PHONE, "PROTECTED"),
        ("医务科", "027-8765 4321", "PUBLIC"),
    ]
    # A kept contact keeps its id; the same id sent twice is two contacts, not an error.
    twice = {
        "id": need["id"],
        "version": result["need"]["version"],
        "editToken": made["editToken"],
        "contacts": [{"id": contact["id"]}, {"id": contact["id"]}],
    }
    doubled = (await gql.data(UPDATE_NEED, {"input": twice}))["updateNeed"]
    assert doubled["userErrors"] == []
    assert await _stored_contacts(db) == [("王小明", STORED_PHONE, "PROTECTED")] * 2


async def test_an_unknown_contact_id_keeps_nothing(gql: GraphQLClient, db: Database) -> None:
    made = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    need = made["need"]
    update = {
        "id": need["id"],
        "version": need["version"],
        "editToken": made["editToken"],
        "contacts": [{"id": "Q29udGFjdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"}],
    }
    result = (await gql.data(UPDATE_NEED, {"input": update}))["updateNeed"]
    assert [e["field"] for e in result["userErrors"]] == ["contacts.0.phone"]
    assert await _stored_contacts(db) == [("王小明", STORED_PHONE, "PROTECTED")]
