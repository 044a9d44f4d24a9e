"""Registering and changing organizations."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from hub.domain.accounts import ANONYMOUS, Viewer
from hub.domain.audit import snapshot
from hub.domain.contacts import normalised_organization
from hub.domain.edit_tokens import new_edit_token, token_matches
from hub.domain.enums import EventType, VerificationStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Organization, OrganizationDraft
from hub.domain.name_keys import place_key
from hub.domain.organization_matches import Known, similar_organizations
from hub.domain.organization_trust import edit_needs_review, may_edit_organization
from hub.domain.region_drafts import place_organization
from hub.domain.validation import validate_organization
from hub.services.audit import audit
from hub.services.outcome import Forbidden, Outcome, explained, signed_in
from hub.store import members
from hub.store import organizations as store
from hub.store.db import Connection, Database
from hub.store.outbox import record_event, record_events


def organization_payload(organization: Organization) -> dict[str, Any]:
    """The outbox payload of an organization event: no contacts, ever."""
    return {
        "version": organization.version,
        "kind": organization.draft.kind.value,
        "province": organization.draft.region.province,
        "city": organization.draft.region.city,
    }


async def _record(
    conn: Connection,
    organization: Organization,
    event: EventType,
    actor: Viewer,
    before: Organization | None = None,
) -> None:
    await record_event(
        conn, organization.id, "ORGANIZATION", event, organization_payload(organization)
    )
    action = "organization.registered" if before is None else "organization.updated"
    await audit(
        conn,
        actor,
        action,
        "ORGANIZATION",
        organization.id,
        before=snapshot(before.draft) if before else None,
        after=snapshot(organization.draft),
        via_token=before is not None and not actor.signed_in,
    )


async def create_in(
    conn: Connection,
    draft: OrganizationDraft,
    token_hash: bytes | None,
    actor: Viewer = ANONYMOUS,
    organization_id: UUID | None = None,
) -> Organization:
    """Insert an organization, its CREATED event and audit record in the caller's transaction
    (under `organization_id` when given: an import keeps the ids of the file it reads)."""
    organization = await store.insert_organization(
        conn, organization_id or uuid.uuid4(), draft, token_hash, actor.user_id
    )
    await _record(conn, organization, EventType.CREATED, actor)
    return organization


async def create_many_in(
    conn: Connection, new: Sequence[tuple[UUID, OrganizationDraft]], actor: Viewer = ANONYMOUS
) -> dict[UUID, Organization]:
    """create_in for many organizations at once, without edit tokens (imports): a few
    statements per batch, with each one's CREATED event and audit record as create_in."""
    created = await store.insert_organizations(conn, new, actor.user_id)
    ordered = [created[organization_id] for organization_id, _ in new]
    await record_events(
        conn,
        [(o.id, "ORGANIZATION", EventType.CREATED, organization_payload(o)) for o in ordered],
    )
    for organization in ordered:
        await audit(
            conn,
            actor,
            "organization.registered",
            "ORGANIZATION",
            organization.id,
            after=snapshot(organization.draft),
        )
    return created


async def register_organization(
    db: Database, draft: OrganizationDraft, actor: Viewer = ANONYMOUS
) -> Outcome[Organization]:
    """Register an organization; anyone may, and it starts PENDING. The exact match of one
    registered already is handed back instead (reused_organization, no edit token)."""
    draft, contacts = normalised_organization(draft)
    placed = place_organization(draft)
    draft = placed.draft
    errors = placed.errors + contacts.as_sent(validate_organization(draft))
    if errors:
        return Outcome.failed(errors)
    token, token_hash = new_edit_token()
    async with db.transaction() as conn:
        existing = await store.same_organization(conn, draft)
        if existing is not None:
            # Registered already: handed back as it is, without a token (see
            # hub/domain/organization_matches.py); its staff or a coordinator change it.
            found = await store.get_organizations(conn, [existing])
            return Outcome(
                found[existing],
                reused_organization=True,
                warnings=contacts.warnings + placed.warnings,
            )
        organization = await create_in(conn, draft, token_hash, actor)
    return Outcome(organization, edit_token=token, warnings=contacts.warnings + placed.warnings)


async def similar_to(
    db: Database, name: str, province: str, city: str | None
) -> list[Organization]:
    """The registered organizations that likely are the one named (offered, never reused
    silently: hub/domain/organization_matches.py)."""
    async with db.connection() as conn:
        known = await store.organizations_near(conn, place_key(province))
        found = similar_organizations(
            name, province, city, [Known(i, n, p, c) for i, n, p, c in known]
        )
        by_id = await store.get_organizations(conn, found)
    return [by_id[i] for i in found if i in by_id]


async def update_organization(
    db: Database,
    organization_id: UUID,
    version: int,
    edit_token: str | None,
    patch: Callable[[OrganizationDraft], OrganizationDraft],
    actor: Viewer = ANONYMOUS,
) -> Outcome[Organization]:
    """Apply `patch` to an organization read at `version`, if the actor speaks for it (see
    hub/domain/organization_trust.py); an edit of a verified organization by its staff takes
    the badge away until a reviewer verifies it again."""
    async with db.transaction() as conn:
        locked = await store.lock_organization(conn, organization_id)
        if locked is None:
            return Outcome.failed([UserError("id", ErrorCode.NOT_FOUND)])
        current, ownership, verified_once = locked
        member = await members.is_member(conn, actor.user_id, organization_id)
        token_matched = token_matches(edit_token, ownership.token_hash)
        if not may_edit_organization(actor, ownership.owner, token_matched, member, verified_once):
            raise Forbidden
        if current.version != version:
            return Outcome.failed(
                [UserError("version", ErrorCode.CONFLICT, {"current": current.version})]
            )
        # Contacts stored before phones were normalised read as they would be stored now: a
        # number's new display form is no edit that needs a review.
        before, _ = normalised_organization(current.draft)
        draft, contacts = normalised_organization(patch(before))
        placed = place_organization(draft)
        draft = placed.draft
        errors = placed.errors + contacts.as_sent(validate_organization(draft))
        if errors:
            return Outcome.failed(errors)
        organization = await store.update_organization(conn, organization_id, draft)
        if draft != before and edit_needs_review(current.verification_status, actor):
            organization = await store.set_organization_status(
                conn, organization_id, VerificationStatus.PENDING
            )
        await _record(conn, organization, EventType.UPDATED, actor, before=current)
    return Outcome(organization, warnings=contacts.warnings + placed.warnings)


async def verify_organization(
    db: Database, reviewer: Viewer, organization_id: UUID, version: int
) -> Outcome[Organization]:
    """A reviewer vouches for an organization as it is at `version` (after checking it, say by
    phoning its switchboard); its own staff may not."""
    reviewer_id = signed_in(reviewer)
    async with db.transaction() as conn:
        locked = await store.lock_organization(conn, organization_id)
        if locked is None:
            return Outcome.failed([UserError("id", ErrorCode.NOT_FOUND)])
        current, ownership, _verified_once = locked
        if current.version != version:
            return Outcome.failed(
                [UserError("version", ErrorCode.CONFLICT, {"current": current.version})]
            )
        if ownership.owner == reviewer_id or await members.is_member(
            conn, reviewer_id, organization_id
        ):
            return Outcome.failed(
                [
                    explained(
                        "id",
                        ErrorCode.NOT_INDEPENDENT,
                        "不能核实您自己登记或所属的机构，需要另一位审核员。",
                        "You cannot verify an organization you registered or belong to; "
                        "another reviewer is needed.",
                    )
                ]
            )
        if current.verification_status is VerificationStatus.VERIFIED:
            return Outcome.failed(
                [
                    explained(
                        "id",
                        ErrorCode.INVALID_STATE,
                        "该机构已核实。",
                        "This organization is verified already.",
                    )
                ]
            )
        organization = await store.set_organization_status(
            conn, organization_id, VerificationStatus.VERIFIED
        )
        await record_event(
            conn,
            organization.id,
            "ORGANIZATION",
            EventType.VERIFIED,
            organization_payload(organization),
        )
        await audit(conn, reviewer, "organization.verified", "ORGANIZATION", organization.id)
    return Outcome(organization)
