"""Open data as people use it (issue 17): HXL tags that mean what they say, validated by libhxl;
Chinese headers for Chinese users; an XLSX whose numbers-as-text stay text; a GB18030 CSV."""

from __future__ import annotations

import copy
import csv
import io
import secrets

import httpx
import hxl
import hxl.input
import hxl.validation
import openpyxl
import pytest

from hub.domain.open_data import COLUMNS, Dataset, admin_level, admin_levels
from hub.exports.records import Record
from hub.exports.xlsx import XlsxEncoder
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.exports.conftest import DATASETS, Published
from tests.helpers import CHANNEL, verify_all
from tests.imports.helpers import run_import

# The core hashtags of the HXL 1.1 standard (https://hxlstandard.org/standard/1-1final/
# dictionary/): a tag outside it is a private one no HXL tool understands.
HXL_CORE = {
    "access", "activity", "adm1", "adm2", "adm3", "adm4", "adm5", "affected", "beneficiary",
    "capacity", "cause", "channel", "contact", "country", "crisis", "currency", "date",
    "delivery", "description", "event", "financial", "frequency", "geo", "group", "impact",
    "indicator", "inneed", "item", "loc", "meta", "modality", "need", "operations", "org",
    "output", "population", "reached", "region", "respondee", "sector", "service", "severity",
    "status", "subsector", "targeted", "value",
}  # fmt: skip
# What a file must never be told by its tags: #value is money in HXL, and none of ours is.
MONEY = hxl.TagPattern.parse("#value")
SUBMIT_CHANNEL = """
mutation($input: SubmitDonationChannelInput!) {
  submitDonationChannel(input: $input) { editToken userErrors { field code message } }
}"""
ACCOUNT_NUMBER = "6222020200112233445"  # 19 digits: Excel would make it 6.22202E+18
LANDLINE = "02787650000"  # a leading zero Excel would drop


def read_hxl(content: bytes, encoding: str = "utf-8") -> hxl.model.Dataset:
    return hxl.data(
        hxl.input.make_input(io.BytesIO(content), hxl.input.InputOptions(encoding=encoding))
    )


async def test_every_export_is_valid_hxl_with_tags_that_mean_what_they_hold(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    for dataset in DATASETS:
        content = (await app_client.get(f"/export/{dataset}.hxl.csv")).content
        source = read_hxl(content)
        report = hxl.validation.validate(read_hxl(content))
        # libhxl's default schema: numbers where HXL wants numbers (#value, ...), no errors.
        errors = [i for i in report["issues"] if i["severity"] == "error"]
        assert report["is_valid"], (dataset, errors)
        for column in source.columns:
            assert column.tag.removeprefix("#") in HXL_CORE, (dataset, column.display_tag)
            assert not MONEY.match(column), (dataset, column.display_tag)
        assert len({c.display_tag for c in source.columns}) == len(source.columns)
        rows = list(read_hxl(content))
        # Each level's code column holds codes of that level, never a finer one.
        for level in (1, 2, 3):
            for code in (row.get(f"#adm{level}+code") for row in rows):
                assert not code or admin_level(code) == level, (dataset, level, code)
    # Quantities are item numbers, units item units: HXL tools sum #item+num, not money.
    needs = read_hxl((await app_client.get("/export/needs.hxl.csv")).content)
    first = next(iter(needs))
    assert (first.get("#item+num"), first.get("#item+unit")) == ("5000", "ITEM")
    assert hxl.TagPattern.parse("#item+num").match(needs.columns[[c.key for c in COLUMNS[
        Dataset.NEEDS]].index("quantity")])  # fmt: skip
    # The hospital's code (420106, 武昌区) split by level; the code itself is #loc+code.
    organizations = read_hxl((await app_client.get("/export/organizations.hxl.csv")).content)
    hospital = next(row for row in organizations if row.get("#org+name") == "武汉市第七医院")
    codes = [hospital.get(tag) for tag in ("#loc+code", "#adm1+code", "#adm2+code", "#adm3+code")]
    assert codes == ["420106", "420000", "420100", "420106"]


@pytest.mark.parametrize(
    ("code", "level", "split"),
    [
        ("420000", 1, ("420000", None, None)),
        ("420100", 2, ("420000", "420100", None)),
        ("420106", 3, ("420000", "420100", "420106")),
        # Province-administered county-level city (仙桃市): its prefecture code is 429000.
        ("429004", 3, ("420000", "429000", "429004")),
        # 9- and 12-digit statistical codes (township, village) give their county.
        ("420106001", 4, ("420000", "420100", "420106")),
        ("420106001001", 5, ("420000", "420100", "420106")),
        ("420106000000", 3, ("420000", "420100", "420106")),
        # The whole country, and what is no code: no level.
        ("100000", 0, (None, None, None)),
        ("42", 0, (None, None, None)),
        ("abcdef", 0, (None, None, None)),
    ],
)
def test_an_admin_code_level_comes_from_its_trailing_zeros(
    code: str, level: int, split: tuple[str | None, ...]
) -> None:
    assert admin_level(code) == level
    assert tuple(admin_levels(code).values()) == split


async def test_chinese_users_get_chinese_headers_and_the_same_hxl_row(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    zh = [c.zh for c in COLUMNS[Dataset.NEEDS]]
    en = [c.key for c in COLUMNS[Dataset.NEEDS]]

    async def header(path: str, **kwargs: object) -> list[str]:
        response = await app_client.get(path, **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 200
        return next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    browser = "zh-CN,zh;q=0.9,en;q=0.8"
    assert await header("/export/needs.csv", headers={"Accept-Language": browser}) == zh
    assert await header("/export/needs.csv", params={"lang": "zh"}) == zh
    # A file downloaded from a page shown in Chinese (its language cookie).
    app_client.cookies.set("hub_lang", "zh")
    try:
        assert await header("/export/needs.csv") == zh
        # ?lang wins over both.
        assert await header("/export/needs.csv", params={"lang": "en"}) == en
    finally:
        app_client.cookies.delete("hub_lang")
    assert await header("/export/needs.csv") == en
    assert await header("/export/needs.csv", headers={"Accept-Language": "en-GB,zh;q=0.5"}) == en
    assert await header("/export/needs.csv", headers={"Accept-Language": "fr, zh;q=0.1"}) == zh
    assert await header("/export/needs.csv", headers={"Accept-Language": "zh;q=0"}) == en
    # The HXL row is the same in both languages.
    hxl_zh = (await app_client.get("/export/needs.hxl.csv", params={"lang": "zh"})).content
    lines = list(csv.reader(io.StringIO(hxl_zh.decode())))
    assert lines[0] == zh
    assert lines[1] == [c.hxl for c in COLUMNS[Dataset.NEEDS]]
    response = await app_client.get("/export/needs.csv")
    assert "Accept-Language" in response.headers["vary"]


async def test_chinese_list_pages_link_files_with_chinese_headers_and_every_format(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    page = (await app_client.get("/needs", params={"lang": "zh"})).text
    for link in (
        "/export/needs.xlsx?lang=zh",
        "/export/needs.csv?lang=zh",
        "/export/needs.csv?lang=zh&amp;encoding=gb18030",
        "/export/needs.hxl.csv?lang=zh",
        "/export/needs.json?lang=zh",
    ):
        assert link in page, link
    assert "/export/needs.xlsx?lang=en" in (await app_client.get("/needs?lang=en")).text


async def _channel_with_long_account(gql: GraphQLClient, db: Database) -> None:
    """A verified donation channel with a 19-digit account number, an administrative code and
    a public landline with a leading zero and no dash, as real donation posts give them."""
    channel = copy.deepcopy(CHANNEL)
    channel["accountNumber"] = ACCOUNT_NUMBER
    channel["region"] = {"province": "湖北省", "city": "武汉市", "adminCode": "420100"}
    channel["contacts"] = [{"name": "办公室", "phone": LANDLINE, "visibility": "PUBLIC"}]
    payload = (await gql.data(SUBMIT_CHANNEL, {"input": channel}))["submitDonationChannel"]
    assert payload["userErrors"] == [], payload["userErrors"]
    await verify_all(db)


async def test_xlsx_keeps_long_numbers_and_leading_zeros_as_text(
    app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database, published: Published
) -> None:
    await _channel_with_long_account(gql, db)
    for dataset in DATASETS:
        response = await app_client.get(f"/export/{dataset}.xlsx", params={"lang": "zh"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        # A ZIP already: not gzipped again, though the client accepts gzip.
        assert "gzip" in response.request.headers["accept-encoding"]
        assert "content-encoding" not in response.headers
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book.active
        assert sheet is not None
        rows = list(sheet.iter_rows())
        assert [c.value for c in rows[0]] == [c.zh for c in COLUMNS[Dataset(dataset)]]
        assert len(rows) >= 2, dataset
    channels = openpyxl.load_workbook(
        io.BytesIO((await app_client.get("/export/donation-channels.xlsx")).content)
    ).active
    assert channels is not None
    header = [c.value for c in next(channels.iter_rows())]
    row = list(channels.iter_rows())[1]
    account = row[header.index("account_number")]
    assert (account.value, account.data_type, account.number_format) == (ACCOUNT_NUMBER, "s", "@")
    for key in ("admin_code", "adm1_code", "adm2_code"):
        cell = row[header.index(key)]
        assert cell.data_type == "s" and cell.number_format == "@", key
    assert [row[header.index(k)].value for k in ("admin_code", "adm1_code", "adm2_code")] == [
        "420100",
        "420000",
        "420100",
    ]
    assert row[header.index("adm3_code")].value is None
    # However the phone is stored, it is a text cell: its leading zero stays.
    phone = row[header.index("contact_phone")]
    assert phone.data_type == "s" and str(phone.value).startswith("027")

    needs = openpyxl.load_workbook(
        io.BytesIO((await app_client.get("/export/needs.xlsx")).content)
    ).active
    assert needs is not None
    header = [c.value for c in next(needs.iter_rows())]
    first = list(needs.iter_rows())[1]
    # Quantities are numbers, to be summed; text is never a formula, and never quoted.
    quantity = first[header.index("quantity")]
    assert (quantity.value, quantity.data_type) == (5000, "n")


async def test_xlsx_text_is_exact_and_never_a_formula(
    app_client: httpx.AsyncClient, db: Database, published: Published
) -> None:
    tricky = '=HYPERLINK("http://evil.example","点我") & <b> \x07 '
    async with db.transaction() as conn:
        await conn.execute("UPDATE entry SET notes = $1", tricky)
    sheet = openpyxl.load_workbook(
        io.BytesIO((await app_client.get("/export/needs.xlsx")).content)
    ).active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows())]
    notes = list(sheet.iter_rows())[1][header.index("notes")]
    # The control character (which XML cannot hold) is dropped; the rest is as written.
    assert (notes.value, notes.data_type) == (tricky.replace("\x07", ""), "s")


async def test_gb18030_csv_round_trips_for_old_excel(
    app_client: httpx.AsyncClient, db: Database, published: Published
) -> None:
    # 𠀀 is outside GBK: GB18030 still encodes it (four bytes), nothing is replaced.
    async with db.transaction() as conn:
        await conn.execute("UPDATE entry SET notes = '急需 𠀀 口罩'")
    response = await app_client.get(
        "/export/needs.csv", params={"encoding": "gb18030", "lang": "zh"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=gb18030"
    content = response.content
    assert not content.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(content.decode("gb18030"))))
    assert rows[0] == [c.zh for c in COLUMNS[Dataset.NEEDS]]
    utf8 = (await app_client.get("/export/needs.csv", params={"lang": "zh"})).content
    assert rows == list(csv.reader(io.StringIO(utf8.decode("utf-8-sig"))))
    assert "急需 𠀀 口罩" in rows[1]


async def test_a_wrong_encoding_is_a_clear_400(app_client: httpx.AsyncClient) -> None:
    for path, encoding in (
        ("/export/needs.csv", "latin-1"),
        ("/export/needs.hxl.csv", "gb18030"),
        ("/export/needs.xlsx", "gb18030"),
    ):
        response = await app_client.get(path, params={"encoding": encoding})
        assert response.status_code == 400, path
        error = response.json()["error"]
        assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "encoding")
    ok = await app_client.get("/export/needs.csv", params={"encoding": "UTF-8"})
    assert ok.status_code == 200 and ok.content.startswith(b"\xef\xbb\xbf")


def test_xlsx_leaves_batch_by_batch_and_memory_stays_flat() -> None:
    # Text that does not compress, so that the compressor has to let bytes out as it goes.
    encoder = XlsxEncoder(Dataset.ORGANIZATIONS, chinese=False)
    pieces = [encoder.head()]
    for batch in range(40):
        records = [
            Record({"id": f"{batch}-{n}", "name": secrets.token_hex(40), "admin_code": "420106"})
            for n in range(100)
        ]
        pieces.append(encoder.batch(records))
    pieces.append(encoder.tail())
    whole = b"".join(pieces)
    # Most of the file leaves before its end, in many pieces (as the compressor lets them
    # out), none holding more than a few batches' worth: the file is never built whole.
    assert sum(len(p) for p in pieces[:-1]) > 0.9 * len(whole)
    assert len([p for p in pieces if p]) >= 10
    assert max(len(p) for p in pieces) < len(whole) / 5
    sheet = openpyxl.load_workbook(io.BytesIO(whole), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 40 * 100
    keys = [c.key for c in COLUMNS[Dataset.ORGANIZATIONS]]
    assert rows[-1][keys.index("id")] == "39-99"


async def test_an_xlsx_export_imports_back(
    app_client: httpx.AsyncClient, db: Database, published: Published
) -> None:
    # The hub's own import reads its workbook: the same entry, already present (by its id).
    for language in ("en", "zh"):
        response = await app_client.get("/export/needs.xlsx", params={"lang": language})
        report = await run_import(db, response.content, "needs", file_name="needs.xlsx")
        assert report.rejected == [], report.rejected
        assert (report.imported, report.skipped) == (0, 1), language
