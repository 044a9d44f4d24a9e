"""Organization staff: claiming an organization, and a coordinator's decision."""

from __future__ import annotations

from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.errors import ErrorCode, UserError
from hub.domain.validation import MAX_NOTES, MAX_URL, is_valid_url
from hub.services.audit import audit
from hub.services.outcome import Outcome, explained, signed_in
from hub.store import members as store
from hub.store import organizations
from hub.store.db import Database
from hub.store.members import Claim


def _check(evidence: str, url: str | None) -> list[UserError]:
    errors = []
    if not evidence.strip():
        errors.append(UserError("evidence", ErrorCode.REQUIRED))
    elif len(evidence) > MAX_NOTES:
        errors.append(UserError("evidence", ErrorCode.TOO_LONG, {"max": MAX_NOTES}))
    if url and url.strip():
        if len(url) > MAX_URL:
            errors.append(UserError("evidenceUrl", ErrorCode.TOO_LONG, {"max": MAX_URL}))
        elif not is_valid_url(url.strip()):
            errors.append(UserError("evidenceUrl", ErrorCode.INVALID_URL))
    return errors


async def claim_organization(
    db: Database, viewer: Viewer, organization_id: UUID, evidence: str, url: str | None
) -> Outcome[Claim]:
    """A user asks to be recognised as staff of an organization (a hospital's own account)."""
    user_id = signed_in(viewer)
    errors = _check(evidence, url)
    if errors:
        return Outcome.failed(errors)
    async with db.transaction() as conn:
        if organization_id not in await organizations.get_organizations(conn, [organization_id]):
            return Outcome.failed([UserError("organizationId", ErrorCode.NOT_FOUND)])
        if await store.is_member(
            conn, user_id, organization_id
        ) or await store.pending_claim_exists(conn, user_id, organization_id):
            return Outcome.failed(
                [
                    explained(
                        "organizationId",
                        ErrorCode.NOT_ALLOWED,
                        "您已是该机构成员，或已有待审核的申请。",
                        "You are a member, or your claim awaits a decision.",
                    )
                ]
            )
        claim = await store.insert_claim(
            conn, organization_id, user_id, evidence.strip(), (url or "").strip() or None
        )
        await audit(
            conn,
            viewer,
            "organization.claimed",
            "ORGANIZATION",
            organization_id,
            extra={"claimId": str(claim.id)},
        )
    return Outcome(claim)


async def decide_claim(
    db: Database, coordinator: Viewer, claim_id: UUID, approve: bool, note: str | None
) -> Outcome[Claim]:
    """Approve (the user becomes staff, the organization verified) or refuse a claim."""
    decider = signed_in(coordinator)
    async with db.transaction() as conn:
        claim = await store.claim_by_id(conn, claim_id)
        if claim is None:
            return Outcome.failed([UserError("claimId", ErrorCode.NOT_FOUND)])
        if claim.status != "PENDING":
            return Outcome.failed(
                [
                    explained(
                        "claimId",
                        ErrorCode.INVALID_STATE,
                        "该申请已处理。",
                        "This claim was decided already.",
                    )
                ]
            )
        decided = await store.decide_claim(
            conn, claim_id, approve, decider, (note or "").strip() or None
        )
        await audit(
            conn,
            coordinator,
            "organization.claim_decided",
            "ORGANIZATION",
            claim.organization_id,
            reason=decided.decision_note,
            extra={"claimId": str(claim_id), "approved": approve, "member": claim.user_handle},
        )
    return Outcome(decided)
