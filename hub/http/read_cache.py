"""The read cache's store: responses by key, bounded in bytes, least recently used out first.

Keys carry the data version they were built at (hub.store.data_version), so a write makes
every older entry unreachable at once; those entries then age out of the LRU. An entry is also
never served older than `max_seconds` (lists depend on the clock: expiry, a need's waiting
time). `single_flight` lets concurrent misses of one key wait for one execution.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field

from hub.store.data_version import DataVersion

# What an entry costs beyond its body and headers (the key, the entry, the dict's slot).
ENTRY_OVERHEAD = 256


@dataclass(frozen=True, slots=True)
class Stored:
    """A response ready to send again: status 200, its headers and its body."""

    body: bytes
    # Strong ETag, quoted, as sent.
    etag: bytes
    # Headers to send besides content-length, ETag and Cache-Control.
    headers: tuple[tuple[bytes, bytes], ...]
    born: float
    # What the request that built it was counted as (hub.observability.operations), so that
    # a hit is counted the same way without parsing anything.
    label: str = ""
    size: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "size",
            len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD,
        )


def strong_etag(body: bytes) -> bytes:
    """A strong ETag for `body` (quoted, as HTTP wants it)."""
    return b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'


def etag_matches(if_none_match: bytes | None, etag: bytes) -> bool:
    """Whether an If-None-Match header names `etag` (or is `*`)."""
    if not if_none_match:
        return False
    value = if_none_match.strip()
    if value == b"*":
        return True
    return any(tag.strip().removeprefix(b"W/") == etag for tag in value.split(b","))


@dataclass
class Counters:
    """What the cache did, for tests and /healthz-style inspection."""

    hits: int = 0
    misses: int = 0
    stores: int = 0
    evictions: int = 0
    # Executions that single-flight spared (a waiting miss answered by another's result).
    shared: int = 0


class ReadCache:
    """One process's cached responses (GraphQL reads and pages share the byte budget)."""

    def __init__(self, version: DataVersion, max_bytes: int, max_seconds: float) -> None:
        self.version = version
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.counters = Counters()
        self._entries: OrderedDict[Hashable, Stored] = OrderedDict()
        self._bytes = 0
        self._flights: dict[Hashable, asyncio.Future[Stored | None]] = {}

    @property
    def enabled(self) -> bool:
        """Whether anything may be cached (HUB_READ_CACHE_SECONDS=0 turns it off)."""
        return self.max_seconds > 0 and self.max_bytes > 0

    @property
    def bytes(self) -> int:
        """Bytes held now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[Stored]:
        """Every stored response (tests inspect what the cache holds)."""
        return list(self._entries.values())

    def get(self, key: Hashable) -> Stored | None:
        """The fresh entry under `key`, if any (it becomes the most recently used)."""
        stored = self._entries.get(key)
        if stored is None:
            return None
        if time.monotonic() - stored.born >= self.max_seconds:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return stored

    def put(self, key: Hashable, stored: Stored) -> None:
        """Keep `stored` under `key`, evicting the least recently used beyond the budget."""
        if stored.size > self.max_bytes:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = stored
        self._bytes += stored.size
        self.counters.stores += 1
        while self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._drop(oldest)
            self.counters.evictions += 1

    def _drop(self, key: Hashable) -> None:
        stored = self._entries.pop(key)
        self._bytes -= stored.size

    async def single_flight(
        self, key: Hashable, produce: Callable[[], Awaitable[Stored | None]]
    ) -> tuple[Stored | None, bool]:
        """(`produce()`'s result, True) for the first caller of `key`; callers arriving while
        it runs wait and get (its result, False). None: not cacheable, run it yourself."""
        flight = self._flights.get(key)
        if flight is not None:
            stored = await asyncio.shield(flight)
            if stored is not None:
                self.counters.shared += 1
            return stored, False
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        result: Stored | None = None
        try:
            result = await produce()
            return result, True
        finally:
            del self._flights[key]
            flight.set_result(result)
