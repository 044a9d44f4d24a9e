"""`hub import FILE --kind ...`: read a spreadsheet, import it, print and save the report.

Exit codes: 0 imported (or, with --dry-run, importable) with no rejected row; 1 rows were
rejected (nothing written unless --skip-invalid); 2 the command, the file or the mapping is
unusable.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hub.domain.open_data import Dataset
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.domain.imports.mapping import ColumnMapping
    from hub.services.imports import ImportReport

KINDS = tuple(dataset.value for dataset in Dataset)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `hub import`."""
    parser.add_argument("file", type=Path, help="a .csv or .xlsx file")
    parser.add_argument("--kind", required=True, choices=KINDS, help="what the rows are")
    parser.add_argument(
        "--mapping", type=Path, help="a JSON column mapping extending schema/imports's default"
    )
    parser.add_argument("--sheet", help="the XLSX sheet to read (default: the first)")
    parser.add_argument(
        "--dry-run", action="store_true", help="check and report everything, write nothing"
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write the valid rows and report the rest (default: all or nothing)",
    )
    parser.add_argument("--report", type=Path, help="write every rejected row and warning here")
    parser.add_argument(
        "--source", help="source note for rows without a 来源 column (default: file and row)"
    )


def _fail(message: str) -> int:
    print(f"hub import: {message}", file=sys.stderr)
    return 2


def run(settings: Settings, args: argparse.Namespace) -> int:
    """The handler of `hub import`."""
    # Imported here: `hub --help` and the other commands need none of it.
    from hub.cli_support import database
    from hub.domain.imports.sheet import NoHeader
    from hub.imports.mappings import mapping_for
    from hub.imports.readers import FileError, read_table
    from hub.imports.report import report_csv, summary

    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as error:
        return _fail(f"cannot read {path}: {error.strerror or error}")
    dataset = Dataset(args.kind)
    try:
        mapping = mapping_for(dataset, args.mapping)
        table = read_table(data, path.name, args.sheet)
    except FileError as error:
        return _fail(str(error))
    with database(settings) as ready:
        try:
            report = asyncio.run(
                _import(ready, args, table.rows, mapping, hashlib.sha256(data).hexdigest())
            )
        except NoHeader:
            return _fail(
                "no header row found: none of the first rows names two known columns "
                "(see schema/imports/default-mapping.json, or give --mapping)"
            )
    print(summary(report))
    if args.report is not None:
        try:
            args.report.write_text(report_csv(report), encoding="utf-8-sig")
        except OSError as error:
            return _fail(f"cannot write the report {args.report}: {error.strerror or error}")
        print(f"report: {args.report}")
    return 1 if report.rejected else 0


async def _import(
    settings: Settings,
    args: argparse.Namespace,
    rows: list[tuple[int, list[object]]],
    mapping: ColumnMapping,
    sha256: str,
) -> ImportReport:
    from hub.cli_support import ProgressBar
    from hub.services.imports import IMPORT_ACTOR, import_rows
    from hub.store.db import Database
    from hub.store.migrate import migrate_database

    await migrate_database(settings.migrate_dsn())
    db = await Database.connect(settings.dsn(), min_size=1, max_size=1)
    # A bar only for a person watching; logs and pipes get the summary alone.
    progress = ProgressBar(f"importing {args.file.name}") if sys.stderr.isatty() else None
    try:
        return await import_rows(
            db,
            rows,
            mapping,
            file_name=args.file.name,
            sha256=sha256,
            lifetimes=settings.entry_lifetimes(),
            actor=IMPORT_ACTOR,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            source=args.source,
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.finish()
        await db.close()
