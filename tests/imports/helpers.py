"""Running imports in tests, and reading back what they wrote."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from hub.domain.open_data import Dataset
from hub.imports.mappings import mapping_for
from hub.imports.readers import read_table
from hub.services.imports import ImportReport, import_rows
from hub.settings import Settings
from hub.store.db import Database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
XLSX = FIXTURES / "hubei-needs-2020.xlsx"
GB18030_CSV = FIXTURES / "hubei-needs-2020-gb18030.csv"
OFFERS_CSV = FIXTURES / "offers-en.csv"
# The fixture's bad rows in the XLSX (see tests/fixtures/make_import_fixtures.py), and why.
BAD_XLSX_ROWS = {
    21: ("医院名称", "REQUIRED"),
    22: ("需求数量", "UNREADABLE_QUANTITY"),
    33: ("省份", "UNKNOWN_PROVINCE"),
    34: ("详细地址", "TOO_LONG"),
}
TODAY = date(2020, 2, 3)


async def run_import(
    db: Database,
    data: bytes | Path,
    kind: str,
    *,
    file_name: str | None = None,
    **options: Any,
) -> ImportReport:
    """Import a file (bytes or a path) as the CLI and the API do."""
    if isinstance(data, Path):
        file_name = file_name or data.name
        data = data.read_bytes()  # noqa: ASYNC240 - a small fixture
    name = file_name or "upload.csv"
    table = read_table(data, name)
    return await import_rows(
        db,
        table.rows,
        mapping_for(Dataset(kind)),
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        lifetimes=Settings().entry_lifetimes(),
        today=TODAY,
        **options,
    )


async def entries_by_organization(db: Database) -> dict[str, dict[str, Any]]:
    """Every entry, by its organization's (or provider's) name, with its items and contacts."""
    async with db.connection() as conn:
        rows = await conn.fetch(
            """SELECT e.id, e.kind, e.province, e.city, e.address, e.urgency, e.source_note,
                      e.verification_status, e.notes,
                      coalesce(o.name, e.provider_name) AS poster, o.kind AS organization_kind
               FROM entry e LEFT JOIN organization o ON o.id = e.organization_id"""
        )
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            items = await conn.fetch(
                """SELECT category_code, name, quantity, unit, package_size
                   FROM entry_item WHERE entry_id = $1 ORDER BY position""",
                row["id"],
            )
            contacts = await conn.fetch(
                "SELECT name, phone, visibility FROM contact WHERE entry_id = $1 ORDER BY phone",
                row["id"],
            )
            found[row["poster"]] = {
                **dict(row),
                "items": [dict(i) for i in items],
                "contacts": [dict(c) for c in contacts],
            }
    return found
