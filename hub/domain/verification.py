"""The verification state machine: every allowed transition, defined once.

PENDING (new or changed) -> IN_REVIEW (claimed by a reviewer, for a lease) -> VERIFIED,
NEEDS_CHANGES (the submitter must fix something) or REJECTED (with a reason). VERIFIED goes
EXPIRED when its verification is too old; a change of substance sends an entry back to PENDING.
"""

from __future__ import annotations

from enum import Enum

from hub.domain.enums import VerificationStatus

PENDING = VerificationStatus.PENDING
IN_REVIEW = VerificationStatus.IN_REVIEW
VERIFIED = VerificationStatus.VERIFIED
NEEDS_CHANGES = VerificationStatus.NEEDS_CHANGES
REJECTED = VerificationStatus.REJECTED
EXPIRED = VerificationStatus.EXPIRED


class Action(Enum):
    """What happens to an entry's verification."""

    CLAIM = "CLAIM"
    RELEASE = "RELEASE"
    VERIFY = "VERIFY"
    # A verification that still needs another independent reviewer.
    VERIFY_PARTLY = "VERIFY_PARTLY"
    REQUEST_CHANGES = "REQUEST_CHANGES"
    REJECT = "REJECT"
    SUBSTANCE_CHANGED = "SUBSTANCE_CHANGED"
    EXPIRE = "EXPIRE"
    # A reviewer takes a verified entry that reports put up for a recheck; it stays VERIFIED
    # (and public) while they check, and their decision is the only thing that changes it.
    CLAIM_RECHECK = "CLAIM_RECHECK"
    # The poster of a verified entry says it is still current.
    RECONFIRM = "RECONFIRM"
    # The notice or post the entry was verified from has disappeared.
    SOURCE_LOST = "SOURCE_LOST"


class ReviewDecision(Enum):
    """A reviewer's decision."""

    VERIFY = "VERIFY"
    REQUEST_CHANGES = "REQUEST_CHANGES"
    REJECT = "REJECT"


class ReviewMethod(Enum):
    """How a reviewer checked an entry."""

    PHONE_CALL = "PHONE_CALL"
    OFFICIAL_NOTICE = "OFFICIAL_NOTICE"
    ON_SITE = "ON_SITE"
    ORGANIZATION_ACCOUNT = "ORGANIZATION_ACCOUNT"
    OTHER = "OTHER"


class RejectionReason(Enum):
    """Why an entry was rejected."""

    DUPLICATE = "DUPLICATE"
    FALSE_INFORMATION = "FALSE_INFORMATION"
    UNREACHABLE = "UNREACHABLE"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    SPAM = "SPAM"
    OTHER = "OTHER"


TRANSITIONS: dict[tuple[VerificationStatus, Action], VerificationStatus] = {
    (PENDING, Action.CLAIM): IN_REVIEW,
    (EXPIRED, Action.CLAIM): IN_REVIEW,
    (IN_REVIEW, Action.RELEASE): PENDING,
    (IN_REVIEW, Action.VERIFY): VERIFIED,
    (IN_REVIEW, Action.VERIFY_PARTLY): PENDING,
    (IN_REVIEW, Action.REQUEST_CHANGES): NEEDS_CHANGES,
    (IN_REVIEW, Action.REJECT): REJECTED,
    (PENDING, Action.SUBSTANCE_CHANGED): PENDING,
    (IN_REVIEW, Action.SUBSTANCE_CHANGED): PENDING,
    (VERIFIED, Action.SUBSTANCE_CHANGED): PENDING,
    (NEEDS_CHANGES, Action.SUBSTANCE_CHANGED): PENDING,
    (REJECTED, Action.SUBSTANCE_CHANGED): PENDING,
    (EXPIRED, Action.SUBSTANCE_CHANGED): PENDING,
    (VERIFIED, Action.EXPIRE): EXPIRED,
    # A recheck (hub/domain/flags.py): the entry stays VERIFIED until the reviewer decides.
    (VERIFIED, Action.CLAIM_RECHECK): VERIFIED,
    (VERIFIED, Action.RELEASE): VERIFIED,
    (VERIFIED, Action.VERIFY): VERIFIED,
    (VERIFIED, Action.VERIFY_PARTLY): VERIFIED,
    (VERIFIED, Action.REQUEST_CHANGES): NEEDS_CHANGES,
    (VERIFIED, Action.REJECT): REJECTED,
    (VERIFIED, Action.RECONFIRM): VERIFIED,
    (EXPIRED, Action.RECONFIRM): VERIFIED,
    (VERIFIED, Action.SOURCE_LOST): PENDING,
}
DECISION_ACTIONS = {
    ReviewDecision.REQUEST_CHANGES: Action.REQUEST_CHANGES,
    ReviewDecision.REJECT: Action.REJECT,
}


class InvalidTransition(ValueError):
    """The action is not allowed in the entry's current verification state."""

    def __init__(self, state: VerificationStatus, action: Action) -> None:
        super().__init__(f"{action.value} is not allowed when {state.value}")
        self.state = state
        self.action = action


def transition(state: VerificationStatus, action: Action) -> VerificationStatus:
    """The state after `action`; InvalidTransition when it is not allowed from `state`."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(state, action) from None


def decision_action(decision: ReviewDecision, verifications: int, required: int) -> Action:
    """The action a decision takes; a verification counts fully only with enough reviewers.

    `verifications` counts the distinct reviewers who verified in this round, this one included.
    """
    if decision is ReviewDecision.VERIFY:
        return Action.VERIFY if verifications >= required else Action.VERIFY_PARTLY
    return DECISION_ACTIONS[decision]


# States the review queue shows (IN_REVIEW only once its lease has run out).
QUEUED = frozenset({PENDING, EXPIRED})


class FlagReason(Enum):
    """Why someone reports an entry."""

    ALREADY_FULFILLED = "ALREADY_FULFILLED"
    WRONG_CONTACT = "WRONG_CONTACT"
    FAKE = "FAKE"
    OUTDATED = "OUTDATED"
    DUPLICATE = "DUPLICATE"
    OTHER = "OTHER"


class Reconfirmation(Enum):
    """What the poster of an entry says through its reconfirmation link."""

    STILL_CURRENT = "STILL_CURRENT"
    FULFILLED = "FULFILLED"
    WITHDRAWN = "WITHDRAWN"


# Unreachable this many checks in a row (timeouts, server errors) counts as gone; 404 and 410
# count at once.
SOURCE_FAILURES_TO_LOSE = 3


def source_gone(http_status: int | None, failures_in_a_row: int) -> bool:
    """Whether a source has disappeared, from the latest check and the failures before it."""
    if http_status in (404, 410):
        return True
    return failures_in_a_row >= SOURCE_FAILURES_TO_LOSE
