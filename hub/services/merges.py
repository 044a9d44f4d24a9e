"""Merging duplicate entries (coordinators): the duplicates close, every history stays."""

from __future__ import annotations

from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.enums import EntryStatus, EventType
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Entry
from hub.services.entries import record_change
from hub.services.outcome import Outcome, explained
from hub.store import duplicates
from hub.store import entries as entry_store
from hub.store.db import Database

MAX_MERGE = 20


async def merge_entries(
    db: Database, coordinator: Viewer, keep_id: UUID, duplicate_ids: list[UUID]
) -> Outcome[Entry]:
    """Close each duplicate as merged into `keep_id`, on the record."""
    ids = list(dict.fromkeys(duplicate_ids))
    if not ids:
        return Outcome.failed([UserError("duplicateIds", ErrorCode.REQUIRED)])
    if len(ids) > MAX_MERGE:
        return Outcome.failed([UserError("duplicateIds", ErrorCode.TOO_MANY, {"max": MAX_MERGE})])
    if keep_id in ids:
        return Outcome.failed(
            [
                explained(
                    "duplicateIds",
                    ErrorCode.INVALID_COMBINATION,
                    "保留的条目不能同时是重复项。",
                    "The entry to keep cannot be one of the duplicates.",
                )
            ]
        )
    async with db.transaction() as conn:
        keep = await entry_store.lock_entry(conn, keep_id)
        if keep is None or keep[0].status is EntryStatus.CLOSED:
            return Outcome.failed([UserError("keepId", ErrorCode.NOT_FOUND)])
        for position, duplicate_id in enumerate(ids):
            found = await entry_store.lock_entry(conn, duplicate_id)
            field = f"duplicateIds.{position}"
            if found is None or found[0].status is EntryStatus.CLOSED:
                return Outcome.failed([UserError(field, ErrorCode.NOT_FOUND)])
            if found[0].kind is not keep[0].kind:
                return Outcome.failed(
                    [
                        explained(
                            field,
                            ErrorCode.INVALID_COMBINATION,
                            "只能合并同类条目。",
                            "Only entries of the same kind can be merged.",
                        )
                    ]
                )
        for duplicate_id in ids:
            before = (await entry_store.get_entries(conn, [duplicate_id]))[duplicate_id]
            await duplicates.merge_into(conn, duplicate_id, keep_id)
            merged = (await entry_store.get_entries(conn, [duplicate_id]))[duplicate_id]
            await record_change(
                conn,
                merged,
                EventType.STATUS_CHANGED,
                coordinator,
                "entry.merged",
                before=before,
                extra={"mergedInto": str(keep_id)},
            )
        kept = (await entry_store.get_entries(conn, [keep_id]))[keep_id]
        await record_change(
            conn,
            kept,
            EventType.UPDATED,
            coordinator,
            "entry.merge_kept",
            extra={"merged": [str(i) for i in ids]},
        )
    return Outcome(kept)
