"""The edit page over HTTP: the specifics of every kind and the contacts, shown as they are,
changed, and refused beside their inputs with nothing saved."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import httpx

from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import LODGING as LODGING_INPUT
from tests.helpers import (
    LODGING_FIELDS,
    LOGISTICS_FIELDS,
    NEED_FIELDS,
    OFFER_FIELDS,
    SUBMIT_LODGING,
    SUBMIT_LOGISTICS,
    SUBMIT_NEED,
    SUBMIT_OFFER,
    need_input,
)
from tests.helpers import LOGISTICS as LOGISTICS_INPUT
from tests.helpers import OFFER as OFFER_INPUT


class _FormReader(HTMLParser):
    """What a browser would send for the page's first form posting to `action` untouched:
    text fields with their values, ticked boxes, each select's chosen option, textareas."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.fields: dict[str, str] = {}
        self.inside = False
        self.done = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("action") == self.action:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") != "checkbox":
            self.fields[name] = a.get("value", "")
        elif tag == "input" and name and "checked" in a:
            self.fields[name] = a.get("value", "on")
        elif tag == "select":
            self.select, self.first_option = name, None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = a.get("value", "")
                self.fields.setdefault(self.select, self.first_option)
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea:
            self.fields[self.textarea] += data


def filled_in(page: str, action: str) -> dict[str, str]:
    """The form posting to `action` as the page fills it in."""
    reader = _FormReader(action)
    reader.feed(page)
    assert reader.done, f"no form posting to {action}"
    return reader.fields


async def _edit_page(app_client: httpx.AsyncClient, entry_id: str) -> dict[str, str]:
    page = await app_client.get(f"/entries/{entry_id}/edit")
    assert page.status_code == 200
    return filled_in(page.text, f"/entries/{entry_id}/edit")


async def _node(gql: GraphQLClient, entry_id: str, fields: str) -> dict[str, Any]:
    query = f"query($id: ID!) {{ node(id: $id) {{ ... on Entry {{ version }} ... on {fields} }} }}"
    node: dict[str, Any] = (await gql.data(query, {"id": entry_id}))["node"]
    return node


async def test_transport_is_shown_as_it_is_and_changed(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    posted = await gql.data(SUBMIT_LOGISTICS, {"input": LOGISTICS_INPUT})
    posted = posted["submitLogisticsOffer"]
    entry_id, token = posted["logisticsOffer"]["id"], posted["editToken"]
    form = await _edit_page(app_client, entry_id)
    # As it is: Beijing time in the form (08:00 UTC is 16:00 there), numbers without ".0".
    assert form["province"] == "河南省" and form["destination_province"] == "湖北省"
    assert form["vehicle_type"] == "VAN" and form["capacity_kg"] == "1500.5"
    assert form["available_from"] == "2020-01-26T16:00"
    assert form["is_free"] == "1" and "cold_chain" not in form
    url = f"/entries/{entry_id}/edit"
    change = {**form, "edit_token": token, "destination_province": "北京市",
              "destination_city": "", "vehicle_type": "REFRIGERATED_TRUCK",
              "capacity_kg": "3000", "capacity_m3": "12.5", "cold_chain": "1",
              "available_until": "2020-02-20T18:00"}  # fmt: skip
    change["is_free"] = "0"  # "no" (not stated, left empty, would be null)
    fields = "LogisticsOffer { " + LOGISTICS_FIELDS + " }"
    before = await _node(gql, entry_id, fields)

    wrong_order = await app_client.post(url, data={**change, "available_until": "2020-01-01T00:00"})
    assert wrong_order.status_code == 400
    assert 'id="availableUntil"' in wrong_order.text
    assert 'aria-describedby="availableUntil-error"' in wrong_order.text
    not_a_time = await app_client.post(url, data={**change, "available_from": "明天早上"})
    assert not_a_time.status_code == 400
    assert 'aria-describedby="availableFrom-error"' in not_a_time.text
    assert "明天早上" in not_a_time.text  # kept, to be corrected
    assert await _node(gql, entry_id, fields) == before  # nothing saved

    saved = await app_client.post(url, data=change)
    assert saved.status_code == 200, saved.text
    after = await _node(gql, entry_id, fields)
    # A municipality is its own city (hub/domain/regions.py).
    assert after["destination"] == {"province": "北京市", "city": "北京市"}
    assert (after["vehicleType"], after["capacityKg"], after["capacityM3"]) == (
        "REFRIGERATED_TRUCK", 3000.0, 12.5)  # fmt: skip
    assert (after["coldChain"], after["isFree"]) == (True, False)
    assert after["availableUntil"].startswith("2020-02-20T10:00")  # 18:00 in Beijing
    assert after["availableFrom"] == before["availableFrom"]
    assert after["contacts"] == before["contacts"]  # untouched, so left alone


async def test_lodging_is_changed_and_bad_values_are_marked(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    posted = (await gql.data(SUBMIT_LODGING, {"input": LODGING_INPUT}))["submitLodging"]
    entry_id, token = posted["lodging"]["id"], posted["editToken"]
    form = await _edit_page(app_client, entry_id)
    assert form["rooms_available"] == str(LODGING_INPUT["roomsAvailable"])
    assert form["eligibility"] == LODGING_INPUT["eligibility"]
    url = f"/entries/{entry_id}/edit"
    change = {**form, "edit_token": token, "rooms_available": "12", "eligibility": "援鄂医疗队",
              "price_note": "每晚 100 元", "available_from": "2020-02-01T12:00"}  # fmt: skip
    change["is_free"] = "0"
    fields = "Lodging { " + LODGING_FIELDS + " }"
    before = await _node(gql, entry_id, fields)
    # Who may stay left empty is "not stated" now, not an error (tests/web/test_unknowns.py).
    for wrong, field in (({"rooms_available": "很多"}, "roomsAvailable"),):
        refused = await app_client.post(url, data={**change, **wrong})
        assert refused.status_code == 400
        assert f'aria-describedby="{field}-error"' in refused.text, field
    assert await _node(gql, entry_id, fields) == before
    assert (await app_client.post(url, data=change)).status_code == 200
    after = await _node(gql, entry_id, fields)
    assert (after["roomsAvailable"], after["eligibility"], after["isFree"]) == (
        12, "援鄂医疗队", False)  # fmt: skip
    assert after["priceNote"] == "每晚 100 元"
    assert after["availableFrom"].startswith("2020-02-01T04:00")


async def test_an_offer_is_changed(gql: GraphQLClient, app_client: httpx.AsyncClient) -> None:
    posted = (await gql.data(SUBMIT_OFFER, {"input": OFFER_INPUT}))["submitOffer"]
    entry_id, token = posted["offer"]["id"], posted["editToken"]
    form = await _edit_page(app_client, entry_id)
    assert (form["can_deliver"], form["is_free"], form["lead_time_days"]) == ("1", "1", "2")
    url = f"/entries/{entry_id}/edit"
    change = {**form, "edit_token": token, "lead_time_days": "5", "price_note": "成本价"}
    change["can_deliver"] = "0"
    fields = "Offer { " + OFFER_FIELDS + " }"
    before = await _node(gql, entry_id, fields)
    refused = await app_client.post(url, data={**change, "lead_time_days": "400"})
    assert refused.status_code == 400
    assert 'aria-describedby="leadTimeDays-error"' in refused.text
    assert await _node(gql, entry_id, fields) == before
    assert (await app_client.post(url, data=change)).status_code == 200
    after = await _node(gql, entry_id, fields)
    assert (after["canDeliver"], after["isFree"], after["leadTimeDays"]) == (False, True, 5)
    assert after["priceNote"] == "成本价"
    assert [i["quantity"] for i in after["items"]] == [i["quantity"] for i in before["items"]]


async def _entry_phones(db: Database) -> list[tuple[str | None, str]]:
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT phone, visibility FROM contact WHERE entry_id IS NOT NULL ORDER BY phone"
        )
    return [(r["phone"], str(r["visibility"])) for r in rows]


async def test_contacts_protected_ones_are_never_shown_and_kept_unless_typed_again(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    posted = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    entry_id, token = posted["need"]["id"], posted["editToken"]
    url = f"/entries/{entry_id}/edit"
    page = (await app_client.get(url)).text
    assert "13800001234" not in page  # not even to the editor: the API shows it to nobody
    assert "138 0000 1234" not in page
    assert "138****1234" in page  # but the editor can tell which contact it is
    form = filled_in(page, url)
    assert form["contact0_phone"] == "" and "contact0_remove" not in form
    form["edit_token"] = token
    fields = "Need { " + NEED_FIELDS + " }"
    before = await _node(gql, entry_id, fields)

    # Another line: one more round trip, nothing saved.
    more = await app_client.post(url, data={**form, "action": "add_contact"})
    assert more.status_code == 200
    assert 'name="contact2_phone"' in more.text
    assert await _node(gql, entry_id, fields) == before

    # A new public line without typing the protected one again: the protected one is kept
    # as it is (sent by its id alone), never shown.
    added = {**form, "contact1_name": "医务科", "contact1_phone": "027-85550001",
             "contact1_visibility": "PUBLIC"}  # fmt: skip
    assert (await app_client.post(url, data=added)).status_code == 200
    assert await _entry_phones(db) == [("027-8555 0001", "PUBLIC"), ("138 0000 1234", "PROTECTED")]

    # Typed again, it is replaced by what was typed.
    form = filled_in((await app_client.get(url)).text, url)
    retyped = {**form, "edit_token": token, "contact0_name": "王小明",
               "contact0_phone": "13800009999"}  # fmt: skip
    assert (await app_client.post(url, data=retyped)).status_code == 200
    assert await _entry_phones(db) == [("027-8555 0001", "PUBLIC"), ("138 0000 9999", "PROTECTED")]

    # Removing the protected line; a bad number on the new one is marked on its own line
    # (the API calls it contacts.0 once the first is gone).
    form = filled_in((await app_client.get(url)).text, url)
    assert form["contact1_phone"] == "027-8555 0001"  # public: shown to edit
    # (What is no number is kept as written with a warning: text too long for any is refused.)
    form.update({"edit_token": token, "contact0_remove": "1", "contact1_phone": "1" * 101})
    refused = await app_client.post(url, data=form)
    assert refused.status_code == 400
    assert 'aria-describedby="contacts-1-phone-error"' in refused.text
    assert await _entry_phones(db) == [("027-8555 0001", "PUBLIC"), ("138 0000 9999", "PROTECTED")]
    form["contact1_phone"] = "027-85550002"
    assert (await app_client.post(url, data=form)).status_code == 200
    assert await _entry_phones(db) == [("027-8555 0002", "PUBLIC")]

    # Its last contact may go too: the need is then marked for reviewers to find a phone
    # before it can be verified (tests/graphql/test_unknowns.py).
    form = filled_in((await app_client.get(url)).text, url)
    form.update({"edit_token": token, "contact0_remove": "1"})
    assert (await app_client.post(url, data=form)).status_code == 200
    assert await _entry_phones(db) == []
    missing = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Need { missingDetails } } }", {"id": entry_id}
    )
    assert missing["node"]["missingDetails"] == ["CONTACT"]


async def test_a_change_made_meanwhile_is_a_conflict(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    posted = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    entry_id, token = posted["need"]["id"], posted["editToken"]
    url = f"/entries/{entry_id}/edit"
    mine = {**(await _edit_page(app_client, entry_id)), "edit_token": token, "notes": "我的"}
    theirs = {**(await _edit_page(app_client, entry_id)), "edit_token": token, "notes": "别人"}
    assert (await app_client.post(url, data=theirs)).status_code == 200
    refused = await app_client.post(url, data=mine)
    assert refused.status_code == 400
    assert "reload" in refused.text
    assert (await _node(gql, entry_id, "Need { notes }"))["notes"] == "别人"
