"""The plain-Python side of exports: values, records, encoders and file names (no database)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from hub.domain.enums import (
    ContactVisibility,
    EntryStatus,
    OrganizationKind,
    Urgency,
    VehicleType,
    VerificationStatus,
)
from hub.domain.model import (
    Contact,
    Entry,
    EntryDraft,
    Item,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    Organization,
    OrganizationDraft,
    Region,
)
from hub.domain.open_data import COLUMNS, Dataset, column_keys
from hub.domain.units import Unit
from hub.exports.cells import defused, json_value, text
from hub.exports.encoders import CsvEncoder, Format, JsonEncoder, JsonMeta, Language
from hub.exports.records import ITEM_KEYS, Record, entry_record, organization_record
from hub.exports.request import parse_file_name
from tests.test_architecture import ROOT, _imports

NOW = datetime(2020, 1, 28, 8, 0, tzinfo=UTC)
ITEM = Item("face.medical_respirator", "N95", Decimal("5000.00"), Unit.ITEM)
CONTACTS = (
    Contact("王小明", "13800001234", visibility=ContactVisibility.PROTECTED),
    Contact("医务科", "027-87654321", visibility=ContactVisibility.PUBLIC),
    Contact(None, "027-12345", visibility=ContactVisibility.PUBLIC),
)
DETAILS = {
    Dataset.NEEDS: NeedDetails(urgency=Urgency.HIGH),
    Dataset.OFFERS: OfferDetails(can_deliver=True, is_free=False, price_note="=1+1"),
    Dataset.LOGISTICS: LogisticsDetails(
        vehicle_type=VehicleType.TRUCK,
        cold_chain=True,
        is_free=True,
        destination=Region("湖北省", "武汉市"),
    ),
    Dataset.LODGING: LodgingDetails(rooms_available=3, eligibility="医护", is_free=True),
}


def entry(dataset: Dataset, items: tuple[Item, ...] = ()) -> Entry:
    draft = EntryDraft(
        region=Region("湖北省", "武汉市"),
        details=DETAILS[dataset],
        provider_name="张师傅",
        notes='=HYPERLINK("http://evil.example","点我")',
        items=items,
        contacts=CONTACTS,
    )
    return Entry(uuid4(), draft, EntryStatus.OPEN, VerificationStatus.VERIFIED, NOW, NOW, 1)


ORGANIZATION = Organization(
    uuid4(),
    OrganizationDraft(
        "武汉市第七医院", OrganizationKind.HOSPITAL, Region("湖北省"), contacts=CONTACTS
    ),
    VerificationStatus.PENDING,
    NOW,
    NOW,
    1,
)


def test_values_are_written_as_the_api_writes_them() -> None:
    assert text(Decimal("5000.00")) == "5000"
    assert text(Decimal("1500.50")) == "1500.5"
    assert text(Decimal("0E-2")) == "0"
    assert text(True) == "true"
    assert text(None) == ""
    assert text(Urgency.CRITICAL) == "CRITICAL"
    assert text(NOW) == "2020-01-28T08:00:00+00:00"
    assert json_value(Decimal("5000.00")) == 5000
    assert json_value(Decimal("1.5")) == 1.5
    assert json_value(NOW) == "2020-01-28T08:00:00+00:00"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd", "'-2+3+cmd"),
        ("\t=1", "'\t=1"),
        # Phone numbers and plain numbers stay as they are.
        ("+86 138 0000 1234", "+86 138 0000 1234"),
        ("-5", "-5"),
        ("027-87654321", "027-87654321"),
        ("医用防护服", "医用防护服"),
    ],
)
def test_text_cells_are_never_spreadsheet_formulas(value: str, written: str) -> None:
    assert defused(value) == written


@pytest.mark.parametrize("dataset", list(DETAILS))
def test_records_fill_every_column(dataset: Dataset) -> None:
    record = entry_record(entry(dataset, (ITEM,)), "医院")
    keys = set(record.values)
    if dataset in (Dataset.NEEDS, Dataset.OFFERS):
        keys |= set(record.items[0])
    assert keys == set(column_keys(dataset))
    assert set(organization_record(ORGANIZATION).values) == set(column_keys(Dataset.ORGANIZATIONS))


def test_item_keys_are_the_contracts_item_columns() -> None:
    for dataset in (Dataset.NEEDS, Dataset.OFFERS):
        tags = {c.key: c.hxl for c in COLUMNS[dataset]}
        assert set(ITEM_KEYS) <= set(tags)
        assert all(tags[key].startswith(("#item", "#value")) for key in ITEM_KEYS)


def test_contact_columns_hold_public_contacts_in_line() -> None:
    values = entry_record(entry(Dataset.LODGING), None).values
    # The second public contact has no name: the positions still line up with the phones.
    assert values["contact_name"] == "医务科; "
    assert values["contact_phone"] == "027-87654321; 027-12345"


def csv_lines(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_rows_one_per_item_and_formulas_defused() -> None:
    second = Item("hand.gloves", "手套", None, Unit.PAIR, quantity_unknown=True)
    need = entry(Dataset.NEEDS, (ITEM, second))
    writer = CsvEncoder(Dataset.NEEDS, Language.EN, hxl=False)
    data = writer.head() + writer.batch([entry_record(need, "医院")]) + writer.tail()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = csv_lines(data)
    assert len(rows) == 2
    assert {row[0] for row in rows} == {str(need.id)}
    notes = header.index("notes")
    assert rows[0][notes].startswith("'=HYPERLINK")
    assert [row[header.index("quantity")] for row in rows] == ["5000", ""]


def test_an_entry_without_items_keeps_its_row() -> None:
    writer = CsvEncoder(Dataset.OFFERS, Language.ZH, hxl=True)
    data = writer.head() + writer.batch([entry_record(entry(Dataset.OFFERS), None)])
    assert not data.startswith(b"\xef\xbb\xbf")
    header, tags, row = csv_lines(data)
    assert header[0] == "编号"
    assert tags[0] == "#meta+id"
    assert row[header.index("规格")] == ""


@pytest.mark.parametrize("batches", [0, 1, 3])
def test_json_is_one_valid_document_whatever_the_batches(batches: int) -> None:
    meta = JsonMeta(Dataset.LODGING, "CC BY 4.0", "https://example.org/l", NOW.isoformat())
    writer = JsonEncoder(meta)
    records = [entry_record(entry(Dataset.LODGING), None) for _ in range(batches * 2)]
    data = writer.head()
    for start in range(0, len(records), 2):
        data += writer.batch(records[start : start + 2]) + writer.batch([])
    document = json.loads(data + writer.tail())
    assert document["licence"] == "CC BY 4.0"
    assert len(document["data"]) == batches * 2
    if batches:
        # JSON keeps the text as it was: only spreadsheets need the quote.
        assert document["data"][0]["notes"].startswith("=HYPERLINK")
        assert document["data"][0]["rooms_available"] == 3


def test_json_items_are_an_array() -> None:
    meta = JsonMeta(Dataset.NEEDS, "CC BY 4.0", "https://example.org/l", NOW.isoformat())
    writer = JsonEncoder(meta)
    record: Record = entry_record(entry(Dataset.NEEDS, (ITEM, ITEM)), None)
    (need,) = json.loads(writer.head() + writer.batch([record]) + writer.tail())["data"]
    assert [i["quantity"] for i in need["items"]] == [5000, 5000]
    assert not set(ITEM_KEYS) & set(need)


def test_file_names() -> None:
    assert parse_file_name("needs.csv") == (Dataset.NEEDS, Format.CSV)
    assert parse_file_name("needs.hxl.csv") == (Dataset.NEEDS, Format.HXL)
    assert parse_file_name("organizations.json") == (Dataset.ORGANIZATIONS, Format.JSON)
    assert parse_file_name("needs.xlsx") == (Dataset.NEEDS, Format.XLSX)
    for name in ("needs", "needs.xls", "people.csv", ".csv", "needs.hxl.json", "hxl.csv"):
        assert parse_file_name(name) is None


def test_formatting_does_no_io() -> None:
    forbidden = ("asyncpg", "starlette", "strawberry", "httpx", "redis", "hub.store", "hub.http")
    offences = [
        f"{path.name} imports {name}"
        for path in sorted((ROOT / "hub" / "exports").rglob("*.py"))
        for name in _imports(path)
        if name.startswith(forbidden)
    ]
    assert offences == []
