"""Imports write entries in batches: what one-by-one writing promised must still hold."""

from __future__ import annotations

from hub.services.audit import verify_chain
from hub.store.db import Database
from tests.imports.helpers import run_import

HEADER = "医院名称,省份,城市,详细地址,需求物资,需求数量,紧急程度,联系人,联系电话,来源\n"
REFUSED_ADDRESS = "拒收路1号"


def sheet(*hospitals: tuple[str, str]) -> bytes:
    """One N95 row per (hospital, address)."""
    rows = [
        f"{name},湖北,武汉,{address},N95口罩,1000个,紧急,张医生,13800138001,医院官方微博\n"
        for name, address in hospitals
    ]
    return (HEADER + "".join(rows)).encode()


async def _count(db: Database, sql: str) -> int:
    async with db.connection() as conn:
        value: int = await conn.fetchval(sql)
    return value


async def test_a_row_the_database_refuses_rejects_only_that_row(db: Database) -> None:
    async with db.connection() as conn:
        # A real refusal by the server, which no check of the import foresees.
        await conn.execute(
            f"ALTER TABLE entry ADD CONSTRAINT refuse_one CHECK (address <> '{REFUSED_ADDRESS}')"
        )
    data = sheet(
        ("武汉市第一医院", "中山大道215号"),
        ("武汉市金银潭医院", REFUSED_ADDRESS),
        ("武汉协和医院", "解放大道1277号"),
    )
    report = await run_import(db, data, "needs", skip_invalid=True)
    assert [(p.row, p.code.value) for p in report.rejected] == [(3, "DATABASE_REFUSED")]
    assert report.imported == 2
    assert await _count(db, "SELECT count(*) FROM entry") == 2
    # The refused row's new organization went with it, and so did both audit records.
    assert await _count(db, "SELECT count(*) FROM organization") == 2
    assert (
        await _count(db, "SELECT count(*) FROM audit_log WHERE changes::text LIKE '%金银潭%'") == 0
    )
    chain = await verify_chain(db)
    assert chain.intact
    assert chain.records == 2 + 2 + 1  # organizations, entries, the import itself


async def test_duplicates_are_found_within_a_file_and_against_the_hub(db: Database) -> None:
    first = sheet(("武汉市第一医院", "中山大道215号"))
    assert (await run_import(db, first, "needs", file_name="first.csv")).imported == 1
    # The same hospital again, twice, with another one between so that the rows are two
    # entries, not one entry of two items.
    again = sheet(
        ("武汉市第一医院", "中山大道215号"),
        ("武汉协和医院", "解放大道1277号"),
        ("武汉市第一医院", "中山大道 215 号"),
    )
    assert (await run_import(db, again, "needs", file_name="again.csv")).imported == 3
    pairs = await _count(db, "SELECT count(*) FROM entry_duplicate")
    # The second file's two entries of the first hospital each repeat the first file's entry,
    # and the later of them repeats the earlier.
    assert pairs == 3
    assert (
        await _count(
            db,
            """SELECT count(*) FROM entry_duplicate d JOIN entry e ON e.id = d.entry_id
               JOIN organization o ON o.id = e.organization_id WHERE o.name = '武汉协和医院'""",
        )
        == 0
    )
    assert (await verify_chain(db)).intact
