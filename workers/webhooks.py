"""Job: deliver entry events to webhooks, signed, in order per webhook, with retries.

Each round claims due webhooks (a lease taken with SKIP LOCKED, so two workers never send the
same webhook's events) and serves each in its own task: the events after its position that
match its filter, one at a time and in order, until none is left, an attempt fails, or it has
sent EVENTS_PER_CLAIM. A failed attempt is retried with exponential backoff and jitter; after
HUB_WEBHOOK_MAX_ATTEMPTS the event is marked FAILED and the next follows; too many FAILED events
in a row, or failing for too long, disables the webhook. Every attempt is logged.

Delivery is at least once: a worker that dies between the receiver's answer and the log keeps
its lease until it runs out, and the next worker sends that event again. Receivers deduplicate
on X-Hub-Event-Id. Webhooks do not wait for each other: up to HUB_WEBHOOK_CONCURRENCY are
served at once, and a round does not wait for slow receivers.

Receivers are URLs users gave, so deliveries go through hub.services.outbound: to the address
that was checked (no DNS rebinding), redirects not followed, the answer read only up to
RESPONSE_BYTES, and the whole delivery cut off at HUB_WEBHOOK_TIMEOUT_MS however slowly the
receiver trickles. At most HUB_WEBHOOK_CONCURRENCY_PER_HOST of the slots serve webhooks of one
receiver host (per worker process): webhooks of a host that has its share wait, unclaimed,
while others are served.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpcore

from hub.domain.live import LiveEvent, matches
from hub.domain.model import Entry
from hub.domain.webhook_payload import event_payload
from hub.domain.webhooks import (
    SIGNATURE_HEADER,
    USER_AGENT,
    DeliveryOutcome,
    RetryPolicy,
    signature,
    url_host,
)
from hub.observability.metrics import WEBHOOK_ATTEMPTS
from hub.services.addresses import Refused, Resolver, system_resolver
from hub.services.outbound import OutboundClient, OutboundError, TimedOut
from hub.services.webhook_deliveries import (
    Attempt,
    Lease,
    Recorded,
    record_attempt,
    release,
    skip_to,
)
from hub.settings import Settings
from hub.store import entries, live, organizations
from hub.store import webhooks as store
from hub.store.db import DATABASE_ERRORS, Database
from hub.store.webhooks import ClaimedWebhook

log = logging.getLogger(__name__)
# httpx logs every request's full URL at INFO, and a webhook URL's query often carries the
# receiver's own token: the hub's log says which webhook and host instead. (Deliveries go
# through httpcore, whose DEBUG traces are kept quiet the same way.)
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)
INTERVAL_SECONDS = 1.0
# Events read (and their entries loaded) per step.
BATCH = 100
# Then the lease is given back, so that a webhook with a long backlog takes turns with others.
EVENTS_PER_CLAIM = 200
# A lease outlives one attempt by this much; every attempt renews it.
LEASE_MARGIN_SECONDS = 30.0
# How much of a receiver's answer to a failed delivery the log keeps.
EXCERPT_CHARS = 200
# How much of any answer is read: enough for the excerpt (UTF-8 takes up to 4 bytes a character).
RESPONSE_BYTES = EXCERPT_CHARS * 4
PRUNE_EVERY_SECONDS = 3600.0

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def policy_of(settings: Settings) -> RetryPolicy:
    """The retry policy HUB_WEBHOOK_* settings describe."""
    return RetryPolicy(
        first_delay=settings.webhook_retry_first_seconds,
        longest_delay=settings.webhook_retry_max_seconds,
        max_attempts=settings.webhook_max_attempts,
        disable_after_failures=settings.webhook_disable_after_failures,
        disable_after=timedelta(hours=settings.webhook_disable_after_hours),
    )


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


class WebhookDelivery:
    """The delivery job. `deliver_round` claims, serves and waits (tests, `hub worker --once`);
    calling the job starts tasks and returns at once (what `run_forever` repeats)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        rand: Callable[[], float] = random.random,
        resolver: Resolver = system_resolver,
        dialer: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._settings = settings
        self._policy = policy_of(settings)
        self._clock = clock
        self._rand = rand
        # This worker's lease token: claims, renewals and releases carry it.
        self.token = uuid.uuid4()
        self._client = OutboundClient(
            allow_private=settings.webhook_allow_private,
            user_agent=USER_AGENT,
            total_seconds=settings.webhook_timeout_seconds,
            max_body_bytes=RESPONSE_BYTES,
            # A redirect is an answer (not 2xx: a failed attempt), never followed.
            max_redirects=0,
            resolver=resolver,
            dialer=dialer,
        )
        self._tasks: dict[UUID, asyncio.Task[None]] = {}
        # The receiver host of each webhook being served (a task in _tasks, or in a round).
        self._hosts: dict[UUID, str] = {}
        self._stopping = False
        self._db: Database | None = None
        self._pruned_at = 0.0

    async def __call__(self, db: Database) -> None:
        """One round of the job: start serving newly due webhooks, without waiting for them."""
        self._db = db
        for webhook_id, task in list(self._tasks.items()):
            if task.done():
                del self._tasks[webhook_id]
                self._hosts.pop(webhook_id, None)
                if not task.cancelled() and task.exception() is not None:
                    log.error("webhook %s: delivery failed", webhook_id, exc_info=task.exception())
        free = self._settings.webhook_concurrency - len(self._tasks)
        if free > 0 and not self._stopping:
            for webhook in await self._claim(db, free):
                self._tasks[webhook.id] = asyncio.create_task(
                    self._serve(db, webhook), name=f"webhook-{webhook.id}"
                )
        await self._prune(db)

    async def deliver_round(self, db: Database) -> list[Recorded]:
        """Claim every due webhook (up to the concurrency), serve them and wait; returns what
        each attempt came to."""
        self._db = db
        done: list[Recorded] = []
        claimed = await self._claim(db, self._settings.webhook_concurrency)
        try:
            await asyncio.gather(*(self._serve(db, webhook, done) for webhook in claimed))
        finally:
            for webhook in claimed:
                self._hosts.pop(webhook.id, None)
        return done

    async def aclose(self) -> None:
        """Stop: let attempts in flight finish (up to one timeout), give the leases back."""
        self._stopping = True
        tasks = list(self._tasks.values())
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self._settings.webhook_timeout_seconds)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()
        self._hosts.clear()
        if self._db is not None:
            try:
                async with self._db.transaction() as conn:
                    await store.release_all(conn, self.token)
            except DATABASE_ERRORS:
                log.warning("webhooks: could not give the leases back; they run out on their own")
        await self._client.aclose()

    def _lease(self) -> Lease:
        seconds = self._settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS
        return Lease(self.token, self._clock() + timedelta(seconds=seconds))

    async def _claim(self, db: Database, limit: int) -> list[ClaimedWebhook]:
        """Lease due webhooks, at most `limit`, and none beyond a receiver host's share; they
        count against their host's share until served (the caller forgets them)."""
        # Number what committed: no `hub serve` relay may be running beside a lone worker.
        async with db.transaction() as conn:
            await live.stamp_committed(conn)
        in_flight = Counter(self._hosts.values())
        async with db.transaction() as conn:
            newest = await live.last_position(conn)
            lease = self._lease()
            claimed = await store.claim_due(
                conn,
                self._clock(),
                newest,
                lease.token,
                lease.until,
                limit,
                per_host=self._settings.webhook_concurrency_per_host,
                in_flight=dict(in_flight),
            )
        for webhook in claimed:
            self._hosts[webhook.id] = webhook.host
        return claimed

    async def _next_match(
        self, db: Database, webhook: ClaimedWebhook
    ) -> tuple[int, tuple[LiveEvent, Entry] | None] | None:
        """The position up to which events are left out by the filter, and the first event it
        lets through (with its entry); None when no event follows the webhook's position."""
        async with db.connection() as conn:
            newest = await live.last_position(conn)
            events = await live.events_between(conn, webhook.position, newest, BATCH)
            if not events:
                return None
            found = await entries.get_entries(
                conn, [e.entry_id for e in events if e.is_entry_event]
            )
        skipped = webhook.position
        for event in events:
            entry = found.get(event.entry_id) if event.is_entry_event else None
            if entry is not None and matches(webhook.event_filter, event, entry):
                return skipped, (event, entry)
            skipped = event.position
        return skipped, None

    async def _serve(
        self, db: Database, webhook: ClaimedWebhook, done: list[Recorded] | None = None
    ) -> None:
        lease = self._lease()
        try:
            sent = 0
            # Stopping ends the loop after an attempt, never before the first one.
            while sent < EVENTS_PER_CLAIM:
                step = await self._next_match(db, webhook)
                if step is None:
                    return
                skipped, target = step
                if skipped > webhook.position:
                    lease = self._lease()
                    if not await skip_to(db, webhook, skipped, lease):
                        return
                    webhook = replace(webhook, position=skipped)
                if target is None:
                    continue
                event, entry = target
                recorded = await self._deliver(db, webhook, event, entry)
                WEBHOOK_ATTEMPTS.labels(recorded.outcome.value).inc()
                sent += 1
                if done is not None:
                    done.append(recorded)
                if self._stopping or not recorded.held:
                    return
                if recorded.outcome is DeliveryOutcome.RETRYING:
                    return
                if recorded.disabled_reason is not None:
                    log.warning(
                        "webhook %s to %s disabled: %s",
                        webhook.id,
                        url_host(webhook.url),
                        recorded.disabled_reason,
                    )
                    return
                webhook = recorded.webhook
        finally:
            try:
                await release(db, webhook.id, lease)
            except DATABASE_ERRORS:
                log.warning("webhook %s: lease not given back; it runs out", webhook.id)

    async def _deliver(
        self, db: Database, webhook: ClaimedWebhook, event: LiveEvent, entry: Entry
    ) -> Recorded:
        organization = None
        if entry.draft.organization_id is not None:
            async with db.connection() as conn:
                found = await organizations.get_organizations(conn, [entry.draft.organization_id])
            organization = found.get(entry.draft.organization_id)
        body = event_payload(event, entry, organization)
        previous = webhook.pending_attempts if webhook.pending_position == event.position else 0
        attempt = await self._post(webhook, event.position, previous + 1, body)
        if not attempt.ok:
            log.info(
                "webhook %s to %s: event %d attempt %d failed: %s",
                webhook.id,
                url_host(webhook.url),
                event.position,
                attempt.number,
                attempt.error,
            )
        return await record_attempt(
            db, webhook, attempt, self._lease(), self._policy, self._clock(), self._rand()
        )

    async def _post(
        self, webhook: ClaimedWebhook, position: int, number: int, body: bytes
    ) -> Attempt:
        started_at = self._clock()
        began = time.monotonic()
        delivery_id = uuid.uuid4()
        headers = {
            "content-type": "application/json",
            SIGNATURE_HEADER: signature(webhook.secret, int(started_at.timestamp()), body),
            "x-hub-event-id": str(position),
            "x-hub-delivery-id": str(delivery_id),
        }
        status: int | None = None
        error: str | None = None
        try:
            # The client's deadline bounds the whole exchange, not each read.
            answer = await self._client.fetch("POST", webhook.url, content=body, headers=headers)
            status = answer.status
            if not 200 <= status < 300:
                error = f"HTTP {status}" + _excerpt(answer.body)
        except TimedOut:
            error = f"no answer within {self._settings.webhook_timeout_seconds:g} s"
        except Refused as refused:
            error = f"refused: {refused}"
        except OutboundError as failure:
            error = _short(str(failure))
        return Attempt(
            delivery_id=delivery_id,
            event_position=position,
            number=number,
            started_at=started_at,
            duration_ms=int((time.monotonic() - began) * 1000),
            http_status=status,
            error=error,
            ok=error is None,
        )

    async def _prune(self, db: Database) -> None:
        now = time.monotonic()
        if self._pruned_at and now - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = now
        before = self._clock() - timedelta(days=self._settings.webhook_log_days)
        async with db.transaction() as conn:
            pruned = await store.prune_deliveries(conn, before)
        if pruned:
            log.info("webhooks: forgot %d delivery attempts older than %s", pruned, before)


def _excerpt(raw: bytes) -> str:
    """': <the start of the answer>', or nothing; never more than EXCERPT_CHARS."""
    text = _short(raw.decode("utf-8", "replace")) if raw else ""
    return f": {text}" if text else ""


def webhook_delivery_job(settings: Settings | None = None) -> WebhookDelivery:
    """The delivery job (a Job for workers/run.py), configured from the environment."""
    return WebhookDelivery(Settings.from_env() if settings is None else settings)
