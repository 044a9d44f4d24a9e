"""Importing the messy Chinese needs spreadsheet: all or nothing, --skip-invalid, dry runs,
values normalised, entries PENDING with their source, contacts protected."""

from __future__ import annotations

from decimal import Decimal

from hub.services.imports import ImportReport
from hub.store.db import Database
from tests.fixtures.make_import_fixtures import GOOD_ENTRIES, GOOD_ROWS
from tests.helpers import table_counts
from tests.imports.helpers import (
    BAD_XLSX_ROWS,
    GB18030_CSV,
    XLSX,
    entries_by_organization,
    run_import,
)


def _rejections(report: ImportReport) -> dict[int, tuple[str, str]]:
    return {
        p.row: (p.column, p.code.value) for p in report.rejected if p.code.value != "ENTRY_REJECTED"
    }


async def test_one_bad_row_and_nothing_is_written(db: Database) -> None:
    before = await table_counts(db)
    report = await run_import(db, XLSX, "needs")
    assert _rejections(report) == BAD_XLSX_ROWS
    assert report.rejected_rows == len(BAD_XLSX_ROWS)
    assert (report.written, report.imported) == (False, 0)
    assert report.valid == GOOD_ENTRIES
    assert await table_counts(db) == before
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_skip_invalid_writes_exactly_the_valid_rows(db: Database) -> None:
    before = await table_counts(db)
    report = await run_import(db, XLSX, "needs", skip_invalid=True)
    assert report.written
    assert report.imported == GOOD_ENTRIES
    assert _rejections(report) == BAD_XLSX_ROWS
    after = await table_counts(db)
    assert after["entry"] - before["entry"] == GOOD_ENTRIES
    assert after["entry_item"] - before["entry_item"] == GOOD_ROWS
    assert after["organization"] - before["organization"] == GOOD_ENTRIES
    # One CREATED event per entry and per new organization.
    assert after["entry_event"] - before["entry_event"] == 2 * GOOD_ENTRIES
    found = await entries_by_organization(db)
    assert "潜江市人民医院" not in found and "火星省第一医院" not in found
    assert {e["verification_status"] for e in found.values()} == {"PENDING"}
    async with db.connection() as conn:
        audited = await conn.fetch(
            "SELECT actor_label, changes FROM audit_log WHERE action = 'import.completed'"
        )
        per_entry = await conn.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'entry.submitted'"
        )
    assert len(audited) == 1
    assert audited[0]["actor_label"] == "import"
    changes = audited[0]["changes"]
    assert changes["file"] == "hubei-needs-2020.xlsx"
    assert len(changes["sha256"]) == 64
    assert (changes["imported"], changes["rejectedRows"]) == (GOOD_ENTRIES, len(BAD_XLSX_ROWS))
    assert per_entry == GOOD_ENTRIES


async def test_a_dry_run_reports_what_a_real_run_would_and_writes_nothing(db: Database) -> None:
    before = await table_counts(db)
    dry = await run_import(db, XLSX, "needs", dry_run=True, skip_invalid=True)
    assert await table_counts(db) == before
    assert (dry.written, dry.imported) == (False, 0)
    real = await run_import(db, XLSX, "needs", skip_invalid=True)
    assert real.written
    assert [(p.row, p.column, p.value, p.code) for p in dry.rejected] == [
        (p.row, p.column, p.value, p.code) for p in real.rejected
    ]
    assert dry.valid == real.imported == GOOD_ENTRIES


async def test_messy_values_are_normalised(db: Database) -> None:
    report = await run_import(db, XLSX, "needs", skip_invalid=True)
    found = await entries_by_organization(db)
    assert len(found) == GOOD_ENTRIES

    first = found["武汉市第一医院"]
    assert (first["province"], first["city"], first["urgency"]) == ("湖北省", "武汉市", "CRITICAL")
    assert first["source_note"] == "医院官方微博"
    assert first["organization_kind"] == "HOSPITAL"
    items = {i["name"]: i for i in first["items"]}
    assert (items["N95口罩"]["category_code"], items["N95口罩"]["quantity"]) == (
        "face.medical_respirator",
        Decimal(10000),
    )
    assert (items["医用外科口罩"]["category_code"], items["医用外科口罩"]["unit"]) == (
        "face.surgical_mask",
        "PIECE",
    )
    # 若干: quantity unknown, never 1.
    assert items["防护服"]["category_code"] == "body.protective_coverall"
    assert items["防护服"]["quantity"] is None
    assert (items["护目镜"]["category_code"], items["护目镜"]["quantity"]) == (
        "face.goggles",
        Decimal(500),
    )
    # Several numbers in one cell: several contacts, paired with their names; protected.
    union = found["华中科技大学同济医学院附属协和医院"]
    assert [(c["name"], c["phone"], c["visibility"]) for c in union["contacts"]] == [
        ("李主任", "027-8572 6114", "PROTECTED"),
        ("王护士", "139 0013 9002", "PROTECTED"),
    ]
    assert union["urgency"] == "CRITICAL"
    assert {i["quantity"] for i in union["items"]} == {Decimal(15000), Decimal(5), Decimal(20)}
    # The province inferred from the city, or read from a city written in its place.
    assert found["黄冈市中心医院"]["province"] == "湖北省"
    assert (found["孝感市中心医院"]["province"], found["孝感市中心医院"]["city"]) == (
        "湖北省",
        "孝感市",
    )
    assert found["孝感市中心医院"]["contacts"][0]["phone"] == "138 0013 8004"
    assert found["黄冈市中心医院"]["contacts"][0]["phone"] == "139 0013 9003"
    assert len(found["武汉市金银潭医院"]["contacts"]) == 2
    sanitiser = next(i for i in found["十堰市人民医院"]["items"] if i["name"] == "免洗手消毒液")
    assert (sanitiser["unit"], sanitiser["quantity"], sanitiser["package_size"]) == (
        "CARTON",
        Decimal(50),
        24,
    )
    assert found["咸宁市中心医院"]["urgency"] == "LOW"
    gloves = found["黄冈市中心医院"]["items"][1]
    assert (gloves["quantity"], gloves["unit"]) == (Decimal(3000), "PAIR")
    warnings = {(w.row, w.code.value) for w in report.warnings}
    assert (12, "QUANTITY_RANGE") in warnings
    # 消毒泡腾片 names no category: filed under other supplies, and said so.
    assert found["随州市中医医院"]["items"][0]["category_code"] == "other.other"
    assert any(code == "GUESSED_CATEGORY" for _, code in warnings)
    # 序号 is no column of the hub's: ignored, with a note.
    assert (3, "UNKNOWN_COLUMN") in warnings


async def test_the_gb18030_csv_imports_as_the_xlsx_does(db: Database) -> None:
    report = await run_import(db, GB18030_CSV, "needs", skip_invalid=True)
    assert report.imported == GOOD_ENTRIES
    assert {code for _, code in _rejections(report).values()} == {
        code for _, code in BAD_XLSX_ROWS.values()
    }
    found = await entries_by_organization(db)
    assert sum(len(e["items"]) for e in found.values()) == GOOD_ROWS
    assert found["武汉市金银潭医院"]["province"] == "湖北省"


async def test_rejected_rows_say_why_in_both_languages(db: Database) -> None:
    report = await run_import(db, XLSX, "needs")
    by_row = {p.row: p for p in report.rejected}
    assert "省份" in by_row[33].message("zh") or "火星省" in by_row[33].message("zh")
    assert "Unknown province" in by_row[33].message("en")
    assert by_row[22].value == "很多吧?"
    assert "500" in by_row[34].message("en")


async def test_reported_contacts_are_masked(db: Database) -> None:
    data = (
        "机构名称,省份,物资名称,数量,联系人,联系电话\n武汉市第七医院,湖北,N95口罩,100,王小明,138001380\n"
    ).encode()
    report = await run_import(db, data, "needs", file_name="bad-phone.csv")
    # A number one digit short is no number: the row is imported, the text kept as written in
    # the contact's other channel, and the warning shows it masked.
    assert report.rejected == []
    (warning,) = [w for w in report.warnings if w.code.value == "PHONE_KEPT_AS_WRITTEN"]
    assert warning.value == "*********"
    assert "138001380" not in repr(report.warnings)
    async with db.connection() as conn:
        stored = await conn.fetchrow("SELECT phone, other_channel, visibility FROM contact")
    assert tuple(stored) == (None, "138001380", "PROTECTED")
