"""Loading the demo data set into an empty database, all of it or nothing, in one transaction."""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from hub.demo.data import ENTRIES, ORGANIZATIONS, DemoEntry, DemoOrganization
from hub.domain.accounts import Role, Viewer
from hub.domain.contacts import normalised_entry, normalised_organization
from hub.domain.enums import EntryKind, EventType, VerificationStatus
from hub.domain.errors import UserError
from hub.domain.lifecycle import check_status_change, event_for_update, expires_at
from hub.domain.listing import OrganizationFilter
from hub.domain.model import Entry
from hub.domain.validation import validate_entry, validate_organization
from hub.domain.verification import ReviewDecision, ReviewMethod
from hub.services.entries import record_change
from hub.services.organizations import create_in as create_organization_in
from hub.services.passwords import hash_password
from hub.store.accounts import insert_user
from hub.store.categories import current_codes
from hub.store.db import Connection, Database
from hub.store.entries import get_entries, insert_entry, update_entry
from hub.store.organizations import count_organizations
from hub.store.reviews import insert_review, set_verification


@dataclass(frozen=True)
class DemoSummary:
    """What a demo load did: how many records of each kind it added, or that it skipped."""

    organizations: int
    needs: int
    offers: int
    logistics_offers: int
    lodgings: int
    skipped: bool
    donation_channels: int = 0


# What the trail shows as the author of demo records.
IMPORTER = Viewer(handle="demo-import")
_SKIPPED = DemoSummary(0, 0, 0, 0, 0, skipped=True)


async def load_demo(
    db: Database,
    lifetimes: dict[EntryKind, int],
    *,
    organizations: Sequence[DemoOrganization] = ORGANIZATIONS,
    entries: Sequence[DemoEntry] = ENTRIES,
) -> DemoSummary:
    """Load the demo organizations and entries unless the database already holds data.

    Any organization at all means the database is in use, and then nothing is loaded
    (`skipped` is True): demo records must never mix with real ones. Entries are dated
    `age_hours` before now and expire `lifetimes[kind]` hours after that. Raises ValueError,
    naming every invalid record and its errors, before writing anything.
    """
    async with db.transaction() as conn:
        if await count_organizations(conn, OrganizationFilter()) > 0:
            return _SKIPPED
        problems = _problems(organizations, entries, await current_codes(conn))
        if problems:
            raise ValueError("invalid demo data:\n" + "\n".join(problems))

        ids: dict[str, UUID] = {}
        for demo_org in organizations:
            # Stored as the API would store them: phones in display form with their E.164.
            draft_org, _ = normalised_organization(demo_org.draft)
            organization = await create_organization_in(conn, draft_org, None, IMPORTER)
            ids[demo_org.key] = organization.id

        reviewer = await _demo_reviewer(conn)
        now = datetime.now(UTC)
        for index, demo in enumerate(entries):
            draft, _ = normalised_entry(demo.draft)
            if demo.organization_key is not None:
                draft = replace(draft, organization_id=ids[demo.organization_key])
            created_at = now - timedelta(hours=demo.age_hours)
            expiry = expires_at(draft.kind, created_at, lifetimes)
            entry = await insert_entry(
                conn,
                uuid.uuid4(),
                draft,
                expires_at=expiry,
                edit_token_hash=None,
                created_at=created_at,
            )
            await record_change(conn, entry, EventType.CREATED, IMPORTER, "entry.imported")
            if demo.status is not entry.status:
                # Recorded as the later status change it would have been, through the same
                # store call and event choice as a submitter's update, so that the entry's
                # version and its outbox history agree. Passing the stored draft back keeps
                # the content unchanged, which makes the event STATUS_CHANGED or FULFILLED.
                event = event_for_update(entry, entry.draft, demo.status)
                entry = await update_entry(
                    conn, entry.id, entry.draft, status=demo.status, expires_at=expiry
                )
                await record_change(conn, entry, event, IMPORTER, "entry.updated")
            if index % 4 != 3:
                # Three in four demo entries were phoned and verified soon after posting; the
                # oldest of those have outlived their verification and will expire.
                verified_at = created_at + timedelta(hours=min(2.0, demo.age_hours / 2))
                await _verify(
                    conn,
                    entry,
                    reviewer,
                    verified_at,
                    expires_at(draft.kind, verified_at, lifetimes),
                    index,
                )

    kinds = Counter(demo.draft.kind for demo in entries)
    return DemoSummary(
        organizations=len(organizations),
        needs=kinds[EntryKind.NEED],
        offers=kinds[EntryKind.OFFER],
        logistics_offers=kinds[EntryKind.LOGISTICS_OFFER],
        lodgings=kinds[EntryKind.LODGING],
        skipped=False,
        donation_channels=kinds[EntryKind.DONATION_CHANNEL],
    )


async def _demo_reviewer(conn: Connection) -> Viewer:
    """The reviewer account the demo verifications are credited to (its password is random)."""
    password_hash = hash_password(secrets.token_urlsafe(32))
    user = await insert_user(
        conn,
        uuid.uuid4(),
        "reviewer@demo.crisis-hub.invalid",
        "demo_reviewer",
        password_hash,
        Role.REVIEWER,
        approved=True,
    )
    return Viewer(user.id, user.handle, user.role, user.approved)


async def _verify(
    conn: Connection,
    entry: Entry,
    reviewer: Viewer,
    verified_at: datetime,
    expiry: datetime,
    index: int,
) -> None:
    method = ReviewMethod.PHONE_CALL if index % 3 else ReviewMethod.OFFICIAL_NOTICE
    if reviewer.user_id is None:
        raise RuntimeError("the demo reviewer has no account")
    await insert_review(
        conn,
        entry.id,
        1,
        reviewer.user_id,
        ReviewDecision.VERIFY,
        method,
        None,
        "演示数据 / demo data",
        None,
    )
    await set_verification(
        conn,
        entry.id,
        VerificationStatus.VERIFIED,
        verified=True,
        expires_at=expiry,
        verified_at=verified_at,
    )
    verified = (await get_entries(conn, [entry.id]))[entry.id]
    await record_change(
        conn,
        verified,
        EventType.VERIFIED,
        reviewer,
        "review.decided",
        extra={"decision": "VERIFY", "method": method.value},
    )


def _problems(
    organizations: Sequence[DemoOrganization],
    entries: Sequence[DemoEntry],
    known_codes: frozenset[str],
) -> list[str]:
    """One line per invalid demo record, naming it and its errors."""
    problems: list[str] = []
    keys: set[str] = set()
    for demo_org in organizations:
        name = f"organization {demo_org.key!r} ({demo_org.draft.name})"
        if demo_org.key in keys:
            problems.append(f"{name}: duplicate key")
        keys.add(demo_org.key)
        errors = validate_organization(demo_org.draft)
        if errors:
            problems.append(f"{name}: {_describe(errors)}")

    for index, demo in enumerate(entries):
        draft = demo.draft
        owner = demo.organization_key or draft.provider_name
        name = f"entry #{index} ({draft.kind.value} by {owner})"
        errors = validate_entry(
            draft, known_codes, has_organization=demo.organization_key is not None
        )
        status_error = check_status_change(demo.status)
        if status_error is not None:
            errors.append(status_error)
        if errors:
            problems.append(f"{name}: {_describe(errors)}")
        if demo.organization_key is not None and demo.organization_key not in keys:
            problems.append(f"{name}: unknown organization key {demo.organization_key!r}")
        if draft.organization_id is not None:
            problems.append(f"{name}: organization_id must be left to the loader")
        if demo.age_hours < 0:
            problems.append(f"{name}: age_hours must not be negative")
    return problems


def _describe(errors: Sequence[UserError]) -> str:
    return "; ".join(
        f"{e.field} {e.code.value}" + (f" {e.params}" if e.params else "") for e in errors
    )
