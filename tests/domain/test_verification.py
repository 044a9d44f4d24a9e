"""The verification state machine: every allowed and every forbidden transition."""

from __future__ import annotations

import itertools

import pytest

from hub.domain.enums import VerificationStatus as S
from hub.domain.verification import (
    TRANSITIONS,
    Action,
    InvalidTransition,
    ReviewDecision,
    decision_action,
    transition,
)

ALLOWED = {
    (S.PENDING, Action.CLAIM): S.IN_REVIEW,
    (S.EXPIRED, Action.CLAIM): S.IN_REVIEW,
    (S.IN_REVIEW, Action.RELEASE): S.PENDING,
    (S.IN_REVIEW, Action.VERIFY): S.VERIFIED,
    (S.IN_REVIEW, Action.VERIFY_PARTLY): S.PENDING,
    (S.IN_REVIEW, Action.REQUEST_CHANGES): S.NEEDS_CHANGES,
    (S.IN_REVIEW, Action.REJECT): S.REJECTED,
    (S.PENDING, Action.SUBSTANCE_CHANGED): S.PENDING,
    (S.IN_REVIEW, Action.SUBSTANCE_CHANGED): S.PENDING,
    (S.VERIFIED, Action.SUBSTANCE_CHANGED): S.PENDING,
    (S.NEEDS_CHANGES, Action.SUBSTANCE_CHANGED): S.PENDING,
    (S.REJECTED, Action.SUBSTANCE_CHANGED): S.PENDING,
    (S.EXPIRED, Action.SUBSTANCE_CHANGED): S.PENDING,
    (S.VERIFIED, Action.EXPIRE): S.EXPIRED,
    # Reports never unpublish: a recheck keeps the entry VERIFIED until a reviewer decides.
    (S.VERIFIED, Action.CLAIM_RECHECK): S.VERIFIED,
    (S.VERIFIED, Action.RELEASE): S.VERIFIED,
    (S.VERIFIED, Action.VERIFY): S.VERIFIED,
    (S.VERIFIED, Action.VERIFY_PARTLY): S.VERIFIED,
    (S.VERIFIED, Action.REQUEST_CHANGES): S.NEEDS_CHANGES,
    (S.VERIFIED, Action.REJECT): S.REJECTED,
    (S.VERIFIED, Action.RECONFIRM): S.VERIFIED,
    (S.EXPIRED, Action.RECONFIRM): S.VERIFIED,
    (S.VERIFIED, Action.SOURCE_LOST): S.PENDING,
}
ALL = list(itertools.product(S, Action))


def test_the_table_is_exactly_the_allowed_set() -> None:
    assert TRANSITIONS == ALLOWED


@pytest.mark.parametrize(("state", "action"), list(ALLOWED), ids=lambda v: v.value)
def test_allowed(state: S, action: Action) -> None:
    assert transition(state, action) is ALLOWED[(state, action)]


@pytest.mark.parametrize(
    ("state", "action"), [p for p in ALL if p not in ALLOWED], ids=lambda v: v.value
)
def test_forbidden(state: S, action: Action) -> None:
    with pytest.raises(InvalidTransition):
        transition(state, action)


def test_verification_needs_enough_independent_reviewers() -> None:
    assert decision_action(ReviewDecision.VERIFY, 1, 1) is Action.VERIFY
    assert decision_action(ReviewDecision.VERIFY, 1, 2) is Action.VERIFY_PARTLY
    assert decision_action(ReviewDecision.VERIFY, 2, 2) is Action.VERIFY
    assert decision_action(ReviewDecision.REJECT, 0, 2) is Action.REJECT
    assert decision_action(ReviewDecision.REQUEST_CHANGES, 5, 1) is Action.REQUEST_CHANGES


def test_flags_ask_for_a_recheck_only_past_the_weighted_threshold() -> None:
    from uuid import uuid4

    from hub.domain.accounts import ANONYMOUS, Role, Viewer
    from hub.domain.flags import DEFAULT_RECHECK_WEIGHT, flag_weight, recheck_due

    fresh = Viewer(uuid4(), "fresh", Role.VOLUNTEER, approved=False)
    volunteer = Viewer(uuid4(), "vol", Role.VOLUNTEER, approved=True)
    reviewer = Viewer(uuid4(), "rev", Role.REVIEWER)
    assert flag_weight(ANONYMOUS) == flag_weight(fresh) == 1
    assert flag_weight(volunteer) == 2
    assert flag_weight(reviewer) == DEFAULT_RECHECK_WEIGHT
    assert not recheck_due(S.VERIFIED, False, 3, DEFAULT_RECHECK_WEIGHT)
    assert recheck_due(S.VERIFIED, False, 4, DEFAULT_RECHECK_WEIGHT)
    assert not recheck_due(S.VERIFIED, True, 9, DEFAULT_RECHECK_WEIGHT)  # asked already
    assert not recheck_due(S.PENDING, False, 9, DEFAULT_RECHECK_WEIGHT)  # in the queue already


def test_sources_are_gone_at_once_when_deleted_or_after_repeated_failures() -> None:
    from hub.domain.verification import source_gone

    assert source_gone(404, 1)
    assert source_gone(410, 1)
    assert not source_gone(200, 0)
    assert not source_gone(503, 2)
    assert source_gone(None, 3)
