"""Recording webhook delivery attempts: the log row, the webhook's progress and, when it keeps
failing, disabling it (audited), all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from hub.domain.webhooks import DeliveryOutcome, RetryPolicy, after_failure
from hub.services.audit import audit
from hub.services.webhooks import SUBJECT
from hub.store import webhooks as store
from hub.store.db import Database
from hub.store.webhooks import ClaimedWebhook


@dataclass(frozen=True)
class Lease:
    """A worker's hold on a webhook: its token, and until when it runs."""

    token: UUID
    until: datetime


@dataclass(frozen=True)
class Attempt:
    """One POST of one event and what came of it (`ok`: a 2xx answer)."""

    # Sent as X-Hub-Delivery-Id and kept as the log row's id.
    delivery_id: UUID
    event_position: int
    number: int
    started_at: datetime
    duration_ms: int
    http_status: int | None
    error: str | None
    ok: bool


@dataclass(frozen=True)
class Recorded:
    """After an attempt: the webhook's new state; `held` is False when the lease was lost."""

    webhook: ClaimedWebhook
    outcome: DeliveryOutcome
    held: bool
    disabled_reason: str | None = None


async def skip_to(db: Database, webhook: ClaimedWebhook, position: int, lease: Lease) -> bool:
    """Move past events the webhook's filter leaves out; False when the lease was lost."""
    async with db.transaction() as conn:
        return await store.move_on(
            conn,
            webhook.id,
            lease.token,
            lease.until,
            position=position,
            pending_position=webhook.pending_position,
            pending_attempts=webhook.pending_attempts,
            next_attempt_at=None,
            consecutive_failures=webhook.consecutive_failures,
            failing_since=webhook.failing_since,
        )


async def record_attempt(
    db: Database,
    webhook: ClaimedWebhook,
    attempt: Attempt,
    lease: Lease,
    policy: RetryPolicy,
    now: datetime,
    rand: float,
) -> Recorded:
    """Log the attempt and move the webhook on: past the event (delivered, or FAILED after the
    last attempt), or to a later retry; disable it when it has failed too often or too long."""
    if attempt.ok:
        state = replace(
            webhook,
            position=attempt.event_position,
            pending_position=None,
            pending_attempts=0,
            consecutive_failures=0,
            failing_since=None,
        )
        outcome, next_at, reason = DeliveryOutcome.SUCCEEDED, None, None
    else:
        after = after_failure(
            policy, attempt.number, webhook.consecutive_failures, webhook.failing_since, now, rand
        )
        outcome, next_at, reason = after.outcome, after.next_attempt_at, after.disable_reason
        given_up = outcome is DeliveryOutcome.FAILED
        state = replace(
            webhook,
            position=attempt.event_position if given_up else webhook.position,
            pending_position=None if given_up else attempt.event_position,
            pending_attempts=0 if given_up else attempt.number,
            consecutive_failures=after.consecutive_failures,
            failing_since=after.failing_since,
        )
    async with db.transaction() as conn:
        await store.insert_delivery(
            conn,
            attempt.delivery_id,
            webhook.id,
            attempt.event_position,
            attempt.number,
            attempt.started_at,
            attempt.duration_ms,
            attempt.http_status,
            attempt.error,
            outcome,
            next_at,
        )
        held = await store.move_on(
            conn,
            webhook.id,
            lease.token,
            lease.until,
            position=state.position,
            pending_position=state.pending_position,
            pending_attempts=state.pending_attempts,
            next_attempt_at=next_at,
            consecutive_failures=state.consecutive_failures,
            failing_since=state.failing_since,
        )
        if held and reason is not None:
            await store.disable(conn, webhook.id, reason)
            await audit(
                conn,
                None,
                "webhook.disabled",
                SUBJECT,
                webhook.id,
                after={"enabled": False},
                reason=reason,
            )
    return Recorded(state, outcome, held, reason if held else None)


async def release(db: Database, webhook_id: UUID, lease: Lease) -> None:
    """Give the lease back (the webhook is due again when its next attempt is)."""
    async with db.transaction() as conn:
        await store.release(conn, webhook_id, lease.token)
