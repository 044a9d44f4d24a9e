"""One process's subscribers, and the delivery of committed events to them in position order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hub.domain.live import EventFilter, LiveEvent, matches
from hub.domain.model import Entry
from hub.live.cohorts import Member, Shape
from hub.store import entries
from hub.store import live as store
from hub.store.db import Database

log = logging.getLogger(__name__)
PAGE = 500
# Frames written between two chances for the process's other work to run.
YIELD_EVERY = 500


@dataclass(frozen=True)
class Announcement:
    """News that events up to `last_position` are committed; `events` may carry some of them."""

    last_position: int
    events: tuple[LiveEvent, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """An event for one subscriber, with the entry as it is now.

    `shared` is one dict per delivered batch, the same for every subscriber of the process: the
    GraphQL layer keeps the batch's DataLoaders there, so that 1,000 subscribers reading the
    same entry's organization cost one query, not 1,000.
    """

    event: LiveEvent
    entry: Entry | None
    shared: dict[str, Any]
    replayed: bool = False


# What a subscriber's queue holds: deliveries, or None once it has fallen too far behind.
Slot = Delivery | None


@dataclass(eq=False, slots=True)
class Subscriber:
    """A local subscriber: its filter, and either a cohort membership or a bounded queue.

    A member of a cohort is sent renderings shared with its cohort (hub.live.cohorts); a
    subscriber without one (the legacy graphql-ws protocol) gets deliveries on its queue, and
    its own execution renders each.
    """

    wanted: EventFilter
    # The last position delivered to the process when this subscriber joined.
    since: int
    queue: asyncio.Queue[Slot] | None = None
    member: Member | None = None
    behind: bool = False

    def offer(self, delivery: Delivery) -> None:
        """Queue `delivery` without waiting; a full queue marks the subscriber as behind."""
        if self.behind or self.queue is None:
            return
        try:
            self.queue.put_nowait(delivery)
        except asyncio.QueueFull:
            # Never wait for a slow client: drop what it has not read and tell it to resume.
            self.behind = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class Fanout:
    """Receives announcements from the relay and the broker; delivers each event once, in order."""

    def __init__(self, db: Database, queue_size: int) -> None:
        self._db = db
        self._queue_size = queue_size
        self._subscribers: set[Subscriber] = set()
        # Subscribers by filter, then by shape (None: those with a queue of their own): each
        # filter is evaluated once per event and each shape rendered once, however many share
        # them, and nothing is regrouped per event.
        self._by_filter: dict[EventFilter, dict[Shape | None, set[Subscriber]]] = {}
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self.last_position = 0
        self.started = False

    async def start(self) -> None:
        """Start from the newest committed event: live subscribers see only what follows."""
        if self.started:
            return
        async with self._db.connection() as conn:
            self.last_position = await store.last_position(conn)
        self.started = True

    @property
    def subscriber_count(self) -> int:
        """How many subscribers this process serves."""
        return len(self._subscribers)

    def subscribe(self, wanted: EventFilter, member: Member | None = None) -> Subscriber:
        """Register a subscriber for every event after the current position: a member of a
        cohort when `member` is given, a subscriber with a bounded queue otherwise."""
        queue: asyncio.Queue[Slot] | None = None
        if member is None:
            queue = asyncio.Queue(maxsize=self._queue_size)
        subscriber = Subscriber(wanted, self.last_position, queue, member)
        self._subscribers.add(subscriber)
        shapes = self._by_filter.setdefault(wanted, {})
        shapes.setdefault(member.shape if member else None, set()).add(subscriber)
        self._changed.set()
        return subscriber

    async def until_subscribers(self, count: int) -> None:
        """Wait until at least `count` subscribers are registered (benchmarks, tests)."""
        while len(self._subscribers) < count:
            self._changed.clear()
            await self._changed.wait()

    async def until_at_most(self, count: int) -> None:
        """Wait until at most `count` subscribers are registered (benchmarks, tests)."""
        while len(self._subscribers) > count:
            self._changed.clear()
            await self._changed.wait()

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Forget a subscriber (its stream ended)."""
        self._subscribers.discard(subscriber)
        self._changed.set()
        shapes = self._by_filter.get(subscriber.wanted)
        shape = subscriber.member.shape if subscriber.member else None
        sharing = shapes.get(shape) if shapes is not None else None
        if shapes is None or sharing is None:
            return
        sharing.discard(subscriber)
        if not sharing:
            del shapes[shape]
            if not shapes:
                del self._by_filter[subscriber.wanted]

    async def announce(self, news: Announcement) -> None:
        """Deliver every event up to `news.last_position` not delivered yet, reading gaps."""
        async with self._lock:
            if not self.started or news.last_position <= self.last_position:
                return
            carried = [e for e in news.events if e.position > self.last_position]
            expected = range(self.last_position + 1, news.last_position + 1)
            if [e.position for e in carried] == list(expected):
                await self._deliver(carried)
                return
            # A gap: a lost publish, a broker outage or a message that carried no events.
            await self._read_up_to(news.last_position)

    async def catch_up(self) -> None:
        """Deliver whatever was committed and not announced here (after an outage, say)."""
        await self.start()
        async with self._db.connection() as conn:
            newest = await store.last_position(conn)
        await self.announce(Announcement(newest))

    async def _read_up_to(self, upto: int) -> None:
        while self.last_position < upto:
            async with self._db.connection() as conn:
                events = await store.events_between(conn, self.last_position, upto, PAGE)
            if not events:
                return
            await self._deliver(events)

    async def prepare(self, events: Sequence[LiveEvent], wanted: EventFilter) -> list[Delivery]:
        """The deliveries of `events` that pass `wanted` (for a replay), entries loaded at once."""
        found, shared = await self._load(events)
        return [
            Delivery(event, found.get(event.entry_id), shared, replayed=True)
            for event in events
            if matches(wanted, event, found.get(event.entry_id))
        ]

    async def _load(self, events: Sequence[LiveEvent]) -> tuple[dict[UUID, Entry], dict[str, Any]]:
        ids = list({e.entry_id for e in events if e.is_entry_event})
        found: dict[UUID, Entry] = {}
        if ids:
            async with self._db.connection() as conn:
                found = await entries.get_entries(conn, ids)
        return found, {"entries": found}

    async def _deliver(self, events: Sequence[LiveEvent]) -> None:
        found, shared = await self._load(events)
        for event in events:
            entry = found.get(event.entry_id)
            # First: a subscriber joining while this event is rendered or written (both await)
            # starts after it, and its replay, if it asked for one, covers it.
            self.last_position = event.position
            if entry is not None:
                await self._deliver_one(Delivery(event, entry, shared))

    async def _deliver_one(self, delivery: Delivery) -> None:
        event = delivery.event
        cohorts: dict[Shape, list[set[Subscriber]]] = {}
        for wanted, shapes in list(self._by_filter.items()):
            if not matches(wanted, event, delivery.entry):
                continue
            for shape, sharing in shapes.items():
                if shape is None:
                    for subscriber in sharing:
                        if event.position > subscriber.since:
                            subscriber.offer(delivery)
                else:
                    cohorts.setdefault(shape, []).append(sharing)
        if not cohorts:
            return
        shapes_to_render = list(cohorts)
        renderings = await asyncio.gather(*(shape.render(delivery) for shape in shapes_to_render))
        written = 0
        for shape, rendered in zip(shapes_to_render, renderings, strict=True):
            for sharing in cohorts[shape]:
                # A copy: a member that falls behind leaves its set.
                for subscriber in list(sharing):
                    member = subscriber.member
                    if event.position <= subscriber.since or member is None or member.done:
                        continue
                    if not member.push(event.position, rendered):
                        member.end()
                    written += 1
                    if written % YIELD_EVERY == 0:
                        # Thousands of writes in a row would hold up this process's requests
                        # (a write taken here waits for the whole fan-out); the next event
                        # still waits for this one (the lock is held).
                        await asyncio.sleep(0)
