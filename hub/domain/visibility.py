"""Which entries the public may fetch by id: the ones its lists and exports could show.

A REJECTED entry (spam, a fake donation channel) and a duplicate merged into another stay in
the database for the record, but fetching one by its id must not hand it to anyone: only
reviewers and whoever speaks for the entry (its signed-in submitter, the holder of its edit
token) still see it.
"""

from __future__ import annotations

from uuid import UUID

from hub.domain.accounts import Role, Viewer
from hub.domain.enums import VerificationStatus
from hub.domain.model import Entry

# Who sees entries the public does not: reviewers decide about them.
SEES_UNLISTED_ROLE = Role.REVIEWER


def publicly_shown(verification: VerificationStatus, merged_into: UUID | None) -> bool:
    """Whether the public may fetch an entry in this state by its id."""
    return verification is not VerificationStatus.REJECTED and merged_into is None


def shown_to(entry: Entry, viewer: Viewer, holds_token: bool) -> bool:
    """Whether `viewer` (holding the entry's edit token or not) may fetch `entry` by id."""
    if publicly_shown(entry.verification_status, entry.merged_into):
        return True
    if holds_token or viewer.has(SEES_UNLISTED_ROLE):
        return True
    submitter = entry.review.submitted_by if entry.review else None
    return viewer.user_id is not None and viewer.user_id == submitter
