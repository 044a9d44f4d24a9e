"""How news of committed events reaches every hub process: Redis pub/sub, or PostgreSQL NOTIFY.

Each process holds one broker subscription and hands what arrives to its own Fanout, which
filters for its local subscribers; no client ever gets a connection to Redis of its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from hub.domain.enums import EventType
from hub.domain.live import LiveEvent
from hub.live.fanout import Announcement, Fanout
from hub.live.waiting import wait_or_stop
from hub.store import live as store
from hub.store.db import DATABASE_ERRORS, Database

log = logging.getLogger(__name__)
REDIS_CHANNEL = "crisis-hub:entry-events"
PG_CHANNEL = "hub_live"
MAX_BACKOFF = 5.0
PUBLISH_TIMEOUT = 1.0
IDLE_CATCH_UP = 5.0


class Broker(Protocol):
    """Publishes stamped events to every process and feeds this process's fanout."""

    name: str
    # Whether the broker's subscription is up right now.
    connected: bool

    async def publish(self, events: Sequence[LiveEvent]) -> None:
        """Tell every process about `events` (best effort: fanouts also catch up by polling)."""

    async def run(self, fanout: Fanout, stop: asyncio.Event) -> None:
        """Feed `fanout` until `stop` is set, reconnecting after outages."""

    async def close(self) -> None:
        """Release the broker's connections."""


def encode(events: Sequence[LiveEvent]) -> str:
    """The wire form of a batch of events (positions and ids only: never entry data)."""
    return json.dumps(
        {
            "last": events[-1].position,
            "events": [
                [
                    e.position,
                    e.outbox_id,
                    str(e.entry_id),
                    e.entry_kind,
                    e.event_type.value,
                    e.occurred_at.isoformat(),
                ]
                for e in events
            ],
        }
    )


def decode(raw: str | bytes) -> Announcement:
    """An announcement from the wire form; ValueError (or KeyError) when malformed."""
    data: Any = json.loads(raw)
    events = tuple(
        LiveEvent(
            position=int(position),
            outbox_id=int(outbox_id),
            entry_id=UUID(entry_id),
            entry_kind=str(kind),
            event_type=EventType(event_type),
            occurred_at=datetime.fromisoformat(occurred_at),
        )
        for position, outbox_id, entry_id, kind, event_type, occurred_at in data["events"]
    )
    return Announcement(int(data["last"]), events)


class RedisBroker:
    """Redis pub/sub: one publish per stamped batch, one subscription per process."""

    name = "redis"

    def __init__(self, url: str) -> None:
        self._redis = Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=15
        )
        # The subscription's own client never retries: redis-py would otherwise reconnect and
        # resubscribe silently, and the catch-up that must follow an outage would never run.
        self._listener = Redis.from_url(
            url,
            socket_connect_timeout=2,
            socket_timeout=5,
            health_check_interval=15,
            retry=Retry(NoBackoff(), 0),
        )
        self.connected = False
        self._publish_failing = False

    async def publish(self, events: Sequence[LiveEvent]) -> None:
        """Publish a batch; when Redis is down, fanouts catch up from PostgreSQL later.

        Bounded in time, so that a Redis that hangs cannot hold up the relay, and logged once
        per outage rather than once per batch.
        """
        try:
            async with asyncio.timeout(PUBLISH_TIMEOUT):
                await self._redis.publish(REDIS_CHANNEL, encode(events))
        except (RedisError, OSError, TimeoutError) as error:
            if not self._publish_failing:
                log.warning("live: cannot publish to Redis (%s); subscribers will catch up", error)
            self._publish_failing = True
            return
        if self._publish_failing:
            log.info("live: publishing to Redis again")
        self._publish_failing = False

    async def run(self, fanout: Fanout, stop: asyncio.Event) -> None:
        """Listen on the channel; after every (re)connection, catch up on what was missed."""
        backoff = 0.1
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            pubsub = self._listener.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(REDIS_CHANNEL)
                self.connected = True
                backoff = 0.1
                await fanout.catch_up()
                checked = loop.time()
                while not stop.is_set():
                    message = await pubsub.get_message(timeout=1.0)
                    if message is not None:
                        await self._announce(fanout, message["data"])
                    elif loop.time() - checked >= IDLE_CATCH_UP:
                        # Quiet for a while: make sure nothing was missed (one cheap query).
                        await fanout.catch_up()
                        checked = loop.time()
            except (RedisError, OSError) as error:
                if self.connected:
                    log.warning("live: lost Redis (%s); reconnecting", error)
                self.connected = False
                await wait_or_stop(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            except Exception:
                # Never let the one subscription of the process die: log, wait, start again.
                log.exception("live: the Redis listener failed; restarting it")
                await wait_or_stop(stop, MAX_BACKOFF)
            finally:
                self.connected = False
                with suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    @staticmethod
    async def _announce(fanout: Fanout, raw: str | bytes) -> None:
        try:
            news = decode(raw)
        except (ValueError, KeyError, TypeError):
            log.warning("live: ignored a malformed message on %s", REDIS_CHANNEL)
            return
        await fanout.announce(news)

    async def close(self) -> None:
        """Close the Redis connections."""
        await self._redis.aclose()
        await self._listener.aclose()


class PostgresBroker:
    """LISTEN/NOTIFY on the hub's own database: no extra service (the embedded default).

    A notification carries only the last position; each process reads the events themselves.
    """

    name = "postgres"

    def __init__(self, db: Database) -> None:
        self._db = db
        self.connected = False

    async def publish(self, events: Sequence[LiveEvent]) -> None:
        """Notify every process of the new last position."""
        try:
            async with self._db.connection() as conn:
                await store.notify(conn, PG_CHANNEL, str(events[-1].position))
        except DATABASE_ERRORS as error:
            log.warning("live: cannot notify (%s); subscribers will catch up", error)

    async def run(self, fanout: Fanout, stop: asyncio.Event) -> None:
        """Listen for positions; after every (re)connection, catch up on what was missed."""
        news: asyncio.Queue[int] = asyncio.Queue()
        while not stop.is_set():
            try:
                async with self._db.listening(
                    PG_CHANNEL, lambda payload: _put_int(news, payload)
                ) as listening:
                    self.connected = True
                    await fanout.catch_up()
                    while not stop.is_set():
                        if listening.lost:
                            raise ConnectionError("the listening connection closed")
                        try:
                            last = await asyncio.wait_for(news.get(), timeout=1.0)
                        except TimeoutError:
                            continue
                        await fanout.announce(Announcement(last))
            except DATABASE_ERRORS as error:
                log.warning("live: lost the notification connection (%s); reconnecting", error)
                await wait_or_stop(stop, 1.0)
            finally:
                self.connected = False

    async def close(self) -> None:
        """Nothing to close: the listening connection ends with `run`."""


def _put_int(queue: asyncio.Queue[int], payload: str) -> None:
    if payload.isdigit():
        queue.put_nowait(int(payload))
