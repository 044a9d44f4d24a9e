"""How much a report that an entry is wrong counts, and when reports call for a recheck.

Reports are cheap to make and easy to fake, so they never unpublish anything: they only put a
verified entry in front of a reviewer, who alone decides. Each reporter counts once per entry
(since its last verification), with a weight that grows with how far the hub can trust them:
an anonymous client or a fresh, unapproved account weighs little, an approved volunteer more,
a reviewer enough on their own.
"""

from __future__ import annotations

from enum import Enum

from hub.domain.accounts import Role, Viewer
from hub.domain.enums import VerificationStatus


class ReporterTrust(Enum):
    """How far the hub trusts whoever sends a report."""

    ANONYMOUS = "ANONYMOUS"
    # Signed up, never approved by a coordinator: anyone can make one in a minute.
    NEW_ACCOUNT = "NEW_ACCOUNT"
    APPROVED_VOLUNTEER = "APPROVED_VOLUNTEER"
    # Reviewers, coordinators and admins: granted by coordinators.
    REVIEWER = "REVIEWER"


# The weight of one distinct reporter's reports on one entry. With the default threshold
# (HUB_FLAG_RECHECK_WEIGHT, 4): four distinct anonymous clients, two approved volunteers or one
# reviewer put a verified entry up for a recheck.
FLAG_WEIGHTS: dict[ReporterTrust, int] = {
    ReporterTrust.ANONYMOUS: 1,
    ReporterTrust.NEW_ACCOUNT: 1,
    ReporterTrust.APPROVED_VOLUNTEER: 2,
    ReporterTrust.REVIEWER: 4,
}
DEFAULT_RECHECK_WEIGHT = 4


def reporter_trust(viewer: Viewer) -> ReporterTrust:
    """How far the hub trusts this reporter."""
    if not viewer.signed_in:
        return ReporterTrust.ANONYMOUS
    if viewer.has(Role.REVIEWER):
        return ReporterTrust.REVIEWER
    if viewer.approved:
        return ReporterTrust.APPROVED_VOLUNTEER
    return ReporterTrust.NEW_ACCOUNT


def flag_weight(viewer: Viewer) -> int:
    """What one report from this reporter adds (once per entry and verification)."""
    return FLAG_WEIGHTS[reporter_trust(viewer)]


def reporter_key(viewer: Viewer, client_key: str) -> str:
    """Who reports, for counting each reporter once: the account, else the client's key (a
    keyed hash of its address, never the address)."""
    if viewer.user_id is not None:
        return f"user:{viewer.user_id}"
    return f"client:{client_key}"


def recheck_due(
    state: VerificationStatus, already_requested: bool, weight: int, threshold: int
) -> bool:
    """Whether the distinct reporters' total `weight` now puts a verified entry up for a
    reviewer's recheck (entries not verified are in the review queue already)."""
    if state is not VerificationStatus.VERIFIED or already_requested:
        return False
    return weight >= threshold
