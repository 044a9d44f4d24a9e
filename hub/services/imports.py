"""Importing a spreadsheet: every row checked, then the whole file written in ONE transaction.

All or nothing: when any record is rejected nothing is written, unless `skip_invalid`, which
writes the valid records and reports the rest. A dry run does everything, then rolls back, so
that it reports what a real run would (failures the database itself raises included).
Entries are written in batches (COPY, a few statements per batch), each under a savepoint;
a batch the database refuses is written again one record per savepoint, so that only the
records it refuses are reported, not the whole file.

Imported entries start PENDING (in the review queue like any submission) with their CREATED
event and audit record; the import itself is audited once (file name, sha256, counts). An id
already in the hub is skipped and reported, so importing a file twice writes it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.duplicates import RecentWindow
from hub.domain.imports.build import plan_import
from hub.domain.imports.mapping import ColumnMapping
from hub.domain.imports.plan import EntryPlan, ImportContext, OrganizationPlan, Plan
from hub.domain.imports.problems import ImportCode, RowProblem
from hub.domain.imports.sheet import read_sheet
from hub.domain.model import OrganizationDraft
from hub.domain.open_data import Dataset
from hub.services.audit import audit
from hub.services.entries import Lifetimes, NewEntry
from hub.services.entries import create_in as create_entry_in
from hub.services.entries import create_many_in as create_entries_in
from hub.services.organizations import create_in as create_organization_in
from hub.services.organizations import create_many_in as create_organizations_in
from hub.store import audit as audit_store
from hub.store import categories, duplicates
from hub.store import imports as store
from hub.store.db import Connection, Database

IMPORT_ACTOR = Viewer(handle="import")
# What a writer knows (organizations by name, ids present), kept across a batch's savepoint.
_Memory = tuple[dict[tuple[str, str], UUID], set[UUID], set[UUID]]
Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    dataset: Dataset
    file_name: str
    sha256: str
    rows: int = 0
    # Records (entries or organizations) that passed every check.
    valid: int = 0
    # Records written; 0 in a dry run and when rejections stopped the whole file.
    imported: int = 0
    # Records skipped because their id (or organization) is in the hub already.
    skipped: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def rejected_rows(self) -> int:
        """How many rows were rejected."""
        return len({problem.row for problem in self.rejected})


class _RollBack(Exception):
    """Leaves the transaction without committing (dry run, or rejections without skipping)."""


def _rows_label(numbers: Sequence[int]) -> str:
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"


class _Writer:
    """Writes the plans of one file on one connection, remembering organizations it met."""

    def __init__(
        self,
        conn: Connection,
        report: ImportReport,
        lifetimes: Lifetimes,
        actor: Viewer,
    ) -> None:
        self.conn = conn
        self.report = report
        self.lifetimes = lifetimes
        self.actor = actor
        self.organizations: dict[tuple[str, str], UUID] = {}
        self.present_entries: set[UUID] = set()
        self.present_organizations: set[UUID] = set()
        # The newest entries per kind and province, for the duplicate scan of batches.
        self.window = RecentWindow()

    def remember(self) -> _Memory:
        """What the writer knows now, to go back to when a batch rolls back."""
        return (
            dict(self.organizations),
            set(self.present_entries),
            set(self.present_organizations),
        )

    def forget_since(self, memory: _Memory) -> None:
        """Go back to `memory`; the windows are read again from the database."""
        self.organizations, self.present_entries, self.present_organizations = memory
        self.window.clear()

    async def look_up(self, plan: Plan) -> None:
        """Ask once for every id and organization the file names."""
        entry_ids = [p.given_id for p in plan.entries if p.given_id]
        organization_ids = [p.given_id for p in plan.organizations if p.given_id] + [
            p.organization.given_id
            for p in plan.entries
            if p.organization is not None and p.organization.given_id
        ]
        keys = [p.organization.key for p in plan.entries if p.organization is not None]
        keys += [
            (p.draft.name.strip(), p.draft.region.province.strip()) for p in plan.organizations
        ]
        self.present_entries = await store.present_entry_ids(self.conn, entry_ids)
        self.present_organizations = await store.present_organization_ids(
            self.conn, organization_ids
        )
        self.organizations = await store.organizations_by_name(self.conn, keys)

    def _skip(self, rows: Sequence[int], column: str, value: str) -> None:
        self.report.skipped += 1
        self.report.warnings.append(
            RowProblem(rows[0], column, value, ImportCode.ALREADY_PRESENT, {"value": value})
        )

    async def entry(self, plan: EntryPlan, header: Callable[[str], str]) -> bool:
        """Write one entry (and its new organization); False when it was skipped."""
        if plan.given_id is not None and plan.given_id in self.present_entries:
            self._skip(plan.rows, header("id"), str(plan.given_id))
            return False
        draft = plan.draft
        new_organization = None
        created_key = None
        if plan.organization is not None:
            ref = plan.organization
            if ref.given_id is not None and ref.given_id in self.present_organizations:
                organization_id = ref.given_id
            elif ref.key in self.organizations:
                organization_id = self.organizations[ref.key]
            else:
                new_organization = ref.draft
                organization = await create_organization_in(
                    self.conn, ref.draft, None, self.actor, organization_id=ref.given_id
                )
                organization_id = organization.id
                created_key = ref.key
            draft = replace(draft, organization_id=organization_id)
        await create_entry_in(
            self.conn,
            plan.given_id or uuid.uuid4(),
            draft,
            self.lifetimes,
            self.actor,
            None,
            new_organization,
            extra=self._extra(plan),
        )
        if created_key is not None and draft.organization_id is not None:
            self.organizations[created_key] = draft.organization_id
            if plan.organization is not None and plan.organization.given_id:
                self.present_organizations.add(plan.organization.given_id)
        if plan.given_id is not None:
            self.present_entries.add(plan.given_id)
        return True

    async def entries(self, plans: Sequence[EntryPlan], header: Callable[[str], str]) -> int:
        """Write a run of entries (and their new organizations) as one batch, as `entry`
        writes each; how many were written (the others were skipped)."""
        organizations: list[tuple[UUID, OrganizationDraft]] = []
        batch: list[NewEntry] = []
        for plan in plans:
            if plan.given_id is not None and plan.given_id in self.present_entries:
                self._skip(plan.rows, header("id"), str(plan.given_id))
                continue
            draft = plan.draft
            new_organization = None
            if plan.organization is not None:
                ref = plan.organization
                if ref.given_id is not None and ref.given_id in self.present_organizations:
                    organization_id = ref.given_id
                elif ref.key in self.organizations:
                    organization_id = self.organizations[ref.key]
                else:
                    new_organization = ref.draft
                    organization_id = ref.given_id or uuid.uuid4()
                    organizations.append((organization_id, ref.draft))
                    self.organizations[ref.key] = organization_id
                    if ref.given_id is not None:
                        self.present_organizations.add(ref.given_id)
                draft = replace(draft, organization_id=organization_id)
            batch.append(
                NewEntry(plan.given_id or uuid.uuid4(), draft, new_organization, self._extra(plan))
            )
            if plan.given_id is not None:
                self.present_entries.add(plan.given_id)
        if organizations:
            await create_organizations_in(self.conn, organizations, self.actor)
        if batch:
            await create_entries_in(self.conn, batch, self.lifetimes, self.actor, self.window)
        return len(batch)

    def _extra(self, plan: EntryPlan) -> dict[str, object]:
        source: dict[str, object] = {
            "file": self.report.file_name,
            "rows": _rows_label(plan.rows),
        }
        if plan.sheet_updated_at is not None:
            source["sheetUpdatedAt"] = plan.sheet_updated_at.astimezone(UTC).isoformat()
        return {"import": source}

    async def organization(self, plan: OrganizationPlan, header: Callable[[str], str]) -> bool:
        """Register one organization; False when it is in the hub already."""
        key = plan.key
        if plan.given_id is not None and plan.given_id in self.present_organizations:
            self._skip(plan.rows, header("id"), str(plan.given_id))
            return False
        if key in self.organizations:
            self._skip(plan.rows, header("name"), plan.draft.name)
            return False
        organization = await create_organization_in(
            self.conn, plan.draft, None, self.actor, organization_id=plan.given_id
        )
        self.organizations[key] = organization.id
        if plan.given_id is not None:
            self.present_organizations.add(plan.given_id)
        return True


async def import_rows(
    db: Database,
    table: Sequence[tuple[int, Sequence[object]]],
    mapping: ColumnMapping,
    *,
    file_name: str,
    sha256: str,
    lifetimes: Lifetimes,
    actor: Viewer = IMPORT_ACTOR,
    dry_run: bool = False,
    skip_invalid: bool = False,
    source: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import the rows of one file (see the module's docstring); raises NoHeader when no row
    of the first ones is a header."""
    sheet = read_sheet(table, mapping)
    report = ImportReport(mapping.dataset, file_name, sha256, rows=len(sheet.rows), dry_run=dry_run)
    try:
        async with db.transaction() as conn:
            known = {c.code: c for c in await categories.list_categories(conn) if not c.deprecated}
            context = ImportContext(
                known, today or datetime.now(UTC).date(), file_name, source or None
            )
            plan = plan_import(sheet, context)
            if dry_run:
                # Nothing of a dry run is kept: it locks nothing, and waits for no one.
                duplicates.rehearse(conn)
            else:
                # The windows of the file's kinds and provinces, before anything is written:
                # each entry's duplicate scan then sees every entry committed before it (see
                # create_many_in), and submissions elsewhere go on. The audit records of the
                # file go on their chains together at the end.
                await duplicates.lock_windows(
                    conn, {(p.draft.kind, p.draft.region.province) for p in plan.entries}
                )
            report.warnings += plan.warnings
            writer = _Writer(conn, report, lifetimes, actor)
            await writer.look_up(plan)
            await _write_all(writer, plan, sheet.header, report, progress)
            if dry_run or (report.rejected and not skip_invalid):
                raise _RollBack
            report.imported = report.valid
            await audit(
                conn,
                actor,
                "import.completed",
                "IMPORT",
                None,
                extra={
                    "file": file_name,
                    "sha256": sha256,
                    "dataset": mapping.dataset.value,
                    "rows": report.rows,
                    "imported": report.imported,
                    "skipped": report.skipped,
                    "rejectedRows": report.rejected_rows,
                },
            )
            report.written = True
    except _RollBack:
        report.imported = 0
    return report


# Entries written together: a batch the database refuses is written again one by one, so
# that only its bad records are rejected.
BATCH = 1000


async def _write_all(
    writer: _Writer,
    plan: Plan,
    header: Callable[[str], str],
    report: ImportReport,
    progress: Progress | None,
) -> None:
    records = plan.records
    run: list[EntryPlan] = []
    done = 0

    async def write_run() -> None:
        nonlocal done
        if run:
            await _write_batch(writer, run, header, report)
            done += len(run)
            run.clear()
            if progress is not None:
                progress(done, len(records))

    for record in records:
        if not record.valid:
            report.rejected += record.problems
            done += 1
        elif isinstance(record, EntryPlan):
            run.append(record)
            if len(run) >= BATCH:
                await write_run()
            continue
        else:
            await write_run()
            await _write_one(writer, record, header, report)
            done += 1
        if progress is not None:
            progress(done, len(records))
    await write_run()
    report.rejected.sort(key=lambda problem: problem.row)


async def _write_batch(
    writer: _Writer, run: Sequence[EntryPlan], header: Callable[[str], str], report: ImportReport
) -> None:
    """A run of entries in one savepoint; one by one when the database refuses the batch."""
    memory = writer.remember()
    queued = audit_store.waiting(writer.conn)
    try:
        async with writer.conn.transaction():
            written = await writer.entries(run, header)
    except store.REFUSED:
        audit_store.forget_after(writer.conn, queued)
        writer.forget_since(memory)
        for record in run:
            await _write_one(writer, record, header, report)
    else:
        report.valid += written


async def _write_one(
    writer: _Writer,
    record: EntryPlan | OrganizationPlan,
    header: Callable[[str], str],
    report: ImportReport,
) -> None:
    """One record under its own savepoint: one the database refuses takes nothing else with
    it, and is reported."""
    queued = audit_store.waiting(writer.conn)
    try:
        async with writer.conn.transaction():
            if isinstance(record, EntryPlan):
                wrote = await writer.entry(record, header)
            else:
                wrote = await writer.organization(record, header)
    except store.REFUSED as error:
        # Nor does its audit record, waiting for the end of the transaction.
        audit_store.forget_after(writer.conn, queued)
        report.rejected += [
            RowProblem(
                number,
                "",
                "",
                ImportCode.DATABASE_REFUSED,
                {"reason": type(error).__name__},
            )
            for number in record.rows
        ]
    else:
        report.valid += int(wrote)
        # The one-by-one path writes past the windows: read them again when next needed.
        writer.window.clear()
