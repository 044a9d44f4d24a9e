"""Job: check entries' source URLs; an entry whose source disappeared goes back to review.

The URLs come from submitters, so the checker fetches through hub.services.outbound: never
from private, loopback and link-local addresses (no requests into the hub's own network)
unless allowed (HUB_LINKCHECK_ALLOW_PRIVATE, for closed networks and the tests' local server),
connecting to the address it checked, re-checking every redirect (at most
HUB_LINKCHECK_MAX_REDIRECTS), reading no body, and giving up after HUB_LINKCHECK_TIMEOUT_MS.
What it finds is for reviewers: the public history shows only that the entry went back to
review (hub.domain.history).
"""

from __future__ import annotations

import asyncio
import logging

import httpcore

from hub.domain.enums import EventType, VerificationStatus
from hub.domain.verification import Action, source_gone, transition
from hub.services.addresses import Refused, Resolver, system_resolver
from hub.services.entries import record_change
from hub.services.outbound import OutboundClient, OutboundError
from hub.settings import Settings
from hub.store import entries, reviews, source_checks
from hub.store.db import Database

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 600.0
CHECK_EVERY_HOURS = 6.0
BATCH = 50
USER_AGENT = "crisis-hub-linkcheck"


def linkcheck_client(
    settings: Settings,
    *,
    allow_private: bool | None = None,
    resolver: Resolver = system_resolver,
    dialer: httpcore.AsyncNetworkBackend | None = None,
) -> OutboundClient:
    """The checker's HTTP client, as HUB_LINKCHECK_* settings describe it."""
    return OutboundClient(
        allow_private=settings.linkcheck_allow_private if allow_private is None else allow_private,
        user_agent=USER_AGENT,
        total_seconds=settings.linkcheck_timeout_seconds,
        # Only the status counts: no byte of any answer is read.
        max_body_bytes=0,
        max_redirects=settings.linkcheck_max_redirects,
        resolver=resolver,
        dialer=dialer,
    )


async def fetch_status(client: OutboundClient, url: str) -> int | None:
    """The HTTP status of `url` (HEAD, or GET where HEAD is not allowed); None if unreachable
    or not allowed (a private address, a redirect to one, too many redirects)."""
    try:
        fetched = await client.fetch("HEAD", url)
        if fetched.status in (405, 501):
            fetched = await client.fetch("GET", url)
        return fetched.status
    except (OutboundError, Refused) as error:
        log.info("source %s unreachable: %s", url, type(error).__name__)
        return None


async def check_sources(
    db: Database, client: OutboundClient | None = None, *, allow_private: bool = False
) -> int:
    """One round; returns how many entries lost their source."""
    own = client is None
    client = client or linkcheck_client(Settings.from_env(), allow_private=allow_private)
    lost = 0
    try:
        # Claim the batch (stamping it checked, so other workers pass it by) and commit before
        # any request: entries stay unlocked while their sources are fetched.
        async with db.transaction() as conn:
            due = await source_checks.claim_due(conn, CHECK_EVERY_HOURS, BATCH)
            for source in due:
                await source_checks.record_check(
                    conn, source.entry_id, source.url, None, source.failures
                )
        # Each URL once, however many entries cite it.
        urls = list(dict.fromkeys(d.url for d in due))
        fetched = await asyncio.gather(*(fetch_status(client, url) for url in urls))
        found = dict(zip(urls, fetched, strict=True))
        statuses = [found[d.url] for d in due]
        async with db.transaction() as conn:
            for source, status in zip(due, statuses, strict=True):
                ok = status is not None and status < 400
                failures = 0 if ok else source.failures + 1
                await source_checks.record_check(
                    conn, source.entry_id, source.url, status, failures
                )
                if ok or not source_gone(status, failures):
                    continue
                locked = await entries.lock_entry(conn, source.entry_id)
                if locked is None or locked[0].verification_status is not (
                    VerificationStatus.VERIFIED
                ):
                    continue
                entry = locked[0]
                state = transition(entry.verification_status, Action.SOURCE_LOST)
                await reviews.set_verification(conn, entry.id, state, new_round=True)
                requeued = (await entries.get_entries(conn, [entry.id]))[entry.id]
                await record_change(
                    conn,
                    requeued,
                    EventType.STATUS_CHANGED,
                    None,
                    "source.lost",
                    before=entry,
                    extra={"url": source.url, "httpStatus": status},
                )
                lost += 1
    finally:
        if own:
            await client.aclose()
    return lost


async def check_sources_job(db: Database) -> None:
    """The worker's entry point (HUB_LINKCHECK_ENABLED=false turns it off)."""
    settings = Settings.from_env()
    if not settings.linkcheck_enabled:
        return
    async with linkcheck_client(settings) as client:
        lost = await check_sources(db, client)
    if lost:
        log.info("%d entries lost their source and went back to review", lost)
