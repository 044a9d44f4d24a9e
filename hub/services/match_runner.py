"""Where matching's CPU work runs: worker threads, a bounded number at a time, with what it
keeps between calls (parsed standards per entry version, answers per data version).

One runner per database (per application): tests and processes that run several hubs keep
their caches apart, and nothing outlives the database it was read from.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, ParamSpec, TypeVar

from hub.services.outcome import MatchingBusy
from hub.settings import Settings
from hub.store.db import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
P = ParamSpec("P")
R = TypeVar("R")

# Parsed standards of this many entry versions are kept (a few hundred bytes each).
STANDARDS_KEPT = 20_000
# Answers kept (each up to 50 suggestions).
ANSWERS_KEPT = 256


class Lru(Generic[K, V]):
    """A bounded least-recently-used map, safe to use from several threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value under `key`, now the most recently used; None when absent."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key`, forgetting the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class MatchRunner:
    """Runs matching off the event loop, `concurrency` calls at a time; a call that cannot start
    within `wait_seconds` is refused (`MatchingBusy`) rather than queued without end."""

    def __init__(self, concurrency: int, wait_seconds: float) -> None:
        self.standards: Lru[Hashable, tuple[frozenset[str], ...]] = Lru(STANDARDS_KEPT)
        self.answers: Lru[Hashable, object] = Lru(ANSWERS_KEPT)
        self._slots = asyncio.Semaphore(concurrency)
        self._wait_seconds = wait_seconds
        self._running: dict[Hashable, asyncio.Task[object]] = {}

    async def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """`fn(*args)` in a worker thread once a slot is free."""
        if self._slots.locked():
            try:
                await asyncio.wait_for(self._slots.acquire(), self._wait_seconds)
            except TimeoutError:
                raise MatchingBusy from None
        else:
            # Free now: taken without a wait (wait_for with no time left would refuse).
            await self._slots.acquire()
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        finally:
            self._slots.release()

    async def shared(self, key: Hashable, compute: Callable[[], Awaitable[R]], *, keep: bool) -> R:
        """What `compute` returns, computed once for concurrent callers of the same `key`, and
        kept for later ones when `keep` (the key then names a data version)."""
        if keep:
            kept = self.answers.get(key)
            if kept is not None:
                return kept  # type: ignore[return-value]
        task = self._running.get(key)
        if task is None:

            async def computed() -> object:
                value = await compute()
                if keep and value is not None:
                    self.answers.put(key, value)
                return value

            task = asyncio.ensure_future(computed())
            self._running[key] = task
            task.add_done_callback(lambda _: self._running.pop(key, None))
        # A caller that goes away does not cancel the others' computation.
        return await asyncio.shield(task)  # type: ignore[arg-type]


_runners: weakref.WeakKeyDictionary[Database, MatchRunner] = weakref.WeakKeyDictionary()


def runner_for(db: Database, settings: Settings) -> MatchRunner:
    """The runner of `db`'s application, made on first use."""
    runner = _runners.get(db)
    if runner is None:
        runner = MatchRunner(settings.matching_concurrency, settings.matching_wait_ms / 1000)
        _runners[db] = runner
    return runner
