"""Webhooks and their delivery log (migration 0016)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from hub.domain.live import EventFilter
from hub.domain.webhooks import DeliveryOutcome, filter_from_json, filter_to_json
from hub.store.db import Connection
from hub.store.records import from_row


@dataclass(frozen=True)
class WebhookRecord:
    """A webhook's settings and state, as its owner sees them (never its secret)."""

    id: UUID
    owner_id: UUID
    url: str
    event_filter: EventFilter
    description: str
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None
    consecutive_failures: int
    failing_since: datetime | None
    position: int
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ClaimedWebhook:
    """A webhook a delivery worker holds the lease of: what it needs to send the next event."""

    id: UUID
    url: str
    secret: str
    event_filter: EventFilter
    position: int
    pending_position: int | None
    pending_attempts: int
    consecutive_failures: int
    failing_since: datetime | None
    # Its URL's host, lowercased (HOST_KEY): deliveries to one host share its slots.
    host: str


@dataclass(frozen=True)
class DeliveryRecord:
    """One attempt of the delivery log."""

    id: UUID
    seq: int
    webhook_id: UUID
    event_position: int
    attempt: int
    started_at: datetime
    duration_ms: int
    http_status: int | None
    error: str | None
    outcome: DeliveryOutcome
    next_attempt_at: datetime | None


_COLUMNS = """id, owner_id, url, filter, description, enabled, disabled_at, disabled_reason,
    consecutive_failures, failing_since, position, next_attempt_at, created_at, updated_at"""


def _record(row: Any) -> WebhookRecord:
    return from_row(WebhookRecord, row, event_filter=filter_from_json(row["filter"]))


async def insert_webhook(
    conn: Connection,
    webhook_id: UUID,
    owner_id: UUID,
    url: str,
    secret: str,
    event_filter: EventFilter,
    description: str,
    position: int,
) -> WebhookRecord:
    """Store a new, enabled webhook that starts after event `position`."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO webhook (id, owner_id, url, secret, filter, description, position)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        RETURNING {_COLUMNS}
        """,
        webhook_id,
        owner_id,
        url,
        secret,
        filter_to_json(event_filter),
        description,
        position,
    )
    return _record(row)


async def count_owned(conn: Connection, owner_id: UUID) -> int:
    """How many webhooks a user has."""
    count: int = await conn.fetchval("SELECT count(*) FROM webhook WHERE owner_id = $1", owner_id)
    return count


async def lock_owner(conn: Connection, owner_id: UUID) -> None:
    """Serialize webhook creation per user (so that two at once cannot pass the limit)."""
    await conn.execute("SELECT 1 FROM app_user WHERE id = $1 FOR UPDATE", owner_id)


async def get_webhook(
    conn: Connection, webhook_id: UUID, *, lock: bool = False
) -> WebhookRecord | None:
    """A webhook by id (locked for the transaction when `lock`)."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM webhook WHERE id = $1{' FOR UPDATE' if lock else ''}",
        webhook_id,
    )
    return _record(row) if row else None


async def list_webhooks(conn: Connection, owner_id: UUID | None) -> list[WebhookRecord]:
    """A user's webhooks (everybody's when `owner_id` is None), oldest first."""
    rows = await conn.fetch(
        f"""
        SELECT {_COLUMNS} FROM webhook
        WHERE $1::uuid IS NULL OR owner_id = $1
        ORDER BY created_at, id
        """,
        owner_id,
    )
    return [_record(row) for row in rows]


async def _update(
    conn: Connection, webhook_id: UUID, assignments: str, *args: Any
) -> WebhookRecord:
    """Run `UPDATE webhook SET <assignments>` on one webhook; `args` fill `$2` onwards."""
    row = await conn.fetchrow(
        f"UPDATE webhook SET {assignments} WHERE id = $1 RETURNING {_COLUMNS}", webhook_id, *args
    )
    return _record(row)


# Dropping the pending retries and the lease: nothing is sent until a worker claims it anew.
_NOTHING_PENDING = """pending_position = NULL, pending_attempts = 0, next_attempt_at = NULL,
    lease_token = NULL, lease_until = NULL, updated_at = now()"""


async def update_settings(
    conn: Connection,
    webhook_id: UUID,
    url: str,
    event_filter: EventFilter,
    description: str,
    *,
    restart_retries: bool,
) -> WebhookRecord:
    """Change what a webhook sends where; `restart_retries` forgets the pending attempts (a new
    URL is tried at once). Any change drops the lease: a delivery in flight records its attempt
    but no longer moves the webhook on."""
    return await _update(
        conn,
        webhook_id,
        """url = $2, filter = $3, description = $4, updated_at = now(),
            lease_token = NULL, lease_until = NULL,
            pending_position = CASE WHEN $5 THEN NULL ELSE pending_position END,
            pending_attempts = CASE WHEN $5 THEN 0 ELSE pending_attempts END,
            next_attempt_at = CASE WHEN $5 THEN NULL ELSE next_attempt_at END""",
        url,
        filter_to_json(event_filter),
        description,
        restart_retries,
    )


async def disable(conn: Connection, webhook_id: UUID, reason: str) -> WebhookRecord:
    """Stop deliveries; the position stays where it is."""
    return await _update(
        conn,
        webhook_id,
        f"enabled = false, disabled_at = now(), disabled_reason = $2, {_NOTHING_PENDING}",
        reason,
    )


async def enable(conn: Connection, webhook_id: UUID, position: int) -> WebhookRecord:
    """Deliver again, from after event `position`, with a clean failure count."""
    return await _update(
        conn,
        webhook_id,
        f"""enabled = true, disabled_at = NULL, disabled_reason = NULL,
            consecutive_failures = 0, failing_since = NULL, position = $2, {_NOTHING_PENDING}""",
        position,
    )


async def set_secret(conn: Connection, webhook_id: UUID, secret: str) -> WebhookRecord:
    """Replace the signing secret."""
    return await _update(conn, webhook_id, "secret = $2, updated_at = now()", secret)


async def delete_webhook(conn: Connection, webhook_id: UUID) -> bool:
    """Delete a webhook and its log; False when there was none."""
    result = await conn.execute("DELETE FROM webhook WHERE id = $1", webhook_id)
    return result.endswith(" 1")


def host_key(url_column: str) -> str:
    """SQL for the host of a webhook URL, lowercased and without a final dot ('' if none). One
    definition, here, for the claim's filter and the host it returns, so that they agree."""
    return (
        f"coalesce(rtrim(lower(substring({url_column} from "
        r"'^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^]/?#]*\]|[^:/?#]*)')), '.'), '')"
    )


_CLAIMED = f"""w.id, w.url, w.secret, w.filter, w.position, w.pending_position,
    w.pending_attempts, w.consecutive_failures, w.failing_since, {host_key("w.url")} AS host"""


async def claim_due(
    conn: Connection,
    now: datetime,
    newest: int,
    token: UUID,
    lease_until: datetime,
    limit: int,
    per_host: int | None = None,
    in_flight: dict[str, int] | None = None,
) -> list[ClaimedWebhook]:
    """Lease up to `limit` enabled webhooks with events after their position whose next attempt
    is due and whose lease is free; with `per_host`, no more of one receiver host
    (ClaimedWebhook.host) than it leaves beside the `in_flight` deliveries to that host, the
    first due of each host first. SKIP LOCKED: two workers claiming at once never share one."""
    in_flight = in_flight or {}
    rows = await conn.fetch(
        f"""
        WITH ready AS (
            SELECT id, row_number() OVER (
                       PARTITION BY {host_key("url")} ORDER BY next_attempt_at NULLS FIRST, id
                   ) AS nth,
                   {host_key("url")} AS host
            FROM webhook
            WHERE enabled AND position < $2
              AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
              AND (lease_until IS NULL OR lease_until < $1)
              -- A disabled account's webhooks wait (they resume if it is enabled again).
              AND NOT EXISTS (
                  SELECT 1 FROM app_user u WHERE u.id = owner_id AND u.disabled_at IS NOT NULL
              )
        ), due AS (
            SELECT w.id FROM webhook w JOIN ready r ON r.id = w.id
            WHERE r.nth + coalesce(
                      (SELECT b.n FROM unnest($6::text[], $7::int[]) AS b(host, n)
                       WHERE b.host = r.host), 0
                  ) <= $8
              -- Again on the locked row: another worker may have claimed it meanwhile.
              AND w.enabled AND w.position < $2
              AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= $1)
              AND (w.lease_until IS NULL OR w.lease_until < $1)
            ORDER BY w.next_attempt_at NULLS FIRST, w.id
            LIMIT $5
            FOR UPDATE OF w SKIP LOCKED
        )
        UPDATE webhook AS w SET lease_token = $3, lease_until = $4
        FROM due WHERE w.id = due.id
        RETURNING {_CLAIMED}
        """,
        now,
        newest,
        token,
        lease_until,
        limit,
        list(in_flight),
        list(in_flight.values()),
        limit if per_host is None else per_host,
    )
    return [from_row(ClaimedWebhook, r, event_filter=filter_from_json(r["filter"])) for r in rows]


async def move_on(
    conn: Connection,
    webhook_id: UUID,
    token: UUID,
    lease_until: datetime,
    *,
    position: int,
    pending_position: int | None,
    pending_attempts: int,
    next_attempt_at: datetime | None,
    consecutive_failures: int,
    failing_since: datetime | None,
) -> bool:
    """Save a held webhook's progress and extend its lease; False when the lease was lost (the
    webhook changed, was deleted, or another worker took it over after the lease ran out)."""
    result = await conn.execute(
        """
        UPDATE webhook SET position = $4, pending_position = $5, pending_attempts = $6,
            next_attempt_at = $7, consecutive_failures = $8, failing_since = $9,
            lease_until = $3
        WHERE id = $1 AND lease_token = $2
        """,
        webhook_id,
        token,
        lease_until,
        position,
        pending_position,
        pending_attempts,
        next_attempt_at,
        consecutive_failures,
        failing_since,
    )
    return result.endswith(" 1")


async def release(conn: Connection, webhook_id: UUID, token: UUID) -> None:
    """Give a webhook's lease back."""
    await conn.execute(
        "UPDATE webhook SET lease_token = NULL, lease_until = NULL "
        "WHERE id = $1 AND lease_token = $2",
        webhook_id,
        token,
    )


async def release_all(conn: Connection, token: UUID) -> None:
    """Give back every lease a worker holds (it is stopping)."""
    await conn.execute(
        "UPDATE webhook SET lease_token = NULL, lease_until = NULL WHERE lease_token = $1", token
    )


async def insert_delivery(
    conn: Connection,
    delivery_id: UUID,
    webhook_id: UUID,
    event_position: int,
    attempt: int,
    started_at: datetime,
    duration_ms: int,
    http_status: int | None,
    error: str | None,
    outcome: DeliveryOutcome,
    next_attempt_at: datetime | None,
) -> None:
    """Log an attempt (nothing when the webhook was deleted meanwhile)."""
    await conn.execute(
        """
        INSERT INTO webhook_delivery (id, webhook_id, event_position, attempt, started_at,
            duration_ms, http_status, error, outcome, next_attempt_at)
        SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
        WHERE EXISTS (SELECT 1 FROM webhook WHERE id = $2)
        """,
        delivery_id,
        webhook_id,
        event_position,
        attempt,
        started_at,
        duration_ms,
        http_status,
        error,
        outcome.value,
        next_attempt_at,
    )


async def deliveries(
    conn: Connection, webhook_id: UUID, before_seq: int | None, limit: int
) -> list[DeliveryRecord]:
    """A webhook's delivery log, newest first, from before `before_seq` (a page's cursor)."""
    rows = await conn.fetch(
        """
        SELECT id, seq, webhook_id, event_position, attempt, started_at, duration_ms,
               http_status, error, outcome, next_attempt_at
        FROM webhook_delivery
        WHERE webhook_id = $1 AND ($2::bigint IS NULL OR seq < $2)
        ORDER BY seq DESC
        LIMIT $3
        """,
        webhook_id,
        before_seq,
        limit,
    )
    return [from_row(DeliveryRecord, r, outcome=DeliveryOutcome(r["outcome"])) for r in rows]


async def count_deliveries(conn: Connection, webhook_id: UUID) -> int:
    """How many attempts a webhook's log holds."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM webhook_delivery WHERE webhook_id = $1", webhook_id
    )
    return count


async def prune_deliveries(conn: Connection, before: datetime) -> int:
    """Forget attempts started before `before`; returns how many."""
    result = await conn.execute("DELETE FROM webhook_delivery WHERE started_at < $1", before)
    return int(result.split()[-1])
