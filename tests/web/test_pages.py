"""The pages over HTTP (no browser): rendering, escaping, forms, CSRF, languages and headers."""

from __future__ import annotations

import re

import httpx
import pytest

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import PASSWORD, token_for
from tests.helpers import SUBMIT_NEED, need_input, verify_all


def _filled_in(page: str) -> dict[str, str]:
    """The text fields of a form as the page fills them in (a browser's submission of it,
    leaving out boxes, which are sent only when ticked, and selects)."""
    pattern = r'<input id="[^"]*" name="([^"]+)" type="(?!checkbox)[^"]*" value="([^"]*)"'
    return dict(re.findall(pattern, page))


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, "the form carries a CSRF token"
    return found.group(1)


async def test_every_page_renders_with_strict_headers(app_client: httpx.AsyncClient) -> None:
    for path in ("/", "/needs", "/offers", "/logistics", "/lodging", "/needs/new", "/signin",
                 "/signup", "/review", "/needs?q=口罩"):  # fmt: skip
        response = await app_client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert "<script>" not in response.text  # no inline script anywhere
    assert (await app_client.get("/no-such-page")).status_code == 404


async def test_a_script_in_a_need_renders_as_text(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    value = need_input(notes=hostile)
    value["organization"]["name"] = '<b onmouseover="alert(1)">医院</b>'
    need = (await gql.data(SUBMIT_NEED, {"input": value}))["submitNeed"]["need"]
    await verify_all(db)
    for path in (f"/entries/{need['id']}", "/needs", "/"):
        page = (await app_client.get(path)).text
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
        assert "<b onmouseover" not in page, path
        assert "&lt;b onmouseover=" in page, path


async def test_posting_a_need_shows_user_errors_beside_the_inputs_and_writes_nothing(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    form = (await app_client.get("/needs/new")).text
    fields = {"csrf": _csrf(form), "organization_name": "", "province": "", "item0_name": ""}
    response = await app_client.post("/needs/new", data=fields)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert 'id="form-errors"' in response.text
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM entry") == 0


async def test_posting_a_need_in_chinese(app_client: httpx.AsyncClient, db: Database) -> None:
    form = (await app_client.get("/needs/new")).text
    fields = {
        "csrf": _csrf(form),
        "organization_name": "武汉市第九医院",
        "organization_kind": "HOSPITAL",
        "province": "湖北省",
        "city": "武汉市",
        "urgency": "CRITICAL",
        "item0_name": "医用防护口罩",
        "item0_category": "face.medical_respirator",
        "item0_quantity": "3000",
        "item0_unit": "ITEM",
        "contact_name": "李护士",
        "contact_phone": "13800005678",
        "notes": "急需",
    }
    response = await app_client.post("/needs/new", data=fields)
    assert response.status_code == 200, response.text
    assert "武汉市第九医院" in response.text
    assert "Keep this edit code" in response.text  # the edit token, shown once
    assert "13800005678" not in response.text  # protected by default
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM entry") == 1


async def test_a_form_reads_phones_as_the_api_does(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    form = (await app_client.get("/needs/new")).text
    fields = {
        "csrf": _csrf(form),
        "organization_name": "武汉市第九医院",
        "organization_kind": "HOSPITAL",
        "province": "湖北省",
        "city": "武汉市",
        "urgency": "CRITICAL",
        "item0_name": "医用防护口罩",
        "item0_category": "face.medical_respirator",
        "item0_quantity": "3000",
        "item0_unit": "ITEM",
        "contact_name": "",
        "contact_phone": "余主任13900001111，医院总值班027-85726114（24小时值守）",
    }
    response = await app_client.post("/needs/new", data=fields)
    assert response.status_code == 200, response.text
    assert "stored as 2 contacts" in response.text  # the poster is told
    assert "13900001111" not in response.text and "139 0000 1111" not in response.text
    async with db.connection() as conn:
        stored = await conn.fetch(
            "SELECT name, phone, other_channel, phone_e164 FROM contact"
            " WHERE entry_id IS NOT NULL ORDER BY position"
        )
    assert [tuple(r) for r in stored] == [
        ("余主任", "139 0000 1111", None, "+8613900001111"),
        ("医院总值班", "027-8572 6114", "24小时值守", "+862785726114"),
    ]


async def test_a_form_without_the_csrf_token_is_refused(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    await app_client.get("/needs/new")  # the browser has its cookie ...
    fields = {"csrf": "x" * 43, "organization_name": "医院", "province": "湖北省",
              "item0_name": "口罩", "item0_category": "face.medical_respirator"}  # fmt: skip
    response = await app_client.post("/needs/new", data=fields)  # ... but not the token
    assert response.status_code == 400
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM entry") == 0


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ("", "", "Post a need"),  # the test hub's default language is English
        ("", "zh-CN,zh;q=0.9", "发布需求"),
        ("?lang=en", "", "Post a need"),
        ("", "en-US,en;q=0.9", "Post a need"),
        ("?lang=zh", "en-US", "发布需求"),
    ],
)
async def test_the_page_language(
    app_client: httpx.AsyncClient, query: str, header: str, expected: str
) -> None:
    headers = {"accept-language": header} if header else {}
    page = (await app_client.get(f"/{query}", headers=headers)).text
    assert expected in page


async def test_the_language_choice_is_remembered(app_client: httpx.AsyncClient) -> None:
    await app_client.get("/?lang=en")
    assert "Post a need" in (await app_client.get("/needs")).text


async def test_sign_up_sign_out_and_sign_in(app_client: httpx.AsyncClient) -> None:
    page = (await app_client.get("/signup")).text
    account = {
        "email": "nurse@example.org",
        "handle": "nurse_wang",
        "password": "correct horse battery",
    }
    response = await app_client.post("/signup", data={"csrf": _csrf(page), **account})
    assert response.status_code == 303
    home = (await app_client.get("/")).text
    assert "nurse_wang" in home
    await app_client.post("/signout", data={"csrf": _csrf(home)})
    assert "nurse_wang" not in (await app_client.get("/")).text
    page = (await app_client.get("/signin")).text
    wrong = {"csrf": _csrf(page), "email": account["email"], "password": "wrong password!"}
    refused = await app_client.post("/signin", data=wrong)
    assert refused.status_code == 400
    assert "wrong password!" not in refused.text  # never echoed back
    right = {"csrf": _csrf(page), "email": account["email"], "password": account["password"]}
    assert (await app_client.post("/signin", data=right)).status_code == 303
    assert "nurse_wang" in (await app_client.get("/")).text


async def test_a_person_offers_goggles(app_client: httpx.AsyncClient, db: Database) -> None:
    form = (await app_client.get("/offers/new")).text
    fields = {
        "csrf": _csrf(form),
        "provider_name": "王先生",
        "province": "广东省",
        "city": "深圳市",
        "item0_name": "防雾护目镜",
        "item0_category": "face.goggles",
        "item0_quantity": "300",
        "item0_unit": "ITEM",
        "can_deliver": "1",
        "is_free": "1",
        "contact_phone": "13900001111",
    }
    response = await app_client.post("/offers/new", data=fields)
    assert response.status_code == 200, response.text
    assert "王先生" in response.text
    async with db.connection() as conn:
        row = await conn.fetchrow("SELECT kind, provider_name FROM entry")
    assert row is not None
    assert (row["kind"], row["provider_name"]) == ("OFFER", "王先生")
    assert (await app_client.get("/nothing/new")).status_code == 404


async def test_a_driver_offers_transport_and_a_hotel_offers_rooms(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    page = (await app_client.get("/logistics/new")).text
    driver = {
        "csrf": _csrf(page), "provider_name": "张师傅", "province": "河南省", "city": "郑州市",
        "destination_province": "湖北省", "destination_city": "武汉市",
        "vehicle_type": "TRUCK", "capacity_kg": "3000", "is_free": "1",
        "contact_phone": "13700003333",
    }  # fmt: skip
    assert (await app_client.post("/logistics/new", data=driver)).status_code == 200
    page = (await app_client.get("/lodging/new")).text
    hotel = {
        "csrf": _csrf(page), "organization_name": "江城大酒店", "organization_kind": "HOTEL",
        "province": "湖北省", "city": "武汉市", "rooms_available": "40",
        "eligibility": "援鄂医疗队", "is_free": "1",
    }  # fmt: skip
    assert (await app_client.post("/lodging/new", data=hotel)).status_code == 200
    wrong = {**hotel, "rooms_available": "很多"}
    refused = await app_client.post("/lodging/new", data=wrong)
    assert refused.status_code == 400
    assert 'id="roomsAvailable"' in refused.text and 'aria-invalid="true"' in refused.text
    async with db.connection() as conn:
        kinds = sorted(r["kind"] for r in await conn.fetch("SELECT kind FROM entry"))
    assert kinds == ["LODGING", "LOGISTICS_OFFER"]


async def _sign_in(app_client: httpx.AsyncClient, email: str) -> None:
    page = (await app_client.get("/signin")).text
    fields = {"csrf": _csrf(page), "email": email, "password": PASSWORD}
    assert (await app_client.post("/signin", data=fields)).status_code == 303


async def test_a_coordinator_merges_a_duplicate(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    first = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
    second = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
    assert "协调" not in (await app_client.get("/coordinate")).text.split("<main")[0]
    await token_for(db, Role.COORDINATOR, "coord_chen")
    await _sign_in(app_client, "coord_chen@example.org")
    page = (await app_client.get("/coordinate")).text
    assert 'action="/coordinate/merge"' in page
    fields = {"csrf": _csrf(page), "keep": first["id"], "duplicate": second["id"]}
    merged = await app_client.post("/coordinate/merge", data=fields)
    assert merged.status_code == 200
    assert "Merged." in merged.text
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Need { mergedInto status } } }",
        {"id": second["id"]},
    )
    assert node["node"] == {"mergedInto": first["id"], "status": "CLOSED"}


async def test_a_coordinator_merges_an_organization_registered_twice(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    register = """mutation($i: OrganizationInput!) {
        registerOrganization(input: $i) { organization { id } } }"""
    hospital = {
        "name": "武汉市汉口医院",
        "kind": "HOSPITAL",
        "region": {"province": "湖北省", "city": "武汉市"},
    }
    kept = await gql.data(register, {"i": hospital})
    copy_ = await gql.data(register, {"i": {**hospital, "name": "武汉汉口医院"}})
    into = kept["registerOrganization"]["organization"]["id"]
    merged = copy_["registerOrganization"]["organization"]["id"]
    await token_for(db, Role.COORDINATOR, "coord_lin")
    await _sign_in(app_client, "coord_lin@example.org")
    page = (await app_client.get("/coordinate")).text
    assert 'action="/coordinate/merge-organizations"' in page
    wrong = {"csrf": _csrf(page), "from": into, "into": into}
    refused = await app_client.post("/coordinate/merge-organizations", data=wrong)
    assert 'role="alert"' in refused.text
    fields = {"csrf": _csrf(page), "from": merged, "into": into}
    done = await app_client.post("/coordinate/merge-organizations", data=fields)
    assert done.status_code == 200
    assert "Merged: its entries" in done.text
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Organization { mergedInto } } }", {"id": merged}
    )
    assert node["node"] == {"mergedInto": into}


async def test_a_reviewer_reveals_the_number_to_call(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    await gql.data(SUBMIT_NEED, {"input": need_input()})
    await token_for(db, Role.REVIEWER, "reviewer_he")
    async with db.connection() as conn:  # vouched for by a coordinator
        await conn.execute("UPDATE app_user SET approved_at = now() WHERE handle = 'reviewer_he'")
    await _sign_in(app_client, "reviewer_he@example.org")
    queue = (await app_client.get("/review")).text
    claim = re.search(r'action="(/review/[^"/]+)/claim"', queue)
    assert claim is not None
    claimed = (await app_client.post(f"{claim.group(1)}/claim", data={"csrf": _csrf(queue)})).text
    assert "13800001234" not in claimed and "138 0000 1234" not in claimed
    assert "138****1234" in claimed
    contact = re.search(r'name="contact" value="([^"]+)"', claimed)
    assert contact is not None
    fields = {"csrf": _csrf(claimed), "contact": contact.group(1)}
    revealed = await app_client.post(f"{claim.group(1)}/reveal", data=fields)
    assert "138 0000 1234" in revealed.text
    async with db.connection() as conn:
        actions = [r["action"] for r in await conn.fetch("SELECT action FROM audit_log")]
    assert any("reveal" in action for action in actions)


async def test_the_poster_updates_and_closes_a_need_with_the_edit_code(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    posted = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    need_id, token = posted["need"]["id"], posted["editToken"]
    state = "query($id: ID!) { node(id: $id) { ... on Need { status urgency notes } } }"
    page = (await app_client.get(f"/entries/{need_id}/edit")).text
    change = {"csrf": _csrf(page), "action": "update", "status": "PARTIALLY_FULFILLED",
              "urgency": "LOW", "notes": "已收到 2000 个"}  # fmt: skip
    refused = await app_client.post(f"/entries/{need_id}/edit", data={**change, "edit_token": "x"})
    assert refused.status_code == 400
    assert 'role="alert"' in refused.text
    before = (await gql.data(state, {"id": need_id}))["node"]
    assert before["urgency"] == "CRITICAL"
    saved = await app_client.post(f"/entries/{need_id}/edit", data={**change, "edit_token": token})
    assert saved.status_code == 200
    assert "Saved." in saved.text
    after = (await gql.data(state, {"id": need_id}))["node"]
    assert after == {"status": "PARTIALLY_FULFILLED", "urgency": "LOW", "notes": "已收到 2000 个"}
    close = {"csrf": _csrf(page), "action": "close", "edit_token": token, "reason": "已满足"}
    assert (await app_client.post(f"/entries/{need_id}/edit", data=close)).status_code == 200
    assert (await gql.data(state, {"id": need_id}))["node"]["status"] == "CLOSED"


async def test_a_reviewer_rejects_only_with_a_reason(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    need = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
    await token_for(db, Role.REVIEWER, "reviewer_qin")
    await _sign_in(app_client, "reviewer_qin@example.org")
    queue = (await app_client.get("/review")).text
    decision = {"csrf": _csrf(queue), "decision": "REJECT", "method": "PHONE_CALL"}
    refused = await app_client.post(f"/review/{need['id']}", data=decision)
    assert 'role="alert"' in refused.text
    state = "query($id: ID!) { node(id: $id) { ... on Need { verificationStatus } } }"
    assert (await gql.data(state, {"id": need["id"]}))["node"]["verificationStatus"] != "REJECTED"
    decision["rejection_reason"] = "UNREACHABLE"
    done = await app_client.post(f"/review/{need['id']}", data=decision)
    assert "Recorded." in done.text
    assert (await gql.data(state, {"id": need["id"]}))["node"]["verificationStatus"] == "REJECTED"


async def test_registering_an_organization_on_its_own(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    page = (await app_client.get("/organizations/new")).text
    empty = await app_client.post("/organizations/new", data={"csrf": _csrf(page)})
    assert empty.status_code == 400
    assert 'aria-invalid="true"' in empty.text
    fields = {"csrf": _csrf(page), "organization_name": "武汉市红十字会",
              "organization_kind": "CHARITY", "province": "湖北省", "city": "武汉市"}  # fmt: skip
    done = await app_client.post("/organizations/new", data=fields)
    assert done.status_code == 200
    assert "武汉市红十字会" in done.text
    # Registered again: no copy, and the page says so (issue 17).
    again = await app_client.post("/organizations/new", data=fields)
    assert again.status_code == 200
    assert "registered already" in again.text
    near = await app_client.post(
        "/organizations/new", data={**fields, "organization_name": "武汉红十字会"}
    )
    assert "may be the same one" in near.text and "武汉市红十字会" in near.text
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM organization") == 2


async def test_an_organization_is_changed_with_its_edit_code(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    registered = (
        await gql.data(
            """mutation($input: OrganizationInput!) { registerOrganization(input: $input) {
                organization { id } editToken } }""",
            {
                "input": {
                    "name": "武汉市红十字会",
                    "kind": "CHARITY",
                    "region": {"province": "湖北省", "city": "武汉市"},
                }
            },
        )
    )["registerOrganization"]
    org_id, token = registered["organization"]["id"], registered["editToken"]
    page = (await app_client.get(f"/organizations/{org_id}/edit")).text
    assert 'value="武汉市红十字会"' in page
    fields = {"csrf": _csrf(page), "organization_name": "湖北省红十字会",
              "organization_kind": "CHARITY", "province": "湖北省", "city": "武汉市"}  # fmt: skip
    refused = await app_client.post(
        f"/organizations/{org_id}/edit", data={**fields, "edit_token": "x"}
    )
    assert refused.status_code == 400
    saved = await app_client.post(
        f"/organizations/{org_id}/edit", data={**fields, "edit_token": token}
    )
    assert saved.status_code == 200
    name = "query($id: ID!) { node(id: $id) { ... on Organization { name } } }"
    assert (await gql.data(name, {"id": org_id}))["node"]["name"] == "湖北省红十字会"


async def test_the_poster_corrects_a_quantity_and_adds_an_item(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    posted = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    need_id, token = posted["need"]["id"], posted["editToken"]
    page = (await app_client.get(f"/entries/{need_id}/edit")).text
    assert 'value="5000"' in page  # the form shows the need as it is
    assert 'value="医用防护口罩 N95"' in page
    form = _filled_in(page)
    form.update({
        "csrf": _csrf(page), "action": "update", "edit_token": token, "status": "OPEN",
        "urgency": "CRITICAL", "item0_category": "face.medical_respirator", "item0_unit": "ITEM",
        "item0_quantity": "6000", "item1_category": "body.protective_coverall",
        "item1_unit": "GARMENT", "item2_name": "护目镜", "item2_category": "face.goggles",
        "item2_quantity": "200", "item2_unit": "ITEM",
    })  # fmt: skip
    wrong = await app_client.post(
        f"/entries/{need_id}/edit", data={**form, "item0_quantity": "很多"}
    )
    assert wrong.status_code == 400
    assert 'id="items-0-quantity"' in wrong.text and "很多" in wrong.text  # kept, marked
    saved = await app_client.post(f"/entries/{need_id}/edit", data=form)
    assert saved.status_code == 200, saved.text
    items = "query($id: ID!) { node(id: $id) { ... on Need { items { name quantity } } } }"
    now = (await gql.data(items, {"id": need_id}))["node"]["items"]
    assert [(i["name"], i["quantity"]) for i in now] == [
        ("医用防护口罩 N95", 6000.0),
        ("医用防护服", None),
        ("护目镜", 200.0),
    ]


async def test_a_list_links_to_its_open_data_with_the_same_filters(
    app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    await gql.data(SUBMIT_NEED, {"input": need_input()})
    other = need_input(region={"province": "湖南省", "city": "长沙市"})
    other["organization"]["region"] = {"province": "湖南省", "city": "长沙市"}
    await gql.data(SUBMIT_NEED, {"input": other})
    await verify_all(db)
    page = (await app_client.get("/needs", params={"province": "湖北省", "lang": "en"})).text
    links = re.findall(r'href="(/export/needs\.[a-z.]+[^"]*)"', page)
    # XLSX, CSV, CSV in GB18030, HXL and JSON, each with the page's language.
    assert len(links) == 5
    assert all("lang=en" in link for link in links)
    assert "CC BY 4.0, no protected contacts" in page
    csv_link = next(link for link in links if ".csv?" in link and ".hxl" not in link)
    exported = await app_client.get(csv_link.replace("&amp;", "&"))
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert "湖北省" in text and "湖南省" not in text
