"""One subscription's stream: the replay of what it missed, then live events, each once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from hub.domain.live import (
    EventFilter,
    ReplayTooOld,
    TooFarBehind,
    UnknownPosition,
    replay_too_old,
)
from hub.live.cohorts import Member
from hub.live.fanout import PAGE, Delivery, Fanout, Subscriber
from hub.store import live as store
from hub.store.db import Database
from hub.store.outbox_retention import pruned_through


async def check_resume_point(db: Database, after: int, replay_hours: int) -> None:
    """Refuse a resume point from elsewhere, or one whose missed events left the replay window
    (or the outbox: the retention job deleted some of them)."""
    async with db.connection() as conn:
        if after > await store.last_position(conn):
            raise UnknownPosition
        if after < await pruned_through(conn):
            raise ReplayTooOld
        oldest = await store.first_missed_at(conn, after)
    if replay_too_old(oldest, datetime.now(UTC), replay_hours):
        raise ReplayTooOld


async def entry_events(
    db: Database, fanout: Fanout, wanted: EventFilter, after: int | None
) -> AsyncIterator[Delivery]:
    """Every event passing `wanted` after position `after` (None: from now on), in order.

    Check `after` with check_resume_point first.

    The subscriber joins the fanout before the replay starts, so what commits during the replay
    waits in its queue: the replay covers (after, since], the queue everything after `since`.
    """
    subscriber = fanout.subscribe(wanted)
    try:
        async for delivery in _missed(db, fanout, subscriber, after):
            yield delivery
        seen = _seen(subscriber, after)
        queue = subscriber.queue
        while queue is not None:
            slot = await queue.get()
            if slot is None:
                raise TooFarBehind
            if slot.event.position > seen:
                yield slot
    finally:
        fanout.unsubscribe(subscriber)


async def join_cohort(
    db: Database, fanout: Fanout, wanted: EventFilter, after: int | None, member: Member
) -> AsyncIterator[Delivery]:
    """Make `member` a live subscriber of every event passing `wanted` after `after`.

    Check `after` with check_resume_point first. This yields the replay of what was missed (its
    own execution renders each), then returns with the member live: from then on the fanout
    pushes its cohort's renderings into its sink until `member.leave()` or its sink is full.
    The member joins before the replay starts; what commits meanwhile waits in its hold.
    """
    subscriber = fanout.subscribe(wanted, member)
    member.joined(lambda: fanout.unsubscribe(subscriber))
    try:
        async for delivery in _missed(db, fanout, subscriber, after):
            yield delivery
    except BaseException:
        # The replay failed or its consumer went away: the member never went live.
        member.leave()
        raise
    member.go_live(_seen(subscriber, after))


async def _missed(
    db: Database, fanout: Fanout, subscriber: Subscriber, after: int | None
) -> AsyncIterator[Delivery]:
    """The replay of what a resuming subscriber missed; nothing without a resume point."""
    if after is not None:
        async for delivery in _replay(db, fanout, subscriber, after):
            yield delivery


def _seen(subscriber: Subscriber, after: int | None) -> int:
    """The last position a subscriber has been sent before its live events. A resume point
    that this process has not announced yet (the client saw it on a faster process) counts:
    live events up to it are skipped."""
    return subscriber.since if after is None else max(after, subscriber.since)


async def _replay(
    db: Database, fanout: Fanout, subscriber: Subscriber, after: int
) -> AsyncIterator[Delivery]:
    position = after
    while position < subscriber.since:
        async with db.connection() as conn:
            events = await store.events_between(conn, position, subscriber.since, PAGE)
        if not events:
            return
        for delivery in await fanout.prepare(events, subscriber.wanted):
            yield delivery
        position = events[-1].position
