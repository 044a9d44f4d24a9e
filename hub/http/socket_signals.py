"""A WebSocket's inbox and its writable flag, at a fraction of asyncio's cost per connection.

uvicorn gives every WebSocket an asyncio.Queue (for what the client sends) and an asyncio.Event
(whether the transport takes more): five deques of 760 bytes between them, about 4 KB per
connection, which is an eighth of what an idle subscriber may cost. Each has exactly one
waiter at a time (the app's receive, the app's send), so a list and a future do.
"""

from __future__ import annotations

import asyncio
from typing import Any


class Inbox:
    """What the client sent, in order, for the one task that receives it."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        """Add `item`; wake the receiver."""
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        """The oldest item, waiting for one."""
        while not self._items:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        return self._items.pop(0)

    def empty(self) -> bool:
        """Whether nothing waits to be received."""
        return not self._items


class Flag:
    """Set or not; `wait` returns once it is set (asyncio.Event's interface, lighter)."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        """Whether the flag is set."""
        return self._set

    def set(self) -> None:
        """Set the flag and wake every waiter."""
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        """Unset the flag."""
        self._set = False

    async def wait(self) -> None:
        """Return once the flag is set."""
        if self._set:
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter
