"""Merging an organization registered twice (coordinators): the copy's entries, staff, pending
claims, pledges and the contacts the kept one lacks move to the kept one; the copy stays, marked
merged_into, with its history. Everything is on the audit trail, as entry merges are."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.audit import snapshot
from hub.domain.enums import EventType
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Organization
from hub.domain.organization_matches import carried_contacts
from hub.domain.validation import MAX_CONTACTS
from hub.services.audit import audit
from hub.services.entries import record_change
from hub.services.organizations import organization_payload
from hub.services.outcome import Outcome, explained
from hub.store import entries as entry_store
from hub.store import organizations as store
from hub.store.db import Database
from hub.store.outbox import record_event


async def merge_organizations(
    db: Database, coordinator: Viewer, merged_id: UUID, kept_id: UUID
) -> Outcome[Organization]:
    """Merge `merged_id` into `kept_id`, on the record; the kept organization as it now is."""
    if merged_id == kept_id:
        return Outcome.failed(
            [
                explained(
                    "fromId",
                    ErrorCode.INVALID_COMBINATION,
                    "不能把机构合并到它自己。",
                    "An organization cannot be merged into itself.",
                )
            ]
        )
    async with db.transaction() as conn:
        locked = await store.lock_pair(conn, merged_id, kept_id)
        for field, organization_id in (("fromId", merged_id), ("intoId", kept_id)):
            if organization_id not in locked:
                return Outcome.failed([UserError(field, ErrorCode.NOT_FOUND)])
            if locked[organization_id][0].merged_into is not None:
                return Outcome.failed(
                    [
                        explained(
                            field,
                            ErrorCode.INVALID_STATE,
                            "该机构已被合并到另一机构。",
                            "This organization was merged into another already.",
                        )
                    ]
                )
        merged, kept = locked[merged_id][0], locked[kept_id][0]
        phones = await store.phone_keys_of(conn, kept_id)
        contacts = carried_contacts(
            merged.draft.contacts, phones, kept.draft.contacts, MAX_CONTACTS
        )
        if contacts != kept.draft.contacts:
            kept_after = await store.update_organization(
                conn, kept_id, replace(kept.draft, contacts=contacts)
            )
        else:
            kept_after = kept
        before = await entry_store.get_entries(conn, await store.entries_of(conn, merged_id))
        moved = await store.move_to(conn, merged_id, kept_id)
        after = await entry_store.get_entries(conn, moved.entries)
        for entry_id, entry in after.items():
            await record_change(
                conn,
                entry,
                EventType.UPDATED,
                coordinator,
                "entry.organization_merged",
                before=before.get(entry_id),
                extra={"organizationFrom": str(merged_id), "organizationInto": str(kept_id)},
            )
        merged_after = (await store.get_organizations(conn, [merged_id]))[merged_id]
        await record_event(
            conn, merged_id, "ORGANIZATION", EventType.STATUS_CHANGED,
            organization_payload(merged_after),
        )  # fmt: skip
        await audit(
            conn,
            coordinator,
            "organization.merged",
            "ORGANIZATION",
            merged_id,
            before=snapshot(merged.draft),
            after=snapshot(merged_after.draft),
            extra={"mergedInto": str(kept_id)},
        )
        await record_event(
            conn, kept_id, "ORGANIZATION", EventType.UPDATED, organization_payload(kept_after)
        )
        await audit(
            conn,
            coordinator,
            "organization.merge_kept",
            "ORGANIZATION",
            kept_id,
            before=snapshot(kept.draft),
            after=snapshot(kept_after.draft),
            extra={
                "merged": str(merged_id),
                "entries": len(moved.entries),
                # Named, not counted: the copy's staff now speak for the kept one (a
                # coordinator's merge vouches for them), which a later review may question.
                "members": [str(m) for m in moved.members],
                "claims": moved.claims,
                "pledges": moved.pledges,
            },
        )
    return Outcome(kept_after)
