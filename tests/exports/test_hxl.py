"""The HXL-tagged CSV is valid HXL: libhxl reads its hashtags and values back."""

from __future__ import annotations

import io

import httpx
import hxl
import hxl.input

from hub.domain.open_data import COLUMNS, Dataset
from tests.exports.conftest import DATASETS, Published


def read_hxl(content: bytes) -> hxl.model.Dataset:
    return hxl.data(
        hxl.input.make_input(io.BytesIO(content), hxl.input.InputOptions(encoding="utf-8"))
    )


def by_tag(source: hxl.model.Dataset) -> list[dict[str, str | None]]:
    """Each row as {hashtag with attributes: value}."""
    tags = [column.display_tag for column in source.columns]
    return [dict(zip(tags, row.values, strict=True)) for row in source]


async def test_libhxl_reads_the_tags_and_values(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    for dataset in DATASETS:
        response = await app_client.get(f"/export/{dataset}.hxl.csv")
        assert response.status_code == 200
        source = read_hxl(response.content)
        expected = COLUMNS[Dataset(dataset)]
        assert [c.display_tag for c in source.columns] == [c.hxl for c in expected]
        assert [c.header for c in source.columns] == [c.key for c in expected]

    needs = by_tag(read_hxl((await app_client.get("/export/needs.hxl.csv")).content))
    assert len(needs) == 2
    assert {row["#meta+id"] for row in needs} == {str(published.need)}
    assert [row["#item+code"] for row in needs] == [
        "face.medical_respirator",
        "body.protective_coverall",
    ]
    first = needs[0]
    assert (first["#org+name"], first["#adm1+name"], first["#adm2+name"]) == (
        "武汉市第七医院",
        "湖北省",
        "武汉市",
    )
    assert (first["#item+num"], first["#item+unit"], first["#severity"]) == (
        "5000",
        "ITEM",
        "CRITICAL",
    )
    assert (first["#contact+name"], first["#contact+phone"]) == ("后勤处", "027-8765 0000")

    # libhxl's own tag patterns select columns as HXL tools do.
    source = read_hxl((await app_client.get("/export/logistics.hxl.csv")).content)
    row = next(iter(source))
    assert row.get("#adm1+dest") == "湖北省"
    assert row.get("#meta+vehicle") == "VAN"
    assert row.get("#capacity+kg") == "1500.5"
