"""The forms' place pickers: provinces listed in the page, a province's cities and a city's
districts from a small JSON route, plain text fields without JavaScript (issue 17)."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import expect

from hub.store.db import Database
from tests.live.conftest import LiveServer
from tests.web.conftest import NewPage


async def test_a_form_lists_the_provinces_and_not_the_counties(
    app_client: httpx.AsyncClient,
) -> None:
    need = (await app_client.get("/needs/new")).text
    assert 'list="region-province-options"' in need
    assert '<option value="湖北省" data-code="420000">' in need
    assert '<option value="全国"' not in need  # a need is one place
    assert "江岸区" not in need and "武汉市" not in need.split("<datalist")[1]
    carrier = (await app_client.get("/logistics/new")).text
    assert 'id="origin-province-options"' in carrier
    assert 'id="destination-province-options"' in carrier
    assert carrier.count('<option value="全国" data-code="100000">') == 2
    organization = (await app_client.get("/organizations/new")).text
    assert 'list="region-city-options"' in organization


async def test_the_children_of_a_division(app_client: httpx.AsyncClient) -> None:
    hubei = await app_client.get("/regions/420000.json")
    assert hubei.status_code == 200
    assert "max-age" in hubei.headers["cache-control"]
    body = hubei.json()
    assert body["flat"] is False
    assert {"name": "武汉市", "code": "420100", "level": 2} in body["children"]
    assert {"name": "仙桃市", "code": "429004", "level": 2} in body["children"]
    wuhan = (await app_client.get("/regions/420100.json")).json()
    assert {"name": "江岸区", "code": "420102", "level": 3} in wuhan["children"]
    beijing = (await app_client.get("/regions/110000.json")).json()
    assert beijing["flat"] is True
    assert {"name": "朝阳区", "code": "110105", "level": 3} in beijing["children"]
    for unknown in ("999999", "4201", "abcdef", "420102001"):
        assert (await app_client.get(f"/regions/{unknown}.json")).status_code == 404


async def test_a_short_province_typed_in_the_form_is_stored_in_full(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    page = (await app_client.get("/needs/new")).text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    fields = {
        "csrf": token[1],
        "organization_name": "武汉市第九医院",
        "organization_kind": "HOSPITAL",
        "province": "湖北",  # typed without the list: plain text still works
        "city": "武汉",
        "urgency": "CRITICAL",
        "item0_name": "医用防护口罩",
        "item0_category": "face.medical_respirator",
        "item0_quantity": "3000",
        "item0_unit": "ITEM",
        "contact_name": "李护士",
        "contact_phone": "13800005678",
    }
    response = await app_client.post("/needs/new", data=fields)
    assert response.status_code == 200, response.text
    async with db.connection() as conn:
        stored = await conn.fetchrow("SELECT province, city, admin_code FROM entry")
        organization = await conn.fetchrow("SELECT province, city FROM organization")
    assert stored is not None and organization is not None
    assert tuple(stored) == ("湖北省", "武汉市", "420100")
    assert tuple(organization) == ("湖北省", "武汉市")


async def test_choosing_a_province_offers_its_cities_then_districts(
    live_server: LiveServer, new_page: NewPage
) -> None:
    page = await new_page()
    await page.goto(f"{live_server.http_url}/logistics/new")
    province = page.locator("#origin-province")
    await province.fill("湖北省")
    await province.dispatch_event("change")
    await expect(page.locator('#origin-city-options option[value="武汉市"]')).to_have_count(1)
    city = page.locator("#origin-city")
    await city.fill("武汉市")
    await city.dispatch_event("change")
    await expect(page.locator('#origin-district-options option[value="江岸区"]')).to_have_count(1)
    # A municipality: the city is itself, its districts come right under it.
    await province.fill("北京市")
    await province.dispatch_event("change")
    await expect(page.locator('#origin-city-options option[value="北京市"]')).to_have_count(1)
    await expect(page.locator('#origin-district-options option[value="朝阳区"]')).to_have_count(1)


async def test_the_list_filters_offer_the_provinces(app_client: httpx.AsyncClient) -> None:
    page = (await app_client.get("/offers", params={"province": "四川"})).text
    assert 'list="filter-province-options"' in page
    assert '<option value="四川省" data-code="510000">' in page
    assert 'value="四川"' in page  # what was asked for stays in the field
