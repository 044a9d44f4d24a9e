"""How far an entry can be trusted: its verification state and the reviews behind it."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from hub.domain.enums import VerificationStatus
from hub.domain.verification import FlagReason, RejectionReason, ReviewDecision, ReviewMethod
from hub.graphql.connections import page_size
from hub.graphql.context import Info
from hub.graphql.loaders import MAX_FLAGS
from hub.graphql.permissions import for_reviewers
from hub.graphql.views import view_of
from hub.store.flags import Flag
from hub.store.reviews import Review

# How many reports `Verification.flags` shows without `first` (at most MAX_FLAGS).
DEFAULT_FLAGS = 20

strawberry.enum(ReviewDecision, name="ReviewDecision")
strawberry.enum(ReviewMethod, name="ReviewMethod")
strawberry.enum(RejectionReason, name="RejectionReason")
strawberry.enum(FlagReason, name="FlagReason")


@strawberry.type(description="A report that the entry is wrong; the note is for reviewers.")
class EntryFlag:
    reason: FlagReason
    flagged_at: datetime
    private_note: strawberry.Private[str | None]

    @strawberry.field(description="What the reporter said (reviewers and above only).")
    def note(self, info: Info) -> str | None:
        return for_reviewers(info, self.private_note)

    @classmethod
    def of(cls, flag: Flag) -> EntryFlag:
        """The GraphQL view of a flag."""
        return cls(reason=flag.reason, flagged_at=flag.created_at, private_note=flag.note)


@strawberry.type(description="One reviewer's decision; notes and evidence are for reviewers.")
class PublicReview:
    reviewer: str = strawberry.field(description="The reviewer's public handle.")
    decision: ReviewDecision
    method: ReviewMethod
    rejection_reason: RejectionReason | None
    reviewed_at: datetime
    round: int
    private_note: strawberry.Private[str | None]
    private_evidence: strawberry.Private[str | None]

    @strawberry.field(description="The reviewer's note (reviewers and above only).")
    def note(self, info: Info) -> str | None:
        return for_reviewers(info, self.private_note)

    @strawberry.field(description="Where the evidence is (reviewers and above only).")
    def evidence_url(self, info: Info) -> str | None:
        return for_reviewers(info, self.private_evidence)

    @classmethod
    def of(cls, review: Review) -> PublicReview:
        """The GraphQL view of a review."""
        return view_of(
            cls,
            review,
            reviewer=review.reviewer_handle,
            reviewed_at=review.created_at,
            private_note=review.note,
            private_evidence=review.evidence_url,
        )


@strawberry.type(description="Who checked an entry, how and when.")
class Verification:
    status: VerificationStatus
    verified_at: datetime | None
    in_review_until: datetime | None = strawberry.field(
        description="When the current reviewer's claim runs out, while IN_REVIEW."
    )
    reviews: list[PublicReview] = strawberry.field(description="Every review, oldest first.")
    # The newest MAX_FLAGS reports (the loader reads no more).
    newest_flags: strawberry.Private[list[EntryFlag]]
    private_recheck: strawberry.Private[datetime | None] = None

    @strawberry.field(
        description=f"Reports that it is wrong, newest first: the first {DEFAULT_FLAGS} "
        f"unless `first` says otherwise (at most {MAX_FLAGS})."
    )
    def flags(self, first: int | None = None) -> list[EntryFlag]:
        return self.newest_flags[: page_size(first, MAX_FLAGS, DEFAULT_FLAGS)]

    @strawberry.field(
        description="When reports put this verified entry up for a reviewer's recheck (it stays "
        "VERIFIED and listed until a reviewer decides); null when none is pending. Reviewers "
        "and above only."
    )
    def recheck_requested_at(self, info: Info) -> datetime | None:
        return for_reviewers(info, self.private_recheck)

    @strawberry.field(description="Hours since the last verification, for 'verified 5 h ago'.")
    def age_hours(self) -> float | None:
        if self.verified_at is None:
            return None
        return round((datetime.now(UTC) - self.verified_at).total_seconds() / 3600, 1)

    @strawberry.field(description="How the latest verification was done.")
    def method(self) -> ReviewMethod | None:
        verified = [r for r in self.reviews if r.decision is ReviewDecision.VERIFY]
        return verified[-1].method if verified else None
