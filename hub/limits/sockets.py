"""How many WebSockets one client, and everyone, may hold open in this process.

Each socket costs a task, queues and a subscription's filters for as long as it stays open, so
the cap is on what is held, not on how fast it was opened (hub.limits.table's ws_connect does
that). The count is per process: with `hub serve --workers N` a client may hold N times as many.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager


class TooManySockets(Exception):
    """The client, or the process, holds as many WebSockets as it may."""

    def __init__(self, per_client: bool) -> None:
        super().__init__("too many WebSockets from this client" if per_client else "server full")
        self.per_client = per_client


class SocketCaps:
    """Counts open sockets by client key."""

    def __init__(self, per_client: int, total: int) -> None:
        self.per_client = per_client
        self.total = total
        self._open: Counter[str] = Counter()
        self.open = 0

    @contextmanager
    def held(self, client: str) -> Iterator[None]:
        """Hold one socket for `client` for the block; TooManySockets when over a cap."""
        if self._open[client] >= self.per_client:
            raise TooManySockets(per_client=True)
        if self.open >= self.total:
            raise TooManySockets(per_client=False)
        self._open[client] += 1
        self.open += 1
        try:
            yield
        finally:
            self.open -= 1
            self._open[client] -= 1
            if self._open[client] <= 0:
                del self._open[client]
