"""The reviewer workflow: claim an entry for a lease, decide, release."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from hub.domain.accounts import Role, Viewer
from hub.domain.completeness import incomplete_errors
from hub.domain.enums import EntryStatus, EventType, VerificationStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.flags import flag_weight, recheck_due
from hub.domain.lifecycle import expires_at
from hub.domain.model import Entry, ReviewState
from hub.domain.provenance import UNKNOWN, Provenance, linked
from hub.domain.validation import MAX_NOTES, MAX_URL, is_valid_url
from hub.domain.verification import (
    Action,
    FlagReason,
    InvalidTransition,
    RejectionReason,
    ReviewDecision,
    ReviewMethod,
    decision_action,
    transition,
)
from hub.services.entries import Lifetimes, record_change
from hub.services.outcome import (
    Outcome,
    Refusal,
    entry_closed,
    explained,
    must_exist,
    refusals_fail,
    refuse_if_any,
    signed_in,
)
from hub.store import entries as entry_store
from hub.store import flags, provenance
from hub.store import reviews as store
from hub.store.db import Connection, Database


@dataclass(frozen=True)
class Decision:
    """What a reviewer decided and how they checked."""

    decision: ReviewDecision
    method: ReviewMethod
    note: str | None = None
    evidence_url: str | None = None
    rejection_reason: RejectionReason | None = None


def _not_allowed(zh: str, en: str) -> list[UserError]:
    return [explained("entryId", ErrorCode.NOT_ALLOWED, zh, en)]


def _state(entry: Entry, now: datetime) -> VerificationStatus:
    """The entry's state, with a lapsed claim read as the PENDING it has become."""
    review = entry.review
    if entry.verification_status is VerificationStatus.IN_REVIEW and not (
        review and review.claimed_at(now)
    ):
        return VerificationStatus.PENDING
    return entry.verification_status


async def _locked(conn: Connection, entry_id: UUID) -> tuple[Entry, ReviewState]:
    """The open entry and its review state, locked; raises Refusal when there is none."""
    entry, review, _token_hash = await _locked_with_token(conn, entry_id)
    return entry, review


async def _locked_with_token(
    conn: Connection, entry_id: UUID
) -> tuple[Entry, ReviewState, bytes | None]:
    """The open entry, locked, its review state and its edit token's digest; Refusal when
    there is none."""
    entry, ownership = must_exist(await entry_store.lock_entry(conn, entry_id), "entryId")
    if entry.status is EntryStatus.CLOSED:
        raise Refusal([entry_closed("entryId")])
    if entry.review is None:
        raise RuntimeError("the store returned an entry without its review state")
    return entry, entry.review, ownership.token_hash


async def _refuse_if_linked(
    conn: Connection, entry_id: UUID, token_hash: bytes | None, request: Provenance
) -> None:
    """Refusal NOT_INDEPENDENT when the reviewer's request is tied to the entry's submission
    (a shared client, browser or account, or its edit token): their own entry, by another
    route than their account."""
    if linked(request, await provenance.links_of(conn, entry_id), token_hash):
        raise Refusal(
            [
                explained(
                    "entryId",
                    ErrorCode.NOT_INDEPENDENT,
                    "您与此条目的提交者有关联（同一设备、网络或编辑码），需要另一位审核员。",
                    "You are linked to this entry's submission (same browser, network or edit "
                    "code); another reviewer is needed.",
                )
            ]
        )


async def _event(
    conn: Connection,
    entry_id: UUID,
    event: EventType,
    actor: Viewer | None,
    action: str,
    extra: dict[str, Any] | None = None,
) -> Entry:
    """The entry as it now is, its outbox event and its audit record."""
    entry = (await entry_store.get_entries(conn, [entry_id]))[entry_id]
    await record_change(conn, entry, event, actor, action, extra=extra)
    return entry


@refusals_fail
async def claim_review(
    db: Database,
    reviewer: Viewer,
    entry_id: UUID,
    lease: timedelta,
    request: Provenance = UNKNOWN,
) -> Outcome[Entry]:
    """Take an entry for `lease`, so that no two reviewers phone the same hospital.

    A verified entry that reports put up for a recheck stays VERIFIED while claimed.
    """
    reviewer_id = signed_in(reviewer)
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        entry, review, token_hash = await _locked_with_token(conn, entry_id)
        if review.claimed_at(now):
            if review.claimed_by != reviewer_id:
                return Outcome.failed([UserError("entryId", ErrorCode.ALREADY_CLAIMED)])
            await store.claim(conn, entry_id, reviewer_id, now + lease)  # renew the lease
            return Outcome(
                await _event(conn, entry_id, EventType.STATUS_CHANGED, reviewer, "review.renewed")
            )
        if review.submitted_by == reviewer_id:
            return Outcome.failed(
                _not_allowed(
                    "不能审核自己提交的条目。", "You cannot review an entry you submitted."
                )
            )
        if reviewer_id in await store.reviewers_in_round(conn, entry_id, review.round):
            return Outcome.failed(
                _not_allowed(
                    "您已审核过此条目，需要另一位审核员。",
                    "You reviewed this entry already; another reviewer is needed.",
                )
            )
        await _refuse_if_linked(conn, entry_id, token_hash, request)
        recheck = review.recheck_requested_at is not None
        state = _state(entry, now)
        action = (
            Action.CLAIM_RECHECK
            if recheck and state is VerificationStatus.VERIFIED
            else Action.CLAIM
        )
        try:
            claimed = transition(state, action)
        except InvalidTransition as error:
            return Outcome.failed(
                [
                    explained(
                        "entryId",
                        ErrorCode.INVALID_STATE,
                        f"当前状态（{error.state.value}）不能认领。",
                        f"An entry that is {error.state.value} cannot be claimed.",
                    )
                ]
            )
        await store.claim(conn, entry_id, reviewer_id, now + lease, claimed)
        return Outcome(
            await _event(conn, entry_id, EventType.STATUS_CHANGED, reviewer, "review.claimed")
        )


@refusals_fail
async def release_review(db: Database, reviewer: Viewer, entry_id: UUID) -> Outcome[Entry]:
    """Give a claimed entry back to the queue (its claimant, or a coordinator, may)."""
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        entry, review = await _locked(conn, entry_id)
        mine = review.claimed_by == reviewer.user_id
        if not review.claimed_at(now) or not (mine or reviewer.has(Role.COORDINATOR)):
            return Outcome.failed([UserError("entryId", ErrorCode.NOT_CLAIMED)])
        state = transition(entry.verification_status, Action.RELEASE)
        # A released recheck keeps its request: only a decision ends it.
        await store.set_verification(conn, entry_id, state)
        return Outcome(
            await _event(conn, entry_id, EventType.STATUS_CHANGED, reviewer, "review.released")
        )


def _check_decision(decision: Decision) -> list[UserError]:
    errors = []
    rejecting = decision.decision is ReviewDecision.REJECT
    if rejecting and decision.rejection_reason is None:
        errors.append(UserError("rejectionReason", ErrorCode.REQUIRED))
    if not rejecting and decision.rejection_reason is not None:
        errors.append(
            explained(
                "rejectionReason",
                ErrorCode.INVALID_COMBINATION,
                "只有驳回时才填写驳回原因。",
                "Give a rejection reason only when rejecting.",
            )
        )
    if decision.note is not None and len(decision.note) > MAX_NOTES:
        errors.append(UserError("note", ErrorCode.TOO_LONG, {"max": MAX_NOTES}))
    url = decision.evidence_url
    if url is not None and url.strip():
        if len(url) > MAX_URL:
            errors.append(UserError("evidenceUrl", ErrorCode.TOO_LONG, {"max": MAX_URL}))
        elif not is_valid_url(url.strip()):
            errors.append(UserError("evidenceUrl", ErrorCode.INVALID_URL))
    return errors


@refusals_fail
async def review_entry(
    db: Database,
    reviewer: Viewer,
    entry_id: UUID,
    decision: Decision,
    reviews_required: int,
    lifetimes: Lifetimes,
    request: Provenance = UNKNOWN,
) -> Outcome[Entry]:
    """Record a reviewer's decision on an entry they hold a claim on."""
    reviewer_id = signed_in(reviewer)
    refuse_if_any(_check_decision(decision))
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        entry, review, token_hash = await _locked_with_token(conn, entry_id)
        if not (review.claimed_at(now) and review.claimed_by == reviewer_id):
            return Outcome.failed([UserError("entryId", ErrorCode.NOT_CLAIMED)])
        # Checked again at the decision: the claim may have come from another browser.
        await _refuse_if_linked(conn, entry_id, token_hash, request)
        if decision.decision is ReviewDecision.VERIFY:
            # A need accepted without its items or a contact is completed first (updateNeed).
            refuse_if_any(incomplete_errors(entry.draft))
        await store.insert_review(
            conn,
            entry_id,
            review.round,
            reviewer_id,
            decision.decision,
            decision.method,
            decision.rejection_reason,
            (decision.note or "").strip() or None,
            (decision.evidence_url or "").strip() or None,
        )
        decided = await store.reviewers_in_round(conn, entry_id, review.round)
        verifications = sum(1 for d in decided.values() if d == ReviewDecision.VERIFY.value)
        action = decision_action(decision.decision, verifications, reviews_required)
        state = transition(entry.verification_status, action)
        await store.set_verification(
            conn,
            entry_id,
            state,
            verified=action is Action.VERIFY,
            expires_at=expires_at(entry.kind, now, lifetimes) if action is Action.VERIFY else None,
            rejection_reason=decision.rejection_reason,
            # A recheck waiting for another independent reviewer stays in the queue.
            recheck_done=action is not Action.VERIFY_PARTLY,
        )
        event = {Action.VERIFY: EventType.VERIFIED, Action.REJECT: EventType.REJECTED}.get(
            action, EventType.STATUS_CHANGED
        )
        details = {
            "decision": decision.decision.value,
            "method": decision.method.value,
            "rejectionReason": decision.rejection_reason.value
            if decision.rejection_reason
            else None,
        }
        return Outcome(await _event(conn, entry_id, event, reviewer, "review.decided", details))


async def expire_overdue(db: Database) -> int:
    """Move verified entries past their lifetime back into the queue (a worker job)."""
    async with db.transaction() as conn:
        expired = await store.expire_overdue(conn)
        for entry_id, _kind in expired:
            await _event(conn, entry_id, EventType.EXPIRED, None, "verification.expired")
    return len(expired)


@refusals_fail
async def flag_entry(
    db: Database,
    actor: Viewer,
    entry_id: UUID,
    reason: FlagReason,
    note: str | None,
    reporter: str,
    recheck_weight: int,
) -> Outcome[Entry]:
    """Anyone may report an entry; reports never unpublish it. Each reporter (`reporter`: the
    account, or a keyed hash of the client) counts once per verification, weighted by trust;
    past `recheck_weight` a verified entry goes to the review queue for a recheck and stays
    VERIFIED and public until a reviewer decides. A repeated report is accepted and ignored."""
    if note is not None and len(note) > MAX_NOTES:
        return Outcome.failed([UserError("note", ErrorCode.TOO_LONG, {"max": MAX_NOTES})])
    async with db.transaction() as conn:
        # The entry's row lock orders reports on one entry: a reporter is found or inserted once.
        entry, review = await _locked(conn, entry_id)
        if await flags.has_reported(conn, entry_id, reporter, entry.verified_at):
            return Outcome(entry)
        await flags.insert_flag(
            conn,
            entry_id,
            reason,
            (note or "").strip() or None,
            actor.user_id,
            reporter,
            flag_weight(actor),
        )
        weight = await flags.weight_since(conn, entry_id, entry.verified_at)
        requested = review.recheck_requested_at is not None
        if recheck_due(entry.verification_status, requested, weight, recheck_weight):
            await store.request_recheck(conn, entry_id)
        return Outcome(
            await _event(
                conn,
                entry_id,
                EventType.FLAGGED,
                actor,
                "entry.flagged",
                {"flagReason": reason.value},
            )
        )
