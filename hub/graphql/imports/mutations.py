"""importEntries: a coordinator uploads a spreadsheet (multipart request) to import it.

The same import as `hub import` (hub.services.imports): all or nothing unless skipInvalid, a
dry run that writes nothing, every rejected row reported with its reason. Uploads are
multipart requests, which the view accepts only with a bearer token or an
Apollo-Require-Preflight header (hub.http.graphql_view.upload_allowed), so that a cross-site
form cannot make a coordinator's browser import a file.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from hub.domain.errors import ErrorCode as DomainErrorCode
from hub.domain.errors import UserError as DomainUserError
from hub.domain.imports.mapping import MappingError
from hub.domain.imports.problems import RowProblem
from hub.domain.imports.sheet import NoHeader
from hub.domain.open_data import Dataset
from hub.graphql.common import UserError
from hub.graphql.context import Info
from hub.graphql.permissions import guarded_mutation
from hub.graphql.views import view_of
from hub.imports.mappings import mapping_for
from hub.imports.readers import FileError, read_table
from hub.services.imports import ImportReport, import_rows

# What an import reads is what the open-data exports write: a dataset.
strawberry.enum(
    Dataset, name="ImportKind", description="What the rows of an imported spreadsheet are."
)


@strawberry.input(description="A spreadsheet to import (CSV or XLSX), as a multipart upload.")
class ImportEntriesInput:
    kind: Dataset
    file: Upload = strawberry.field(
        description="The file: CSV (UTF-8 or GB18030) or XLSX, at most HUB_MAX_IMPORT_BYTES."
    )
    dry_run: bool = strawberry.field(
        default=False, description="Check and report everything; write nothing."
    )
    skip_invalid: bool = strawberry.field(
        default=False,
        description="Write the valid rows and report the rest (default: all or nothing).",
    )
    source: str | None = strawberry.field(
        default=None, description="Source note for rows of a file without a 来源 column."
    )


@strawberry.type(description="A row problem: rejected (nothing of its entry written) or a note.")
class ImportRowProblem:
    row: int = strawberry.field(description="The row number as the spreadsheet shows it.")
    column: str = strawberry.field(description="The column's header in the file.")
    value: str = strawberry.field(description="The cell's value (contact details masked).")
    code: str = strawberry.field(
        description="Stable code: a UserErrorCode (REQUIRED, TOO_LONG, ...) or an import's own "
        "(UNREADABLE_QUANTITY, UNKNOWN_PROVINCE, ALREADY_PRESENT, ...)."
    )
    message: str = strawberry.field(description="In the language of Accept-Language.")

    @classmethod
    def of(cls, problem: RowProblem, language: str) -> ImportRowProblem:
        """The API's view of a row problem."""
        return view_of(cls, problem, code=problem.code.value, message=problem.message(language))


@strawberry.type
class ImportEntriesPayload:
    imported: int = strawberry.field(
        description="Entries (or organizations) written; 0 in a dry run or when rows were "
        "rejected without skipInvalid."
    )
    valid: int = strawberry.field(description="Entries (or organizations) that passed every check.")
    skipped: int = strawberry.field(description="Already in the hub (by id or name): not written.")
    rows: int = strawberry.field(description="Data rows read.")
    rejected_rows: list[ImportRowProblem]
    warnings: list[ImportRowProblem]
    user_errors: list[UserError]


def _payload(
    report: ImportReport | None, language: str, errors: list[UserError]
) -> ImportEntriesPayload:
    if report is None:
        return ImportEntriesPayload(
            imported=0,
            valid=0,
            skipped=0,
            rows=0,
            rejected_rows=[],
            warnings=[],
            user_errors=errors,
        )
    return ImportEntriesPayload(
        imported=report.imported,
        valid=report.valid,
        skipped=report.skipped,
        rows=report.rows,
        rejected_rows=[ImportRowProblem.of(p, language) for p in report.rejected],
        warnings=[ImportRowProblem.of(p, language) for p in report.warnings],
        user_errors=errors,
    )


def _file_error(expected: str, language: str) -> list[UserError]:
    return UserError.list_of(
        [DomainUserError("file", DomainErrorCode.INVALID_FORMAT, {"expected": expected})],
        language,
    )


@strawberry.type
class ImportMutation:
    @guarded_mutation(
        "Import a spreadsheet of needs, offers, logistics, lodging or organizations "
        "(coordinators). Entries start PENDING, in the review queue."
    )
    async def import_entries(self, info: Info, input: ImportEntriesInput) -> ImportEntriesPayload:
        ctx = info.context
        upload: Any = input.file
        limit = ctx.settings.max_import_bytes
        if not hasattr(upload, "read"):
            return _payload(
                None, ctx.language, _file_error("a file sent as a multipart upload", ctx.language)
            )
        try:
            data = await upload.read(limit + 1)
        finally:
            await upload.close()
        if len(data) > limit:
            return _payload(
                None,
                ctx.language,
                _file_error(f"a CSV or XLSX file of at most {limit} bytes", ctx.language),
            )
        name = str(getattr(upload, "filename", None) or "upload")[:200]
        try:
            mapping = mapping_for(input.kind)
            # Parsing a workbook is CPU work: off the event loop.
            table = await asyncio.to_thread(read_table, data, name)
            report = await import_rows(
                ctx.db,
                table.rows,
                mapping,
                file_name=name,
                sha256=hashlib.sha256(data).hexdigest(),
                lifetimes=ctx.lifetimes,
                actor=ctx.viewer,
                dry_run=input.dry_run,
                skip_invalid=input.skip_invalid,
                source=(input.source or "").strip()[:200] or None,
            )
        except (FileError, MappingError) as error:
            return _payload(None, ctx.language, _file_error(str(error), ctx.language))
        except NoHeader:
            return _payload(
                None,
                ctx.language,
                _file_error("a header row naming at least two known columns", ctx.language),
            )
        return _payload(report, ctx.language, [])
