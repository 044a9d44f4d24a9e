"""Dumps what the kind registry must not change, to compare two trees byte for byte.

Not a benchmark: a check for refactors of the kinds (issue 12). With a PostgreSQL server URL:

    python bench/kinds_golden.py load  DSN        # new database `kinds_golden`, demo data
    python bench/kinds_golden.py dump  DSN OUT    # exports, webhook bodies, search documents and
                                                  # import plans (the exports read back) into OUT
    python bench/kinds_golden.py write DSN OUT    # every entry written again; the detail tables
    python bench/kinds_golden.py compare OUT1 OUT2  # what differs between two dumps

Run `load` once (with either tree), then `dump` and `write` with each tree (PYTHONPATH) into
two folders and `compare` them. The JSON exports' generatedAt is blanked: it is the clock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import pprint
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from hub.app import create_app
from hub.demo.load import load_demo
from hub.domain.enums import EventType, VerificationStatus
from hub.domain.imports.build import plan_import
from hub.domain.imports.plan import ImportContext
from hub.domain.imports.sheet import read_sheet
from hub.domain.live import LiveEvent
from hub.domain.open_data import Dataset, column_keys
from hub.domain.search import entry_document
from hub.domain.webhook_payload import event_payload
from hub.imports.mappings import mapping_for
from hub.imports.readers import read_table
from hub.settings import Settings
from hub.store.categories import list_categories
from hub.store.db import Database
from hub.store.entries import get_entries, update_entry
from hub.store.migrate import migrate
from hub.store.organizations import get_organizations

NAME = "kinds_golden"
WIDE = {
    "verification": "PENDING,IN_REVIEW,VERIFIED,NEEDS_CHANGES,EXPIRED",
    "status": "OPEN,PARTIALLY_FULFILLED,FULFILLED,CLOSED",
}
DETAIL_TABLES = ("offer", "logistics_offer", "lodging", "donation_channel")


def _database(dsn: str) -> str:
    return urlunsplit(urlsplit(dsn)._replace(path=f"/{NAME}"))


async def load(dsn: str) -> None:
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {NAME}")
    await admin.close()
    conn = await asyncpg.connect(_database(dsn))
    await migrate(conn)
    await conn.close()
    settings = Settings(database_url=_database(dsn))
    db = await Database.connect(_database(dsn), min_size=1, max_size=2)
    print(await load_demo(db, settings.entry_lifetimes()))
    await db.close()


async def dump(dsn: str, out: Path) -> None:
    settings = Settings(database_url=_database(dsn), default_language="en")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            index = await client.get("/export")
            (out / "index.json").write_bytes(index.content)
            for dataset in Dataset:
                for file_format in ("csv", "hxl.csv", "json"):
                    for lang in ("en", "zh"):
                        for name, params in (("default", {}), ("wide", WIDE)):
                            response = await client.get(
                                f"/export/{dataset.value}.{file_format}",
                                params={**params, "lang": lang},
                            )
                            body = re.sub(
                                rb'"generatedAt":"[^"]*"', b'"generatedAt":""', response.content
                            )
                            path = out / f"{dataset.value}.{name}.{lang}.{file_format}"
                            path.write_bytes(f"{response.status_code}\n".encode() + body)
    db = await Database.connect(_database(dsn), min_size=1, max_size=2)
    async with db.connection() as conn:
        rows = await conn.fetch("SELECT id, organization_id FROM entry ORDER BY created_at, id")
        entries = await get_entries(conn, [r["id"] for r in rows])
        organizations = await get_organizations(
            conn, [r["organization_id"] for r in rows if r["organization_id"]]
        )
        known = {c.code: c for c in await list_categories(conn)}
    await db.close()
    moment = datetime(2020, 2, 1, 8, 30, tzinfo=UTC)
    lines = []
    for position, row in enumerate(rows):
        entry = entries[row["id"]]
        organization = organizations.get(entry.draft.organization_id)  # type: ignore[arg-type]
        for status in VerificationStatus:
            shown = dataclasses.replace(entry, verification_status=status)
            event = LiveEvent(
                position, position, entry.id, entry.kind.value, EventType.UPDATED, moment
            )
            lines.append(event_payload(event, shown, organization))
    (out / "webhooks.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    documents = [
        repr(entry_document(entries[r["id"]], organizations.get(r["organization_id"]), known))
        for r in rows
    ]
    (out / "search.txt").write_text("\n".join(documents) + "\n")
    await _plans(dsn, out)


async def _plans(dsn: str, out: Path) -> None:
    """The exports read back by the import planner, and a sheet of odd cells per dataset."""
    db = await Database.connect(_database(dsn), min_size=1, max_size=2)
    async with db.connection() as conn:
        known = {c.code: c for c in await list_categories(conn) if not c.deprecated}
    await db.close()
    context = ImportContext(known, date(2020, 2, 1), "golden.csv", None)
    text = []
    for dataset in Dataset:
        mapping = mapping_for(dataset)
        odd = [
            (1, list(column_keys(dataset))),
            (2, ["??"] * len(column_keys(dataset))),
            (3, ["湖北省" if key == "province" else "" for key in column_keys(dataset)]),
            (4, [f"{key} -1 x" for key in column_keys(dataset)]),
        ]
        sheets: list[tuple[str, list[tuple[int, list[object]]]]] = [("odd", odd)]  # type: ignore[list-item]
        for name in ("wide.en.csv", "wide.zh.csv", "wide.en.hxl.csv"):
            data = (out / f"{dataset.value}.{name}").read_bytes().split(b"\n", 1)[1]
            sheets.append((name, read_table(data, "golden.csv").rows))
        for name, rows in sheets:
            plan = plan_import(read_sheet(rows, mapping), context)
            # By field name: the details' field order is the registry's, not the data's.
            shown = pprint.pformat(dataclasses.asdict(plan), width=100, sort_dicts=True)
            text.append(f"== {dataset.value} {name}\n{shown}")
    (out / "imports.txt").write_text("\n".join(text) + "\n")


async def write(dsn: str, out: Path) -> None:
    """Every entry written back as it reads: the detail tables must come out as they were."""
    db = await Database.connect(_database(dsn), min_size=1, max_size=2)
    async with db.connection() as conn:
        # Rolled back: the database stays as `load` made it.
        transaction = conn.transaction()
        await transaction.start()
        before = await _tables(conn)
        rows = await conn.fetch("SELECT id FROM entry ORDER BY created_at, id")
        entries = await get_entries(conn, [r["id"] for r in rows])
        for entry in entries.values():
            await update_entry(
                conn, entry.id, entry.draft, status=entry.status, expires_at=entry.expires_at
            )
        after = await _tables(conn)
        await transaction.rollback()
    await db.close()
    (out / "tables.before.txt").write_text(before)
    (out / "tables.after.txt").write_text(after)


async def _tables(conn: asyncpg.Connection) -> str:  # type: ignore[type-arg]
    text = []
    for table in DETAIL_TABLES:
        rows = await conn.fetch(f"SELECT * FROM {table} ORDER BY entry_id")  # noqa: S608
        text += [f"{table} {dict(r)}" for r in rows]
    rows = await conn.fetch("SELECT id, kind, urgency FROM entry ORDER BY id")
    text += [f"entry {dict(r)}" for r in rows]
    return "\n".join(text) + "\n"


def compare(before: Path, after: Path) -> int:
    """Which files differ; for webhook bodies that differ, whether they are equal as JSON."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differing = 0
    for name in names:
        old, new = (before / name).read_bytes(), (after / name).read_bytes()
        if old == new:
            continue
        differing += 1
        if name == "webhooks.jsonl":
            pairs = list(zip(old.splitlines(), new.splitlines(), strict=True))
            changed = [(a, b) for a, b in pairs if a != b]
            same = all(json.loads(a) == json.loads(b) for a, b in changed)
            print(
                f"{name}: {len(changed)} of {len(pairs)} bodies differ in bytes; "
                f"{'all equal' if same else 'NOT all equal'} as JSON"
            )
        else:
            print(f"{name}: differs")
    print(f"{len(names) - differing} of {len(names)} files identical")
    return 0


def main() -> int:
    command, dsn, *rest = sys.argv[1:]
    if command == "compare":
        return compare(Path(dsn), Path(rest[0]))
    if rest:
        Path(rest[0]).mkdir(parents=True, exist_ok=True)
    if command == "load":
        asyncio.run(load(dsn))
    elif command == "dump":
        asyncio.run(dump(dsn, Path(rest[0])))
    elif command == "write":
        asyncio.run(write(dsn, Path(rest[0])))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
