"""What each export file holds, in each format, for each dataset."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import httpx
from starlette.applications import Starlette

from hub.domain.open_data import COLUMNS, LICENCE, LICENCE_URL, Dataset, column_keys
from tests.exports.conftest import DATASETS, FORMATS, Published

TODAY_FILE = re.compile(r'attachment; filename="crisis-hub-([a-z-]+)-\d{4}-\d{2}-\d{2}\.(.+)"')


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> httpx.Response:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    """The rows of a CSV export (with its BOM) by English key."""
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_a_need_with_two_items_is_two_csv_rows(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    response = await get(app_client, "/export/needs.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert list(rows[0]) == list(column_keys(Dataset.NEEDS))
    assert [r["id"] for r in rows] == [str(published.need)] * 2
    first, second = rows
    assert first["organization_id"] == str(published.hospital)
    assert first["organization"] == "武汉市第七医院"
    assert (first["province"], first["city"], first["district"]) == ("湖北省", "武汉市", "武昌区")
    assert first["urgency"] == "CRITICAL"
    assert (first["category"], first["item"], first["spec"]) == (
        "face.medical_respirator",
        "医用防护口罩 N95",
        "GB 19083-2010",
    )
    assert (first["quantity"], first["unit"], first["fulfilled"]) == ("5000", "ITEM", "0")
    # "As many as possible": an empty quantity.
    assert (second["category"], second["quantity"], second["unit"]) == (
        "body.protective_coverall",
        "",
        "GARMENT",
    )
    for row in rows:
        assert row["status"] == "OPEN"
        assert row["verification"] == "VERIFIED"
        assert row["source_url"] == "https://weibo.example.cn/post/1"
        assert row["notes"] == "急需，越多越好"
        assert row["contact_name"] == "后勤处"
        assert row["contact_phone"] == "027-8765 0000"
        assert row["created_at"].endswith("+00:00")


async def test_offers_logistics_lodging_and_organizations_as_csv(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    (offer,) = csv_rows(await get(app_client, "/export/offers.csv"))
    assert offer["id"] == str(published.offer)
    assert (offer["organization_id"], offer["provider"]) == ("", "李先生（个人捐赠）")
    assert (offer["can_deliver"], offer["is_free"], offer["lead_time_days"]) == (
        "true",
        "true",
        "2",
    )
    assert (offer["quantity"], offer["unit"], offer["package_size"]) == ("20", "CARTON", "400")
    assert offer["certifications"] == "GB 2626-2019; CE"
    # Its only contact is protected: the contact columns stay empty.
    assert (offer["contact_name"], offer["contact_phone"]) == ("", "")

    (truck,) = csv_rows(await get(app_client, "/export/logistics.csv"))
    assert list(truck) == list(column_keys(Dataset.LOGISTICS))
    assert (truck["province"], truck["destination_province"]) == ("河南省", "湖北省")
    assert (truck["vehicle_type"], truck["capacity_kg"], truck["cold_chain"]) == (
        "VAN",
        "1500.5",
        "false",
    )
    assert truck["available_from"] == "2020-01-26T08:00:00+00:00"

    (rooms,) = csv_rows(await get(app_client, "/export/lodging.csv"))
    assert rooms["organization"] == "江城大酒店"
    assert (rooms["rooms_available"], rooms["eligibility"]) == ("40", "援鄂医疗队及一线医护人员")
    assert (rooms["contact_name"], rooms["contact_phone"]) == ("前台", "027-8555 0000")

    organizations = {
        r["id"]: r for r in csv_rows(await get(app_client, "/export/organizations.csv"))
    }
    assert set(organizations) == {
        str(published.hospital),
        str(published.hotel),
        str(published.charity),
    }
    hospital = organizations[str(published.hospital)]
    assert (hospital["name"], hospital["kind"], hospital["admin_code"]) == (
        "武汉市第七医院",
        "HOSPITAL",
        "420106",
    )
    assert (hospital["contact_name"], hospital["contact_phone"]) == ("医务科", "027-8765 4321")
    assert organizations[str(published.charity)]["contact_phone"] == ""


async def test_json_has_one_object_per_entry_with_its_items(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    response = await get(app_client, "/export/needs.json")
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert (document["licence"], document["licenceUrl"]) == (LICENCE, LICENCE_URL)
    assert document["dataset"] == "needs"
    assert document["generatedAt"].endswith("+00:00")
    (need,) = document["data"]
    assert need["id"] == str(published.need)
    assert need["urgency"] == "CRITICAL"
    assert [(i["category"], i["quantity"]) for i in need["items"]] == [
        ("face.medical_respirator", 5000),
        ("body.protective_coverall", None),
    ]
    assert "quantity" not in need
    assert need["contact_phone"] == "027-8765 0000"

    (offer,) = (await get(app_client, "/export/offers.json")).json()["data"]
    assert (offer["can_deliver"], offer["lead_time_days"]) == (True, 2)
    assert offer["items"][0]["package_size"] == 400
    (truck,) = (await get(app_client, "/export/logistics.json")).json()["data"]
    assert (truck["capacity_kg"], truck["cold_chain"]) == (1500.5, False)
    assert "items" not in truck
    organizations = (await get(app_client, "/export/organizations.json")).json()["data"]
    assert {o["name"] for o in organizations} == {"武汉市第七医院", "江城大酒店", "武汉志愿者协会"}
    assert set(organizations[0]) == set(column_keys(Dataset.ORGANIZATIONS))


async def test_chinese_headers(app_client: httpx.AsyncClient, published: Published) -> None:
    response = await get(app_client, "/export/needs.csv", lang="zh")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [c.zh for c in COLUMNS[Dataset.NEEDS]]
    assert header[:3] == ["编号", "机构编号", "机构名称"]
    hxl = (await get(app_client, "/export/needs.hxl.csv", lang="zh")).content.decode()
    lines = list(csv.reader(io.StringIO(hxl)))
    assert lines[0] == header
    assert lines[1] == [c.hxl for c in COLUMNS[Dataset.NEEDS]]


async def test_every_file_names_its_licence_and_date(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    for dataset in DATASETS:
        for file_format in FORMATS:
            response = await get(app_client, f"/export/{dataset}.{file_format}")
            assert response.headers["link"] == f'<{LICENCE_URL}>; rel="license"'
            match = TODAY_FILE.fullmatch(response.headers["content-disposition"])
            assert match is not None, response.headers["content-disposition"]
            assert match.groups() == (dataset, file_format)


async def test_the_index_lists_every_file(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    response = await get(app_client, "/export")
    index = response.json()
    assert index["licence"] == LICENCE
    assert response.headers["link"] == f'<{LICENCE_URL}>; rel="license"'
    urls = [f["url"] for d in index["datasets"] for f in d["files"]]
    assert len(urls) == len(FORMATS) * len(Dataset)
    assert "http://hub.test/export/needs.xlsx" in urls
    assert "http://hub.test/export/needs.hxl.csv" in urls
    needs = next(d for d in index["datasets"] if d["dataset"] == "needs")
    assert "urgency" in needs["filters"]
    assert needs["columns"][0] == {"key": "id", "zh": "编号", "hxl": "#meta+id"}
    # Every listed URL answers.
    for url in urls:
        assert (await app_client.get(url)).status_code == 200


async def test_an_empty_export_is_still_a_valid_file(app_client: httpx.AsyncClient) -> None:
    assert json.loads((await get(app_client, "/export/lodging.json")).content)["data"] == []
    assert csv_rows(await get(app_client, "/export/lodging.csv")) == []
    lines = (await get(app_client, "/export/lodging.hxl.csv")).content.decode().splitlines()
    assert len(lines) == 2


async def test_head_sends_the_headers_without_reading_rows(
    app: Starlette, app_client: httpx.AsyncClient, published: Published
) -> None:
    statements: list[str] = []
    stop = app.state.db.observe_queries(statements.append)
    try:
        response = await app_client.head("/export/needs.csv", params={"lang": "zh"})
    finally:
        stop()
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["link"] == f'<{LICENCE_URL}>; rel="license"'
    assert TODAY_FILE.fullmatch(response.headers["content-disposition"]) is not None
    assert "content-length" not in response.headers
    assert statements == []
    bad = await app_client.head("/export/needs.csv", params={"urgency": "SOON"})
    assert bad.status_code == 400
