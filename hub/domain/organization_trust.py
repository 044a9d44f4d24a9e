"""Who speaks for an organization, and when an edit must go back to review.

An organization registered with a first entry shares that entry's edit token, and anyone may
type a hospital's name first. Once the organization has been verified (a coordinator approved
its staff, or a reviewer checked it), neither that token nor the account that registered it
opens it any more: only its approved staff and coordinators do. And an edit by its staff puts
it back to PENDING until a reviewer verifies it again, so that the badge never vouches for a
name, website or phone nobody checked.
"""

from __future__ import annotations

from uuid import UUID

from hub.domain.accounts import Role, Viewer, may_edit
from hub.domain.enums import VerificationStatus


def may_edit_organization(
    actor: Viewer, owner: UUID | None, token_matched: bool, member: bool, verified_once: bool
) -> bool:
    """Whether `actor` may change the organization: its registering account (`owner`) and the
    holder of its edit token only until it is first verified; its staff and coordinators
    always."""
    if verified_once:
        return member or actor.has(Role.COORDINATOR)
    return may_edit(actor, owner, token_matched, member)


def edit_needs_review(status: VerificationStatus, actor: Viewer) -> bool:
    """Whether an edit by `actor` takes a verified organization's badge away until a reviewer
    verifies it again (coordinators vouch for their own edits)."""
    return status is VerificationStatus.VERIFIED and not actor.has(Role.COORDINATOR)


def shows_organization(
    organization_status: VerificationStatus,
    entry_status: VerificationStatus,
    self_reported: bool,
) -> bool:
    """Whether an entry shows the organization it names. Anyone may attach an entry to any
    organization by id, so a verified organization (and its badge) appears on an entry only
    once a reviewer verified that entry, or when the organization's own staff posted it; until
    then the entry names no organization to anyone (reviewers see the one it claims)."""
    if organization_status is not VerificationStatus.VERIFIED:
        return True  # no badge to borrow
    return self_reported or entry_status is VerificationStatus.VERIFIED
