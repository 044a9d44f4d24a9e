"""The per-process gauges (pool, live subscribers, WebSockets), set every few seconds.

Read at the moment they are sampled: a scrape sets its own process's first, and every process
(`hub serve --workers N`) samples on its own, so a scrape sees the others' figures at most
SAMPLE_SECONDS old. Sampling costs a few attribute reads, nothing per request.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from hub.observability.metrics import (
    DB_POOL_CONNECTIONS,
    DB_POOL_MAX,
    LIVE_CONNECTIONS,
    LIVE_SUBSCRIBERS,
)

SAMPLE_SECONDS = 5.0
_BUSY = DB_POOL_CONNECTIONS.labels("busy")
_IDLE = DB_POOL_CONNECTIONS.labels("idle")


def sample_process(state: Any) -> None:
    """Set this process's gauges from the app's state (what of it exists yet)."""
    db = getattr(state, "db", None)
    if db is not None:
        size, idle = db.pool_usage()
        _BUSY.set(size - idle)
        _IDLE.set(idle)
        DB_POOL_MAX.set(db.max_size)
    live = getattr(state, "live", None)
    if live is not None:
        LIVE_SUBSCRIBERS.set(live.fanout.subscriber_count)
        LIVE_CONNECTIONS.set(len(live.connections))


async def sample_forever(state: Any, stop: asyncio.Event) -> None:
    """Sample every SAMPLE_SECONDS until `stop` is set."""
    while not stop.is_set():
        sample_process(state)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)
