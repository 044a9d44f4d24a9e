"""Submitting, changing and closing entries."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from hub.domain.accounts import ANONYMOUS, Role, Viewer, may_edit
from hub.domain.audit import snapshot
from hub.domain.completeness import may_complete
from hub.domain.contact_keys import phone_keys
from hub.domain.contacts import normalised_entry, normalised_organization
from hub.domain.duplicates import (
    Candidate,
    Profile,
    RecentWindow,
    likely_duplicates,
    profile_of,
)
from hub.domain.edit_tokens import new_edit_token, token_matches
from hub.domain.enums import EntryKind, EntryStatus, EventType
from hub.domain.errors import ErrorCode, UserError
from hub.domain.lifecycle import (
    check_editable,
    check_status_change,
    event_for_update,
    expires_at,
    substance_changed,
)
from hub.domain.model import Entry, EntryDraft, OrganizationDraft
from hub.domain.organization_matches import carried_contacts
from hub.domain.pledges import (
    check_item_edit,
    delivered_by_position,
    promised_by_position,
    proposed_by_position,
    reserved_by_position,
)
from hub.domain.region_drafts import place_entry, place_organization
from hub.domain.validation import MAX_CONTACTS, validate_entry, validate_organization
from hub.domain.verification import Action, transition
from hub.services.audit import audit
from hub.services.organizations import create_in as create_organization_in
from hub.services.outcome import Forbidden, Outcome, Refusal, explained, refusals_fail
from hub.store import (
    categories,
    duplicates,
    members,
    organizations,
    pledges,
    provenance,
    reconfirmation,
    reviews,
)
from hub.store import entries as store
from hub.store.db import Connection, Database, before_commit
from hub.store.outbox import record_event, record_events

Lifetimes = dict[EntryKind, int]
# The audit action of a new entry (the duplicate scan looks for it on the chain).
SUBMITTED = "entry.submitted"
# A patch turns the current entry into its new content and status.
EntryPatch = Callable[[Entry], tuple[EntryDraft, EntryStatus]]


def audit_state(entry: Entry) -> dict[str, Any]:
    """What the audit trail compares before and after a change (protected values redacted)."""
    return {
        **snapshot(entry.draft),
        "status": entry.status.value,
        "verificationStatus": entry.verification_status.value,
    }


async def record_change(
    conn: Connection,
    entry: Entry,
    event: EventType,
    actor: Viewer | None,
    action: str,
    *,
    before: Entry | None = None,
    extra: dict[str, Any] | None = None,
    reason: str | None = None,
    via_token: bool = False,
) -> None:
    """The outbox event and the audit record of a change, in the change's transaction."""
    await record_event(conn, entry.id, entry.kind.value, event, entry_payload(entry))
    await audit(
        conn,
        actor,
        action,
        entry.kind.value,
        entry.id,
        before=audit_state(before) if before else None,
        after=audit_state(entry),
        extra=extra,
        reason=reason,
        via_token=via_token,
    )


def entry_payload(entry: Entry) -> dict[str, Any]:
    """The outbox payload of an entry event: no contacts, ever."""
    return {
        "version": entry.version,
        "status": entry.status.value,
        "verificationStatus": entry.verification_status.value,
        "province": entry.draft.region.province,
        "city": entry.draft.region.city,
        "organizationId": str(entry.draft.organization_id) if entry.draft.organization_id else None,
    }


async def _check_organization(conn: Connection, organization_id: UUID | None) -> list[UserError]:
    if organization_id is None:
        return []
    found = await organizations.get_organizations(conn, [organization_id])
    return [] if organization_id in found else [UserError("organizationId", ErrorCode.NOT_FOUND)]


async def submit_entry(
    db: Database,
    draft: EntryDraft,
    lifetimes: Lifetimes,
    new_organization: OrganizationDraft | None = None,
    actor: Viewer = ANONYMOUS,
    reconfirmation_days: int = 30,
    links: frozenset[bytes] = frozenset(),
) -> Outcome[Entry]:
    """Publish an entry (PENDING), registering its new organization in the same transaction.

    The poster gets an edit token and a reconfirmation link secret (see reconfirmation).
    `links` (hub/domain/provenance.py) are remembered so that no reviewer tied to them
    reviews it.
    """
    errors: list[UserError] = []
    draft, contacts = normalised_entry(draft)
    warnings = list(contacts.warnings)
    if new_organization is not None:
        new_organization, organization_contacts = normalised_organization(
            new_organization, "organization.contacts"
        )
        warnings += organization_contacts.warnings
        if draft.organization_id is not None:
            errors.append(
                explained(
                    "organization",
                    ErrorCode.INVALID_COMBINATION,
                    "请填写已有机构的编号或新机构的信息，不要同时填写。",
                    "Give either organizationId or organization, not both.",
                )
            )
        placed_organization = place_organization(new_organization, prefix="organization")
        new_organization = placed_organization.draft
        warnings += placed_organization.warnings
        errors += placed_organization.errors
        errors += organization_contacts.as_sent(
            validate_organization(new_organization, prefix="organization"),
            "organization.contacts",
        )
    # Regions in canonical form before anything reads them (hub/domain/region_drafts.py).
    placed = place_entry(draft)
    draft = placed.draft
    errors += placed.errors
    warnings += placed.warnings
    token, token_hash = new_edit_token()
    async with db.transaction() as conn:
        known = await categories.current_codes(conn)
        has_organization = draft.organization_id is not None or new_organization is not None
        errors += contacts.as_sent(validate_entry(draft, known, has_organization=has_organization))
        errors += await _check_organization(conn, draft.organization_id)
        if errors:
            return Outcome.failed(errors)
        if draft.organization_id is not None:
            # An organization merged into another is posted under the one kept.
            kept = await organizations.kept_for(conn, draft.organization_id)
            draft = _with_organization(draft, kept)
        reused = False
        if new_organization is not None:
            draft, reused = await _reuse_or_register(
                conn, draft, new_organization, token_hash, actor
            )
            if reused:
                new_organization = None  # the poster is the registered one, as named there
        entry = await create_in(
            conn, uuid.uuid4(), draft, lifetimes, actor, token_hash, new_organization
        )
        await provenance.record_links(conn, entry.id, links)
        link, link_hash = new_edit_token()
        await reconfirmation.insert_token(
            conn, link_hash, entry.id, datetime.now(UTC) + timedelta(days=reconfirmation_days)
        )
    return Outcome(
        entry,
        edit_token=token,
        reconfirmation_token=link,
        warnings=warnings,
        reused_organization=reused,
    )


async def _reuse_or_register(
    conn: Connection,
    draft: EntryDraft,
    new_organization: OrganizationDraft,
    token_hash: bytes,
    actor: Viewer,
) -> tuple[EntryDraft, bool]:
    """The draft under the organization it names: the registered exact match (reused: the
    entry's token opens only the entry, and contacts the organization lacks join the entry),
    else a new one sharing the entry's token. Whether it was reused."""
    existing = await organizations.same_organization(conn, new_organization)
    if existing is None:
        organization = await create_organization_in(conn, new_organization, token_hash, actor)
        return _with_organization(draft, organization.id), False
    phones = await organizations.phone_keys_of(conn, existing)
    contacts = carried_contacts(new_organization.contacts, phones, draft.contacts, MAX_CONTACTS)
    return replace(draft, organization_id=existing, contacts=contacts), True


async def create_in(
    conn: Connection,
    entry_id: UUID,
    draft: EntryDraft,
    lifetimes: Lifetimes,
    actor: Viewer,
    token_hash: bytes | None,
    new_organization: OrganizationDraft | None = None,
    extra: dict[str, Any] | None = None,
) -> Entry:
    """Insert a validated entry (PENDING) with its CREATED event, audit record and likely
    duplicates, in the caller's transaction (imports write a whole file in one)."""
    entry = await store.insert_entry(
        conn,
        entry_id,
        draft,
        expires_at=expires_at(draft.kind, datetime.now(UTC), lifetimes),
        edit_token_hash=token_hash,
        submitted_by=actor.user_id,
    )
    if await members.is_member(conn, actor.user_id, draft.organization_id):
        await members.mark_self_reported(conn, entry.id)
        entry = replace(entry, self_reported=True)
    await record_change(conn, entry, EventType.CREATED, actor, SUBMITTED, extra=extra)
    await _find_duplicates(conn, entry, new_organization)
    return entry


async def _find_duplicates(
    conn: Connection, entry: Entry, new_organization: OrganizationDraft | None
) -> None:
    """Note the recent entries this one likely repeats, for reviewers to merge or keep.

    The scan runs without a lock, so it misses entries that commit while it runs; a last step
    takes the lock of the kind's window in the province (held until COMMIT by every
    transaction adding to it) and compares the entries the window gained meanwhile. Of two
    entries submitted at once, the one that commits second finds the first.
    """
    draft = entry.draft
    if new_organization is not None:
        poster: str | None = new_organization.name
        organization_phones = frozenset().union(
            *(phone_keys(c.phone) for c in new_organization.contacts)
        )
    else:
        poster, organization_phones = await duplicates.organization_poster(
            conn, draft.organization_id
        )
        poster = poster or draft.provider_name
    mine = profile_of(Candidate(draft, poster, organization_phones))
    kind, province = entry.kind, draft.region.province
    late = not duplicates.holds_window(conn, kind, province)
    # Also entries of other provinces sharing a phone (a mistyped province); those committing
    # meanwhile are not looked for again below (the window's lock is the province's).
    others = dict(
        await duplicates.recent_in_province(conn, kind, province, entry.id, phones=mine.phones)
    )
    await _record_duplicates(conn, entry.id, mine, others)

    async def committed_meanwhile(c: Connection) -> None:
        await duplicates.lock_windows(c, [(kind, province)])
        since = await duplicates.unseen_in_window(c, kind, province, entry.id, others)
        await _record_duplicates(c, entry.id, mine, dict(since))

    if late:
        before_commit(conn, committed_meanwhile)


async def _record_duplicates(
    conn: Connection, entry_id: UUID, mine: Profile, others: dict[UUID, Profile]
) -> None:
    found = likely_duplicates(mine, {str(key): other for key, other in others.items()})
    await duplicates.record(conn, entry_id, [(UUID(key), score) for key, score in found])


@dataclass(frozen=True)
class NewEntry:
    """One entry of a batch (create_many_in)."""

    id: UUID
    draft: EntryDraft
    # The organization registered for it in the same batch: its name is the poster's.
    new_organization: OrganizationDraft | None = None
    extra: dict[str, Any] | None = None


async def create_many_in(
    conn: Connection,
    new: Sequence[NewEntry],
    lifetimes: Lifetimes,
    actor: Viewer,
    window: RecentWindow,
) -> list[Entry]:
    """create_in for a batch of validated entries without edit tokens (imports), in a few
    statements per batch instead of a dozen per entry. When the caller holds the windows of
    the batch's kinds and provinces (duplicates.lock_windows), nothing commits beside the
    batch there, and `window` holds the newest entries of each kind and province: the
    duplicate scan runs in memory, each entry compared with those before it, as create_in
    compares it with the database's."""
    if actor.user_id is not None or not all(
        duplicates.holds_window(conn, n.draft.kind, n.draft.region.province) for n in new
    ):
        # Members' entries are self-reported, one lookup each: the one-by-one path.
        return [
            await create_in(
                conn, n.id, n.draft, lifetimes, actor, None, n.new_organization, n.extra
            )
            for n in new
        ]
    for kind, province in {(n.draft.kind, n.draft.region.province) for n in new}:
        if not window.has(kind, province):
            # Read before the batch is written: an entry is compared with those before it.
            recent = await duplicates.recent_in_province(conn, kind, province, uuid.UUID(int=0))
            window.load(kind, province, [(str(key), profile) for key, profile in recent])
    now = datetime.now(UTC)
    written = await store.insert_entries(
        conn, [(n.id, n.draft, expires_at(n.draft.kind, now, lifetimes)) for n in new]
    )
    entries = [written[n.id] for n in new]
    await record_events(
        conn, [(e.id, e.kind.value, EventType.CREATED, entry_payload(e)) for e in entries]
    )
    for entry, item in zip(entries, new, strict=True):
        await audit(
            conn,
            actor,
            SUBMITTED,
            entry.kind.value,
            entry.id,
            after=audit_state(entry),
            extra=item.extra,
        )
    names = await duplicates.organization_names(
        conn,
        list(
            {
                e.draft.organization_id
                for e, n in zip(entries, new, strict=True)
                if n.new_organization is None and e.draft.organization_id is not None
            }
        ),
    )
    found: list[tuple[UUID, UUID, float]] = []
    for entry, item in zip(entries, new, strict=True):
        draft = entry.draft
        poster = (
            item.new_organization.name
            if item.new_organization
            else (names.get(draft.organization_id) if draft.organization_id else None)
            or draft.provider_name
        )
        pairs = window.compare_and_add(str(entry.id), profile_of(Candidate(draft, poster)))
        found += [(entry.id, UUID(key), score) for key, score in pairs]
    await duplicates.record_many(conn, found)
    return entries


def _with_organization(draft: EntryDraft, organization_id: UUID) -> EntryDraft:
    return replace(draft, organization_id=organization_id)


async def _editable(
    conn: Connection,
    entry_id: UUID,
    kind: EntryKind,
    edit_token: str | None,
    version: int,
    actor: Viewer,
) -> Entry:
    """The entry, locked, if the caller may change it at `version`; else a Refusal says why."""
    locked = await store.lock_entry(conn, entry_id)
    if locked is None or locked[0].kind is not kind:
        raise Refusal([UserError("id", ErrorCode.NOT_FOUND)])
    entry, ownership = locked
    member = await members.is_member(conn, actor.user_id, entry.draft.organization_id)
    if not may_edit(
        actor, ownership.owner, token_matches(edit_token, ownership.token_hash), member
    ) and not may_complete(actor, entry.draft):
        raise Forbidden
    error = check_editable(entry, version)
    if error is not None:
        raise Refusal([error])
    return entry


async def _check_pledged_items(
    conn: Connection, entry: Entry, draft: EntryDraft
) -> list[UserError]:
    """Pledges name items by position: an edit may not pull the ground from under them."""
    if entry.kind not in (EntryKind.NEED, EntryKind.OFFER):
        return []
    offer = entry.kind is EntryKind.OFFER
    found = (await pledges.pledges_of(conn, [entry.id], offers=offer)).get(entry.id, [])
    if not found:
        return []
    if offer:
        # An offer's proposals are its own side's word: they hold its stock.
        return check_item_edit(
            entry.draft.items,
            draft.items,
            promised_by_position(found, offer=True),
            delivered_by_position(found, offer=True),
        )
    return check_item_edit(
        entry.draft.items,
        draft.items,
        reserved_by_position(found),
        delivered_by_position(found),
        proposed_by_position(found),
    )


@refusals_fail
async def update_entry(
    db: Database,
    entry_id: UUID,
    kind: EntryKind,
    version: int,
    edit_token: str | None,
    patch: EntryPatch,
    lifetimes: Lifetimes,
    actor: Viewer = ANONYMOUS,
    links: frozenset[bytes] = frozenset(),
) -> Outcome[Entry]:
    """Apply `patch` to an entry read at `version`; a stale version is a CONFLICT.

    Whoever changes it (`links`: their client, browser, account) speaks for it from then on,
    and may no more review it than its submitter (hub/domain/provenance.py).
    """
    async with db.transaction() as conn:
        found = await _editable(conn, entry_id, kind, edit_token, version, actor)
        # Contacts stored before phones were normalised read as they would be stored now, so
        # that rewriting a number's display form is no change of substance (no new review).
        found = replace(found, draft=normalised_entry(found.draft)[0])
        draft, status = patch(found)
        draft, contacts = normalised_entry(draft)
        placed = place_entry(draft)
        draft = placed.draft
        errors = [] if status is found.status else [e for e in [check_status_change(status)] if e]
        errors += placed.errors
        errors += contacts.as_sent(
            validate_entry(
                draft,
                await categories.current_codes(conn),
                has_organization=draft.organization_id is not None,
            )
        )
        errors += await _check_organization(conn, draft.organization_id)
        errors += await _check_pledged_items(conn, found, draft)
        if errors:
            return Outcome.failed(errors)
        event = event_for_update(found, draft, status)
        if substance_changed(found.draft, draft):
            # What reviewers vouched for changed: back to the queue, in a new review round.
            state = transition(found.verification_status, Action.SUBSTANCE_CHANGED)
            await reviews.set_verification(conn, entry_id, state, new_round=True)
        entry = await store.update_entry(
            conn,
            entry_id,
            draft,
            status=status,
            expires_at=expires_at(kind, datetime.now(UTC), lifetimes),
        )
        await record_change(
            conn,
            entry,
            event,
            actor,
            "entry.updated",
            before=found,
            via_token=not actor.signed_in,
        )
        if edit_token is not None or not actor.has(Role.REVIEWER):
            # Not a reviewer correcting it in their role: whoever speaks for the entry.
            await provenance.record_links(conn, entry_id, links)
    return Outcome(entry, warnings=contacts.warnings + placed.warnings)


@refusals_fail
async def close_entry(
    db: Database,
    entry_id: UUID,
    kind: EntryKind,
    version: int,
    edit_token: str | None,
    reason: str | None,
    actor: Viewer = ANONYMOUS,
) -> Outcome[Entry]:
    """Close an entry for good (met elsewhere, no longer needed, posted by mistake)."""
    async with db.transaction() as conn:
        found = await _editable(conn, entry_id, kind, edit_token, version, actor)
        if reason is not None and len(reason) > 2000:
            return Outcome.failed([UserError("reason", ErrorCode.TOO_LONG, {"max": 2000})])
        entry = await store.close_entry(conn, entry_id, reason.strip() if reason else None)
        await record_change(
            conn,
            entry,
            EventType.STATUS_CHANGED,
            actor,
            "entry.closed",
            before=found,
            reason=entry.close_reason,
            via_token=not actor.signed_in,
        )
    return Outcome(entry)
