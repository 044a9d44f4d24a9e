"""`hub import` end to end, as a subprocess against this test's database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hub.store.db import Database
from tests.fixtures.make_import_fixtures import GOOD_ENTRIES
from tests.helpers import table_counts
from tests.imports.helpers import BAD_XLSX_ROWS, OFFERS_CSV, XLSX


def hub_import(dsn: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HUB_DATABASE_URL": dsn}
    return subprocess.run(
        [sys.executable, "-m", "hub.cli", "import", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_rejected_rows_exit_1_and_write_nothing(
    fresh_dsn: str, db: Database, tmp_path: Path
) -> None:
    before = await table_counts(db)
    report = tmp_path / "report.csv"
    done = hub_import(fresh_dsn, XLSX, "--kind", "needs", "--report", report)
    assert done.returncode == 1, done.stderr
    assert "nothing imported" in done.stdout
    for row in BAD_XLSX_ROWS:
        assert f"row {row} " in done.stdout
    assert await table_counts(db) == before
    # The report opens in Excel as UTF-8 (BOM) and has one line per rejection and warning.
    text = report.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,value,code,severity,reason_zh,reason_en"
    assert any(
        line.startswith("22,需求数量,很多吧?,UNREADABLE_QUANTITY,rejected") for line in lines
    )
    # Not a terminal: no progress bar, only the summary.
    assert "[#" not in done.stderr


async def test_skip_invalid_then_dry_run(fresh_dsn: str, db: Database) -> None:
    dry = hub_import(fresh_dsn, XLSX, "--kind", "needs", "--dry-run", "--skip-invalid")
    assert dry.returncode == 1
    assert f"dry run: {GOOD_ENTRIES} record(s) would be imported" in dry.stdout
    before = await table_counts(db)
    done = hub_import(fresh_dsn, XLSX, "--kind", "needs", "--skip-invalid")
    assert done.returncode == 1
    assert f"imported {GOOD_ENTRIES} record(s)" in done.stdout
    assert (await table_counts(db))["entry"] == before["entry"] + GOOD_ENTRIES


async def test_an_english_offers_sheet_imports_cleanly(fresh_dsn: str, db: Database) -> None:
    done = hub_import(
        fresh_dsn, OFFERS_CSV, "--kind", "offers", "--source", "Volunteer sheet, 2020-02-01"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "imported 3 record(s)" in done.stdout
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT provider_name, province, city, source_note FROM entry ORDER BY province"
        )
        free = await conn.fetchval("SELECT count(*) FROM offer WHERE is_free")
    assert [(r["province"], r["city"]) for r in rows] == [
        ("广东省", "深圳市"),
        ("河南省", "郑州市"),
        ("浙江省", "杭州市"),
    ]
    assert {r["source_note"] for r in rows} == {"Volunteer sheet, 2020-02-01"}
    assert rows[2]["provider_name"] == "Mr Chen (private donor)"
    assert free == 2


def test_unusable_input_exits_2(fresh_dsn: str, tmp_path: Path) -> None:
    missing = hub_import(fresh_dsn, tmp_path / "nope.csv", "--kind", "needs")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    old_excel = tmp_path / "old.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    done = hub_import(fresh_dsn, old_excel, "--kind", "needs")
    assert (done.returncode, "save the sheet as .xlsx" in done.stderr) == (2, True)
    no_header = tmp_path / "notes.csv"
    no_header.write_text("hello,world\n1,2\n", encoding="utf-8")
    done = hub_import(fresh_dsn, no_header, "--kind", "needs")
    assert (done.returncode, "no header row" in done.stderr) == (2, True)
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"columns": {"hospital_name": ["医院"]}}', encoding="utf-8")
    done = hub_import(fresh_dsn, XLSX, "--kind", "needs", "--mapping", mapping)
    assert (done.returncode, "unknown column key" in done.stderr) == (2, True)
    done = hub_import(fresh_dsn, XLSX, "--kind", "needs", "--sheet", "Sheet9")
    assert (done.returncode, "需求汇总" in done.stderr) == (2, True)


async def test_a_mapping_file_names_other_headers(
    fresh_dsn: str, db: Database, tmp_path: Path
) -> None:
    sheet = tmp_path / "lodging.csv"
    sheet.write_text(
        "酒店,省,房源,接待谁,免费吗,前台电话\n江城大酒店,湖北,40间,援鄂医疗队,是,027-8555 0000\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        '{"columns": {"organization": ["酒店"], "rooms_available": ["房源"],'
        ' "eligibility": ["接待谁"], "is_free": ["免费吗"], "contact_phone": ["前台电话"]},'
        ' "public": ["contact_phone"]}',
        encoding="utf-8",
    )
    done = hub_import(fresh_dsn, sheet, "--kind", "lodging", "--mapping", mapping)
    assert done.returncode == 0, done.stdout
    async with db.connection() as conn:
        lodging = await conn.fetchrow("SELECT rooms_available, is_free FROM lodging")
        contact = await conn.fetchrow("SELECT phone, visibility FROM contact")
    assert (lodging["rooms_available"], lodging["is_free"]) == (40, True)
    assert (contact["phone"], contact["visibility"]) == ("027-8555 0000", "PUBLIC")
