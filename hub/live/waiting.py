"""Waiting for whichever comes first: an event, a stop request or a timeout."""

from __future__ import annotations

import asyncio
from contextlib import suppress


async def wait_or_stop(
    stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None
) -> None:
    """Return after `seconds`, or as soon as `stop` (or `wake`, when given) is set."""
    events = [stop] if wake is None else [stop, wake]
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
            with suppress(asyncio.CancelledError):
                await waiter
