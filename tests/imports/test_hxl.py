"""HXL-tagged CSV: tags matched whatever their case and attribute order; an export imports
back to the same public data; a second import of the same file writes nothing."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from hub.app import create_app
from hub.domain.open_data import COLUMNS, Dataset
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import TEMPLATE, GraphQLClient, scratch_database
from tests.exports.conftest import publish
from tests.helpers import CHANNEL, table_counts, verify_all
from tests.imports.helpers import run_import

NEED_ID = uuid.uuid4()
HOSPITAL_ID = uuid.uuid4()


def _shuffled_tag(tag: str) -> str:
    """`#adm1+name+dest` as a careless hand writes it: `#ADM1 +dest +name`."""
    name, *attributes = tag.split("+")
    return " ".join([name.upper(), *(f"+{a}" for a in reversed(attributes))])


def hxl_needs(rows: list[dict[str, str]]) -> bytes:
    """An HXL-tagged needs CSV: keys as headers, a row of hashtags, one row per item, and an
    extra column whose tag the hub does not know."""
    columns = COLUMNS[Dataset.NEEDS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*(c.key for c in columns), "comment"])
    writer.writerow([*(_shuffled_tag(c.hxl) for c in columns), "#x_comment"])
    for row in rows:
        writer.writerow([*(row.get(c.key, "") for c in columns), "ignored"])
    return out.getvalue().encode()


HOSPITAL_ROW = {
    "id": str(NEED_ID),
    "organization_id": str(HOSPITAL_ID),
    "organization": "武汉市第七医院",
    "province": "湖北省",
    "city": "武汉市",
    "urgency": "CRITICAL",
    "status": "OPEN",
    "verification": "VERIFIED",
    "source_note": "医院官方微博",
    "contact_name": "医务科; 后勤处",
    "contact_phone": "027-87654321; 027-87650000",
}
ROWS = [
    {**HOSPITAL_ROW, "category": "face.medical_respirator", "item": "N95", "quantity": "5000",
     "unit": "ITEM"},
    {**HOSPITAL_ROW, "category": "body.protective_coverall", "item": "防护服", "quantity": "",
     "unit": "GARMENT"},
]  # fmt: skip


async def test_rows_sharing_an_id_are_one_entry_and_a_second_import_writes_nothing(
    db: Database,
) -> None:
    data = hxl_needs(ROWS)
    report = await run_import(db, data, "needs", file_name="needs.hxl.csv")
    assert report.rejected == []
    assert (report.imported, report.skipped) == (1, 0)
    assert any(w.code.value == "UNKNOWN_COLUMN" and w.column == "comment" for w in report.warnings)
    async with db.connection() as conn:
        entry = await conn.fetchrow(
            "SELECT id, organization_id, verification_status, urgency FROM entry"
        )
        items = await conn.fetch("SELECT name, quantity FROM entry_item ORDER BY position")
        contacts = await conn.fetch("SELECT name, phone, visibility FROM contact ORDER BY position")
    # The given ids are kept; the hub's own state is not imported: PENDING, like any submission.
    assert (entry["id"], entry["organization_id"]) == (NEED_ID, HOSPITAL_ID)
    assert (entry["verification_status"], entry["urgency"]) == ("PENDING", "CRITICAL")
    assert [(i["name"], i["quantity"]) for i in items] == [("N95", 5000), ("防护服", None)]
    # Open data holds public contacts only: they stay public.
    assert [tuple(c) for c in contacts] == [
        ("医务科", "027-8765 4321", "PUBLIC"),
        ("后勤处", "027-8765 0000", "PUBLIC"),
    ]
    before = await table_counts(db)
    again = await run_import(db, data, "needs", file_name="needs.hxl.csv")
    assert (again.imported, again.skipped, again.rejected) == (0, 1, [])
    assert [w.code.value for w in again.warnings if w.code.value == "ALREADY_PRESENT"] == [
        "ALREADY_PRESENT"
    ]
    assert await table_counts(db) == before


async def test_rows_of_one_id_that_disagree_are_rejected(db: Database) -> None:
    rows = [ROWS[0], {**ROWS[1], "province": "湖南省"}]
    report = await run_import(db, hxl_needs(rows), "needs", file_name="needs.hxl.csv")
    assert [(p.row, p.code.value) for p in report.rejected if p.row == 4] == [
        (4, "CONFLICTING_ROWS")
    ]
    assert report.imported == 0


@pytest.fixture
async def second_dsn(pg_server_dsn: str, template_dsn: str) -> AsyncIterator[str]:
    """Another migrated database: where the export is imported."""
    async with scratch_database(pg_server_dsn, "hub_import", TEMPLATE) as dsn:
        yield dsn


async def _export(client: httpx.AsyncClient, dataset: str) -> bytes:
    response = await client.get(f"/export/{dataset}.hxl.csv")
    assert response.status_code == 200, response.text
    return response.content


def _public_rows(data: bytes) -> list[dict[str, str]]:
    """An export's rows, without the columns that belong to one hub (times, review state)."""
    own = {"verified_at", "created_at", "updated_at", "expires_at", "verification"}
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    return sorted(
        ({k: v for k, v in row.items() if k not in own} for row in rows),
        key=lambda row: sorted(row.items()),
    )


async def test_an_export_imports_back_to_the_same_public_data(
    gql: GraphQLClient, db: Database, app_client: httpx.AsyncClient, second_dsn: str
) -> None:
    await publish(gql, db)
    channel = await gql.data(
        "mutation($i: SubmitDonationChannelInput!) { submitDonationChannel(input: $i) "
        "{ userErrors { code } } }",
        {"i": CHANNEL},
    )
    assert channel["submitDonationChannel"]["userErrors"] == []
    await verify_all(db)
    datasets = ("organizations", "needs", "offers", "logistics", "lodging", "donation-channels")
    exported = {name: await _export(app_client, name) for name in datasets}
    target = await Database.connect(second_dsn, min_size=1, max_size=2)
    try:
        for name in datasets:
            report = await run_import(target, exported[name], name, file_name=f"{name}.hxl.csv")
            assert report.rejected == [], (name, report.rejected)
            assert report.imported >= 1
        # Imported entries wait for review; reviewers vouch for them again in the new hub
        # (exports hold verified entries only).
        await verify_all(target)
    finally:
        await target.close()
    app = create_app(Settings(database_url=second_dsn, default_language="en"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            for name in datasets:
                again = await _export(client, name)
                assert _public_rows(again) == _public_rows(exported[name]), name


# The tags an HDX file might carry: attributes of its own (+en, +x_source, +v_hdx) beside ours.
_HDX_EXTRAS = {
    "organization": "#org+name+en+x_source",
    "province": "#adm1+name+v_hdx",
    "city": "#adm2+name+x_foo",
    "item": "#item+name+x_foo",
    "quantity": "#item+num+x_reported",
    "unit": "#item+unit+x_foo",
}


def _tagged_needs(tags: dict[str, str], rows: list[dict[str, str]]) -> bytes:
    """An HXL-tagged needs CSV with `tags` in place of ours for some columns."""
    columns = COLUMNS[Dataset.NEEDS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key for c in columns])
    writer.writerow([tags.get(c.key, c.hxl) for c in columns])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in columns])
    return out.getvalue().encode()


async def test_an_hdx_file_whose_tags_carry_extra_attributes_still_imports(
    db: Database,
) -> None:
    # `#item+name+x_foo` is the `#item+name` column, as the HXL tag pattern `#item+name`
    # matches it (the pattern's attributes are a subset of the column's).
    data = _tagged_needs(_HDX_EXTRAS, ROWS)
    report = await run_import(db, data, "needs", file_name="needs.hxl.csv")
    assert report.rejected == []
    assert report.imported == 1
    async with db.connection() as conn:
        entry = await conn.fetchrow("SELECT province, city FROM entry")
        items = await conn.fetch("SELECT name, quantity, unit FROM entry_item ORDER BY position")
    assert tuple(entry) == ("湖北省", "武汉市")
    assert [tuple(i) for i in items] == [("N95", 5000, "ITEM"), ("防护服", None, "GARMENT")]


async def test_a_file_exported_with_the_old_tags_still_imports(db: Database) -> None:
    # Before issue 17 quantities were tagged #value (money in HXL) and every admin code
    # #adm3+code whatever its level: such files import for one more release.
    old = {
        "quantity": "#value",
        "unit": "#value+unit",
        "package_size": "#value+package",
        "fulfilled": "#value+fulfilled",
        "admin_code": "#adm3+code",
    }
    # The old files had no per-level columns: their headers and tags are left empty here.
    columns = [c for c in COLUMNS[Dataset.NEEDS] if c.key not in ("adm1_code", "adm2_code",
                                                                   "adm3_code")]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key for c in columns])
    writer.writerow([old.get(c.key, c.hxl) for c in columns])
    for row in ROWS:
        writer.writerow([{**row, "admin_code": "420100"}.get(c.key, "") for c in columns])
    report = await run_import(db, out.getvalue().encode(), "needs", file_name="old.hxl.csv")
    assert report.rejected == []
    assert report.imported == 1
    async with db.connection() as conn:
        code = await conn.fetchval("SELECT admin_code FROM entry")
        items = await conn.fetch("SELECT quantity, unit FROM entry_item ORDER BY position")
    # A city's code under the old county tag is still the entry's code.
    assert code == "420100"
    assert [tuple(i) for i in items] == [(5000, "ITEM"), (None, "GARMENT")]
