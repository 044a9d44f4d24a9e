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
    (S.VERIFIED, Action.FLAG): S.PENDING,
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


def test_flags_requeue_verified_entries_only_when_credible() -> None:
    from hub.domain.verification import flag_requeues

    assert flag_requeues(S.VERIFIED, signed_in=True, anonymous_flags=0)
    assert not flag_requeues(S.VERIFIED, signed_in=False, anonymous_flags=2)
    assert flag_requeues(S.VERIFIED, signed_in=False, anonymous_flags=3)
    assert not flag_requeues(S.PENDING, signed_in=True, anonymous_flags=9)


def test_sources_are_gone_at_once_when_deleted_or_after_repeated_failures() -> None:
    from hub.domain.verification import source_gone

    assert source_gone(404, 1)
    assert source_gone(410, 1)
    assert not source_gone(200, 0)
    assert not source_gone(503, 2)
    assert source_gone(None, 3)
