"""LiveHub: one process's relay, broker and fanout, started and stopped with the app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import suppress
from typing import Protocol

from hub.domain.live import EventFilter
from hub.live.broker import Broker, PostgresBroker, RedisBroker
from hub.live.cohorts import Member
from hub.live.fanout import Delivery, Fanout
from hub.live.relay import Relay
from hub.live.stream import check_resume_point, entry_events, join_cohort
from hub.settings import Settings
from hub.store.db import DATABASE_ERRORS, Database

log = logging.getLogger(__name__)
GOING_AWAY = 1001
LIVE_POOL_SIZE = 4


class Closable(Protocol):
    """An open WebSocket, as far as shutting down is concerned."""

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Close the connection with `code`."""


# The application_name of the relay's sessions in pg_stat_activity.
LIVE_POOL_NAME = "crisis-hub-live"


class LiveHub:
    """Everything live in one hub process.

    It has a small pool of its own: replays for a crowd of reconnecting clients must not starve
    the requests, nor a burst of requests delay the relay.
    """

    @classmethod
    async def open(cls, settings: Settings) -> LiveHub:
        """A LiveHub with its own pool on the hub's database (call start() next)."""
        db = await Database.connect(
            settings.dsn(), min_size=1, max_size=LIVE_POOL_SIZE, name=LIVE_POOL_NAME
        )
        return cls(db, settings)

    def __init__(self, db: Database, settings: Settings) -> None:
        self._db = db
        self._settings = settings
        self.fanout = Fanout(db, settings.live_queue_size)
        self.broker: Broker = (
            RedisBroker(settings.redis_url) if settings.redis_url else PostgresBroker(db)
        )
        self.relay = Relay(db, self.fanout, self.broker, settings.live_poll_seconds)
        self.connections: set[Closable] = set()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start relaying and listening."""
        try:
            await self.fanout.start()
        except DATABASE_ERRORS as error:
            # An unmigrated database: the relay starts the fanout once it can.
            log.warning("live events wait for the database: %s", error)
        self._tasks = [
            asyncio.create_task(self.relay.run(self._stop), name="live-relay"),
            asyncio.create_task(self.broker.run(self.fanout, self._stop), name="live-broker"),
        ]
        log.info("live events through %s", self.broker.name)

    async def events(
        self, wanted: EventFilter, after: int | None, member: Member | None = None
    ) -> AsyncIterator[Delivery]:
        """A subscription's stream (see hub.live.stream.entry_events); with `member`, the
        replay only, after which the member is live in its cohort (hub.live.stream.join_cohort).

        Raises UnknownPosition or ReplayTooOld at once, before any event is streamed.
        """
        if after is not None:
            await check_resume_point(self._db, after, self._settings.live_replay_hours)
        if member is not None:
            return join_cohort(self._db, self.fanout, wanted, after, member)
        return entry_events(self._db, self.fanout, wanted, after)

    def status(self) -> dict[str, object]:
        """What /healthz shows: the broker, whether it is connected, subscribers, position."""
        return {
            "broker": self.broker.name,
            "brokerConnected": self.broker.connected,
            "subscribers": self.fanout.subscriber_count,
            "connections": len(self.connections),
            "lastEventId": str(self.fanout.last_position),
        }

    async def close_connections(self, reason: str) -> None:
        """Close every open WebSocket with 1001 (going away), so clients reconnect elsewhere."""
        for connection in list(self.connections):
            with suppress(Exception):
                await connection.close(GOING_AWAY, reason)

    async def stop(self) -> None:
        """Stop the relay and the broker subscription."""
        self._stop.set()
        for task in self._tasks:
            # Both only wait on sockets between passes; nothing half-done is lost by cancelling.
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        await self.broker.close()
        await self._db.close()
