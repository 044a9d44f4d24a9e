"""Issue 17 on the pages: forms start at "not stated" (未说明) rather than a guess, what the
source left unstated is shown so (never as 0 rooms or "no"), and reviewers see what an entry
lacks ("ask for the list", "find a phone") and cannot verify it until it is completed."""

from __future__ import annotations

import re

import httpx
import pytest

from hub.domain.accounts import Role
from hub.domain.kinds import KINDS, Kind
from hub.store.db import Database
from hub.web.forms import entry_input, prefill
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import LODGING, SUBMIT_LODGING, SUBMIT_NEED, need_input, verify_all
from tests.web.test_kind_forms import _api_value
from tests.web.test_pages import _csrf, _sign_in

EN = {"Accept-Language": "en"}


def _in_chinese(app_client: httpx.AsyncClient) -> None:
    # The tests' hub defaults to English; the volunteers' pages are read in Chinese.
    app_client.headers["Accept-Language"] = "zh-CN"


def _select(page: str, api: str) -> str:
    found = re.search(rf'<select id="{re.escape(api)}"[^>]*>(.*?)</select>', page, re.S)
    assert found is not None, api
    return found.group(1)


async def test_new_forms_offer_not_stated_first_and_choose_nothing(
    app_client: httpx.AsyncClient,
) -> None:
    _in_chinese(app_client)
    for path, api in (
        ("/needs/new", "urgency"),
        ("/lodging/new", "isFree"),
        ("/offers/new", "canDeliver"),
        ("/logistics/new", "vehicleType"),
    ):
        options = _select((await app_client.get(path)).text, api)
        first = re.search(r"<option ([^>]*)>([^<]*)</option>", options)
        assert first is not None and first.group(2) == "未说明", path
        assert 'value=""' in first.group(1), path
        assert "selected" not in options, path  # the browser shows the first: not stated
    lodging = (await app_client.get("/lodging/new")).text
    assert 'id="roomsAvailable"' in lodging and 'id="roomsAvailable" name="rooms_available"' in (
        lodging
    )
    assert not re.search(r'id="roomsAvailable"[^>]*required', lodging)


async def test_a_hotel_posted_without_a_room_count_is_not_full(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    _in_chinese(app_client)
    page = (await app_client.get("/lodging/new")).text
    hotel = {
        "csrf": _csrf(page), "organization_name": "江城大酒店", "organization_kind": "HOTEL",
        "province": "湖北省", "city": "武汉市", "rooms_available": "", "eligibility": "",
        "is_free": "", "contact_phone": "027-85550000",
    }  # fmt: skip
    posted = await app_client.post("/lodging/new", data=hotel)
    assert posted.status_code == 200, posted.text
    async with db.connection() as conn:
        row = await conn.fetchrow("SELECT rooms_available, eligibility, is_free FROM lodging")
    assert tuple(row) == (None, None, None)
    assert "未说明" in posted.text  # the entry's page it lands on


async def test_pages_say_not_stated_in_both_languages(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    _in_chinese(app_client)
    lodging = {k: v for k, v in LODGING.items() if k not in ("roomsAvailable", "isFree")}
    hotel = (await gql.data(SUBMIT_LODGING, {"input": lodging}))["submitLodging"]["lodging"]
    need = need_input()
    del need["urgency"]
    await gql.data(SUBMIT_NEED, {"input": need})
    await verify_all(db)

    page = (await app_client.get(f"/entries/{hotel['id']}")).text
    rooms = re.search(r"<dt>可用房间数</dt><dd[^>]*>([^<]*)</dd>", page)
    assert rooms is not None and rooms.group(1) == "未说明"
    free = re.search(r"<dt>免费</dt><dd[^>]*>([^<]*)</dd>", page)
    assert free is not None and free.group(1) == "未说明"
    english = (await app_client.get(f"/entries/{hotel['id']}", headers=EN)).text
    assert re.search(r"<dt>Rooms available</dt><dd[^>]*>not stated</dd>", english)

    rows = (await app_client.get("/lodging")).text
    assert "可用房间数未说明" in rows and ">0 ·" not in rows
    needs = (await app_client.get("/needs")).text
    assert "紧急程度未说明" in needs
    assert "Urgency not stated" in (await app_client.get("/needs", headers=EN)).text


async def test_the_review_queue_says_what_is_missing_and_verify_waits_for_it(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    posted = await gql.data(SUBMIT_NEED, {"input": need_input(items=[], contacts=[])})
    need = posted["submitNeed"]["need"]
    _in_chinese(app_client)
    await token_for(db, Role.REVIEWER, "reviewer_lu")
    async with db.connection() as conn:
        await conn.execute("UPDATE app_user SET approved_at = now() WHERE handle = 'reviewer_lu'")
    await _sign_in(app_client, "reviewer_lu@example.org")
    queue = (await app_client.get("/review")).text
    assert "请索取物资清单" in queue and "请查找联系电话" in queue
    claimed = await app_client.post(f"/review/{need['id']}/claim", data={"csrf": _csrf(queue)})
    assert "请索取物资清单" in claimed.text and "请查找联系电话" in claimed.text
    decision = {"csrf": _csrf(queue), "decision": "VERIFY", "method": "PHONE_CALL"}
    refused = await app_client.post(f"/review/{need['id']}", data=decision)
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text and "请索取物资清单" in refused.text
    state = "query($id: ID!) { node(id: $id) { ... on Need { verificationStatus } } }"
    assert (await gql.data(state, {"id": need["id"]}))["node"]["verificationStatus"] != "VERIFIED"


@pytest.mark.parametrize("kind", KINDS, ids=[k.slug for k in KINDS])
def test_the_edit_form_sends_an_unstated_detail_back_as_null(kind: Kind) -> None:
    entry: dict[str, object] = {"version": 1, "region": {"province": "湖北省"}, "items": []}
    entry.update({spec.public_name: _api_value(spec) for spec in kind.fields})
    unstated = [spec for spec in kind.fields if spec.may_be_unstated]
    for spec in unstated:
        entry[spec.public_name] = None
    sent = entry_input(prefill(entry, kind), kind)
    assert {s.public_name: sent[s.public_name] for s in unstated} == {
        s.public_name: None for s in unstated
    }
    # And "no" is not "not stated".
    for spec in unstated:
        if spec.value_type is bool:
            entry[spec.public_name] = False
            assert entry_input(prefill(entry, kind), kind)[spec.public_name] is False


async def test_a_need_is_posted_from_the_form_without_a_list(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    page = (await app_client.get("/needs/new")).text
    need = {
        "csrf": _csrf(page), "organization_name": "武汉市第九医院",
        "organization_kind": "HOSPITAL", "province": "湖北省", "city": "武汉市",
        "urgency": "", "item0_name": "", "item0_quantity": "",
        "item0_category": "face.medical_respirator", "item0_unit": "ITEM",
        "contact_phone": "027-85550005",
    }  # fmt: skip
    posted = await app_client.post("/needs/new", data=need)
    assert posted.status_code == 200, posted.text
    async with db.connection() as conn:
        row = await conn.fetchrow(
            "SELECT urgency, (SELECT count(*) FROM entry_item) AS items FROM entry"
        )
    assert tuple(row) == (None, 0)
