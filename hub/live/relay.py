"""The relay: stamps committed outbox rows with positions in commit order, then publishes them.

Every hub process runs one; a NOTIFY sent by each committing transaction wakes them all, and
the stamping lock lets one at a time number what has become visible. Whoever stamped a batch
publishes it through the broker and hands it to its own fanout.
"""

from __future__ import annotations

import asyncio
import logging

from hub.live.broker import Broker
from hub.live.fanout import Announcement, Fanout
from hub.live.waiting import wait_or_stop
from hub.store import live as store
from hub.store.db import DATABASE_ERRORS, Database

log = logging.getLogger(__name__)
OUTBOX_CHANNEL = "hub_outbox"
BATCH = 1000
# A retry is one connection attempt per process: cheap enough to make every 5 s, so live events
# follow within seconds once PostgreSQL is back (at 30 s they lagged HTTP by up to half a minute).
MAX_BACKOFF = 5.0


class Relay:
    """One process's relay."""

    def __init__(self, db: Database, fanout: Fanout, broker: Broker, poll_seconds: float) -> None:
        self._db = db
        self._fanout = fanout
        self._broker = broker
        # Also stamp on a timer: a notification can be lost while the listener reconnects.
        self._poll_seconds = poll_seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Stamp and publish until `stop` is set."""
        wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        next_catch_up = loop.time()
        backoff = 1.0
        while not stop.is_set():
            try:
                # Not before the database is migrated (readyz says when it is).
                await self._fanout.start()
                async with self._db.listening(OUTBOX_CHANNEL, lambda _payload: wake.set()) as lsn:
                    wake.set()
                    while not stop.is_set() and not lsn.lost:
                        await wait_or_stop(stop, self._poll_seconds, wake)
                        wake.clear()
                        await self.stamp_and_publish()
                        backoff = 1.0
                        if loop.time() >= next_catch_up:
                            # A publish this process missed (Redis down, say) is read here.
                            next_catch_up = loop.time() + self._poll_seconds
                            await self._fanout.catch_up()
            except DATABASE_ERRORS as error:
                log.warning("live relay: %s; retrying in %.0f s", error, backoff)
                await wait_or_stop(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            except Exception:
                # The relay is the process's only stamper and publisher: never let it die.
                log.exception("live relay failed; restarting it in %.0f s", backoff)
                await wait_or_stop(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    async def stamp_and_publish(self) -> int:
        """Stamp everything committed so far; returns how many events were stamped."""
        stamped = 0
        while True:
            async with self._db.transaction() as conn:
                events = await store.stamp_committed(conn, BATCH)
            if not events:
                return stamped
            stamped += len(events)
            # Other processes first: the local fanout is one subscriber set among many.
            await self._broker.publish(events)
            await self._fanout.announce(Announcement(events[-1].position, tuple(events)))
            if len(events) < BATCH:
                return stamped
