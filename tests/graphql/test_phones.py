"""Phones as people publish them, through the API and the import (issue 17): split into
contacts, stored in display form with E.164, masked on the national number, what is no number
kept as written with a warning, and the same contacts whichever way the same text comes in.

Placeholder numbers only (138 0013 8000 / 1390000xxxx-style mobiles, 027-8xxxxxxx landlines).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hub.domain.webhook_payload import public_contact
from hub.graphql.ids import require_global_id
from hub.store import categories
from hub.store import entries as entry_store
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import HOSPITAL, NEED, need_input, verify_all
from tests.imports.helpers import run_import

CONTACT_FIELDS = "name phone otherChannel visibility redacted phoneE164 phoneExtension"
SUBMIT = f"""
mutation($input: SubmitNeedInput!) {{
  submitNeed(input: $input) {{
    need {{ id version contacts {{ id {CONTACT_FIELDS} }} }}
    editToken
    userErrors {{ field code message }}
    warnings {{ field code message }}
  }}
}}"""
UPDATE = f"""
mutation($input: UpdateNeedInput!) {{
  updateNeed(input: $input) {{
    need {{ contacts {{ {CONTACT_FIELDS} }} }}
    userErrors {{ field code }}
    warnings {{ field code }}
  }}
}}"""
REGISTER = f"""
mutation($input: OrganizationInput!) {{
  registerOrganization(input: $input) {{
    organization {{ contacts {{ {CONTACT_FIELDS} }} }}
    userErrors {{ field code }}
    warnings {{ field code message }}
  }}
}}"""

SEVERAL_PEOPLE = "余主任13900001111，周科长13900002222，医院总值班027-85726114（24小时值守）"


async def _submit(gql: GraphQLClient, *contacts: dict[str, Any]) -> dict[str, Any]:
    result = await gql.data(SUBMIT, {"input": need_input(contacts=list(contacts))})
    payload: dict[str, Any] = result["submitNeed"]
    return payload


async def test_one_cell_of_several_people_becomes_several_contacts(gql: GraphQLClient) -> None:
    payload = await _submit(gql, {"name": "", "phone": SEVERAL_PEOPLE, "visibility": "PUBLIC"})
    assert payload["userErrors"] == []
    shown = [
        (c["name"], c["phone"], c["otherChannel"], c["phoneE164"], c["visibility"])
        for c in payload["need"]["contacts"]
    ]
    assert shown == [
        ("余主任", "139 0000 1111", None, "+8613900001111", "PUBLIC"),
        ("周科长", "139 0000 2222", None, "+8613900002222", "PUBLIC"),
        ("医院总值班", "027-8572 6114", "24小时值守", "+862785726114", "PUBLIC"),
    ]
    (warning,) = payload["warnings"]
    assert (warning["field"], warning["code"]) == ("contacts.0.phone", "CONTACT_SPLIT")
    assert "3" in warning["message"]


async def test_split_contacts_keep_the_protection_chosen(gql: GraphQLClient, db: Database) -> None:
    payload = await _submit(gql, {"name": "", "phone": SEVERAL_PEOPLE, "visibility": "PROTECTED"})
    contacts = payload["need"]["contacts"]
    assert [(c["name"], c["phone"], c["otherChannel"], c["phoneE164"]) for c in contacts] == [
        ("余**", "139****1111", None, None),
        ("周**", "139****2222", None, None),
        ("医****", "027****6114", None, None),
    ]
    assert all(c["redacted"] and c["visibility"] == "PROTECTED" for c in contacts)
    assert "13900001111" not in json.dumps(payload) and "+86" not in json.dumps(payload)
    async with db.connection() as conn:
        stored = await conn.fetch("SELECT visibility, phone_e164 FROM contact ORDER BY position")
    entry_contacts = [r for r in stored if r["visibility"] == "PROTECTED"]
    assert [r["phone_e164"] for r in entry_contacts] == [
        "+8613900001111",
        "+8613900002222",
        "+862785726114",
    ]


async def test_a_country_code_is_masked_on_the_national_number(
    gql: GraphQLClient, db: Database
) -> None:
    # The attack of the issue: "+86 199..." was stored with its 86 and shown as 861****xxxx.
    payload = await _submit(
        gql, {"name": "王老师", "phone": "+86 199 1234 5678", "visibility": "PROTECTED"}
    )
    (contact,) = payload["need"]["contacts"]
    assert (contact["phone"], contact["phoneE164"], contact["phoneExtension"]) == (
        "199****5678",
        None,
        None,
    )
    need_id = require_global_id(payload["need"]["id"])[1]
    await verify_all(db)
    async with db.connection() as conn:
        stored = await conn.fetchrow("SELECT phone, phone_e164 FROM contact WHERE name = '王老师'")
        entry = (await entry_store.get_entries(conn, [need_id]))[need_id]
        known = {c.code: c for c in await categories.list_categories(conn)}
    assert tuple(stored) == ("199 1234 5678", "+8619912345678")
    # Webhooks mask it the same way.
    (stored_contact,) = entry.draft.contacts
    assert public_contact(stored_contact)["phone"] == "199****5678"
    assert public_contact(stored_contact)["phoneE164"] is None
    # Search documents hold no contact at all.
    from hub.domain.search import entry_document

    document = entry_document(entry, None, known)
    assert document is not None
    assert "1234" not in repr(document) and "王老师" not in repr(document)


async def test_what_is_no_number_is_kept_as_written_not_refused(gql: GraphQLClient) -> None:
    # Before: INVALID_PHONE, and a real entry a volunteer could not post.
    payload = await _submit(
        gql,
        {"name": "张三", "phone": "138-0000", "visibility": "PUBLIC"},
        {"name": "李四", "phone": "微信同号 abc123", "visibility": "PROTECTED"},
    )
    assert payload["userErrors"] == []
    public, protected = payload["need"]["contacts"]
    assert (public["name"], public["phone"], public["otherChannel"]) == ("张三", None, "138-0000")
    # Kept as written, and as protected as the submitter chose.
    assert (protected["phone"], protected["otherChannel"], protected["redacted"]) == (
        None,
        None,
        True,
    )
    assert [(w["field"], w["code"]) for w in payload["warnings"]] == [
        ("contacts.0.phone", "PHONE_KEPT_AS_WRITTEN"),
        ("contacts.1.phone", "PHONE_KEPT_AS_WRITTEN"),
    ]
    english = await gql.post(
        SUBMIT,
        {"input": need_input(contacts=[{"phone": "见官网"}])},
        **{"Accept-Language": "en"},
    )
    (warning,) = english["data"]["submitNeed"]["warnings"]
    assert "kept as written" in warning["message"]


async def test_hostile_text_is_still_refused(gql: GraphQLClient, db: Database) -> None:
    too_long = await _submit(gql, {"phone": "13800138000;" * 9})
    assert too_long["need"] is None
    assert [(e["field"], e["code"]) for e in too_long["userErrors"]] == [
        ("contacts.0.phone", "TOO_LONG")
    ]


async def test_errors_name_the_contacts_as_sent(gql: GraphQLClient) -> None:
    # The first contact becomes two; the error of the second one sent is still contacts.1.
    payload = await _submit(
        gql,
        {"phone": "13900001111;18000002222"},
        {"name": "名" * 101, "phone": "13800138000"},
    )
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("contacts.1.name", "TOO_LONG")
    ]


async def test_updates_read_phones_the_same_way(gql: GraphQLClient) -> None:
    submitted = await _submit(
        gql, {"name": "总机", "phone": "027-85726114", "visibility": "PUBLIC"}
    )
    need = submitted["need"]
    updated = await gql.data(
        UPDATE,
        {
            "input": {
                "id": need["id"],
                "version": need["version"],
                "editToken": submitted["editToken"],
                "contacts": [
                    {"phone": "王老师 13800001234/4001234567转0", "visibility": "PUBLIC"},
                    {"name": "值班室", "phone": "85726114", "visibility": "PUBLIC"},
                ],
            }
        },
    )
    payload = updated["updateNeed"]
    assert payload["userErrors"] == []
    assert [
        (c["name"], c["phone"], c["phoneE164"], c["phoneExtension"])
        for c in payload["need"]["contacts"]
    ] == [
        ("王老师", "138 0000 1234", "+8613800001234", None),
        (None, "400-123-4567 转 0", None, "0"),
        ("值班室", "8572 6114", None, None),
    ]
    assert [(w["field"], w["code"]) for w in payload["warnings"]] == [
        ("contacts.0.phone", "CONTACT_SPLIT"),
        ("contacts.1.phone", "LOCAL_NUMBER"),
    ]


async def test_organizations_read_phones_the_same_way(gql: GraphQLClient) -> None:
    organization = {
        **HOSPITAL,
        "contacts": [
            {"name": "医务科", "phone": "027-85726114；027-85726115", "visibility": "PUBLIC"}
        ],
    }
    payload = (await gql.data(REGISTER, {"input": organization}))["registerOrganization"]
    assert payload["userErrors"] == []
    assert [(c["name"], c["phone"]) for c in payload["organization"]["contacts"]] == [
        ("医务科", "027-8572 6114"),
        ("医务科", "027-8572 6115"),
    ]
    assert [(w["field"], w["code"]) for w in payload["warnings"]] == [
        ("contacts.0.phone", "CONTACT_SPLIT")
    ]
    # A new organization sent with an entry: its warnings name it.
    entry = await _submit_with_organization(gql, organization)
    assert [(w["field"], w["code"]) for w in entry["warnings"]] == [
        ("organization.contacts.0.phone", "CONTACT_SPLIT")
    ]


async def _submit_with_organization(
    gql: GraphQLClient, organization: dict[str, Any]
) -> dict[str, Any]:
    result = await gql.data(SUBMIT, {"input": need_input(organization=organization)})
    payload: dict[str, Any] = result["submitNeed"]
    return payload


# Every shape of the issue, with a name column beside it as spreadsheets have.
SHAPES = [
    ("王老师", "13800001234"),
    ("", "139 0000 1111;180 0000 2222"),
    ("", "027-85726114/027-85726115"),
    ("", "13900001111\n18000002222"),
    ("", "王老师 13800001234"),
    ("", "张13800001234"),
    ("", "86-633-1234567"),
    ("", "（+86）19912345678"),
    ("", "+86 199 1234 5678"),
    ("", "0719—8123456"),
    ("", "0719－8123456"),
    ("", "4001234567转0"),
    ("", "85726114"),
    ("", "10103636"),
    ("", "１３８００１３８０００"),
    ("", SEVERAL_PEOPLE),
    ("王老师、李老师", "13800001234、13900001234"),
    ("张三", "138-0000"),
    ("张三", "见官网"),
]


def _csv(rows: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["机构名称", "省份", "城市", "物资名称", "数量", "联系人", "联系电话"])
    for number, (name, phone) in enumerate(rows):
        writer.writerow([f"测试医院{number}", "湖北省", "武汉市", "N95口罩", "100", name, phone])
    return out.getvalue().encode()


async def _contacts_by_organization(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            """
            SELECT o.name AS organization, c.name, c.phone, c.other_channel, c.phone_e164,
                   c.phone_extension, c.visibility
            FROM contact c JOIN entry e ON e.id = c.entry_id
            JOIN organization o ON o.id = e.organization_id
            ORDER BY o.name, c.position
            """
        )
    found: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        found.setdefault(row["organization"], []).append(tuple(row)[1:])
    return found


async def test_the_api_and_the_import_make_the_same_contacts(
    gql: GraphQLClient, db: Database
) -> None:
    report = await run_import(db, _csv(SHAPES), "needs", file_name="shapes.csv")
    assert report.rejected == []
    assert report.imported == len(SHAPES)
    imported = await _contacts_by_organization(db)
    for number, (name, phone) in enumerate(SHAPES):
        organization = {**HOSPITAL, "name": f"接口医院{number}", "contacts": []}
        sent = need_input(
            organization=organization,
            contacts=[{"name": name, "phone": phone, "visibility": "PROTECTED"}],
        )
        payload = (await gql.data(SUBMIT, {"input": sent}))["submitNeed"]
        assert payload["userErrors"] == [], (phone, payload["userErrors"])
    through_api = await _contacts_by_organization(db)
    for number, (_, phone) in enumerate(SHAPES):
        assert through_api[f"接口医院{number}"] == imported[f"测试医院{number}"], phone
    # Nothing was invented: every shape gave a phone or kept its text.
    assert all(imported[f"测试医院{n}"] for n in range(len(SHAPES)))


async def test_imported_organizations_warn_of_what_they_changed(db: Database) -> None:
    data = "机构名称,省份,联系人,联系电话\n武汉市测试医院,湖北省,医务科,027-85726114；见官网\n"
    report = await run_import(db, data.encode(), "organizations", file_name="organizations.csv")
    assert report.rejected == []
    assert [(w.column, w.code.value, w.value) for w in report.warnings] == [
        ("联系电话", "PHONE_KEPT_AS_WRITTEN", "027****6114")
    ]
    async with db.connection() as conn:
        stored = await conn.fetch(
            "SELECT name, phone, other_channel, phone_e164 FROM contact ORDER BY position"
        )
    assert [tuple(r) for r in stored] == [("医务科", "027-8572 6114", "见官网", "+862785726114")]


async def test_progress_on_an_entry_stored_before_keeps_its_verification(
    gql: GraphQLClient, db: Database
) -> None:
    # A contact stored before phones were normalised: its number is rewritten in display form
    # on the next save, and that is no change a reviewer has to check again.
    submitted = await _submit(gql, {"name": "王小明", "phone": "13800001234"})
    need = submitted["need"]
    async with db.connection() as conn:
        await conn.execute("UPDATE contact SET phone = '13800001234', phone_e164 = NULL")
    await verify_all(db)
    items = [dict(i) for i in NEED["items"]]
    items[0]["fulfilledQuantity"] = 1000
    result = await gql.data(
        """mutation($input: UpdateNeedInput!) { updateNeed(input: $input) {
              need { verificationStatus } userErrors { field code } } }""",
        {
            "input": {
                "id": need["id"],
                "version": need["version"],
                "editToken": submitted["editToken"],
                "items": items,
            }
        },
    )
    assert result["updateNeed"]["userErrors"] == []
    assert result["updateNeed"]["need"]["verificationStatus"] == "VERIFIED"
    async with db.connection() as conn:
        stored = await conn.fetchrow("SELECT phone, phone_e164 FROM contact WHERE name = '王小明'")
    assert tuple(stored) == ("138 0000 1234", "+8613800001234")
