"""Counting: the named limits of hub.limits.table, in Redis (shared by every process) or here.

Windows are moving windows (the `limits` library's): "20/minute" means no more than 20 in any
60 seconds, so a client cannot double its burst across a window's edge. A refused attempt is
not counted, so retrying after `retry_after` seconds works. When Redis cannot be reached the
hub serves rather than refuses (the limits are a defence, not a dependency) and says so in
the log.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from hub.limits.table import Rates
from hub.observability.metrics import RATE_LIMIT_REFUSALS

log = logging.getLogger(__name__)
KEY_PREFIX = "hub-limits"


class RateLimited(Exception):
    """A limit was reached: try again in `retry_after` seconds."""

    def __init__(self, name: str, scope: str, retry_after: int) -> None:
        super().__init__(f"rate limit {name} ({scope}) reached; retry in {retry_after} s")
        self.name = name
        self.scope = scope
        self.retry_after = retry_after


@dataclass(frozen=True)
class Caller:
    """Who is asking: their client key, their account (if signed in), and whether they are
    exempt from client limits (accounts a coordinator vouched for, and reviewers: many of them
    may share one hospital's or one operator's address)."""

    client: str
    account: str | None = None
    vouched: bool = False


# A limit is checked on the request's path: when Redis is slow or gone, give up on it quickly.
REDIS_TIMEOUT_SECONDS = 1.0


def storage_for(redis_url: str | None) -> Storage:
    """Redis (redis-py's asyncio client) when a URL is set, this process's memory otherwise."""
    if redis_url is None:
        return MemoryStorage()
    scheme, _, rest = redis_url.partition("://")
    uri = f"async+redis+unix://{rest}" if scheme == "unix" else f"async+{scheme}://{rest}"
    # Our own pool, so that `RateLimiter.aclose` can close its connections.
    pool = ConnectionPool.from_url(
        redis_url,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    return RedisStorage(
        uri,
        wrap_exceptions=True,
        implementation="redispy",
        key_prefix=KEY_PREFIX,
        connection_pool=pool,  # type: ignore[arg-type]
    )


class RateLimiter:
    """The limits of one table over one storage."""

    def __init__(self, table: dict[str, Rates], storage: Storage) -> None:
        self.table = table
        self.storage = storage
        self._windows = MovingWindowRateLimiter(storage)

    @property
    def enabled(self) -> bool:
        """False when every limit is off (HUB_RATE_LIMITS=off)."""
        return bool(self.table)

    def declared(self, name: str) -> bool:
        """Whether `name` is a limit of the table (a table switched off declares nothing)."""
        return name in self.table

    async def hit(self, name: str, caller: Caller, target: str | None = None) -> None:
        """Count one `name` for `caller` (and `target`, when the limit has a target scope);
        RateLimited when a window is full. A name the table lacks counts nothing."""
        rates = self.table.get(name)
        if rates is None:
            return
        keys: list[tuple[str, str]] = []
        if not caller.vouched:
            keys.append(("client", caller.client))
        if caller.account is not None:
            keys.append(("account", caller.account))
        else:
            keys.append(("everyone", "*"))
        if target is not None:
            keys.append(("target", target))
        for scope, key in keys:
            for window in rates.of(scope):
                await self._count(window, name, scope, key)

    async def _count(self, window: RateLimitItem, name: str, scope: str, key: str) -> None:
        try:
            if await self._windows.hit(window, name, scope, key):
                return
            stats = await self._windows.get_window_stats(window, name, scope, key)
        except StorageError as error:
            log.warning("rate limit %s not counted: %s", name, error)
            return
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        RATE_LIMIT_REFUSALS.labels(name, scope).inc()
        raise RateLimited(name, scope, retry_after)

    async def aclose(self) -> None:
        """Close the connections to Redis, if any."""
        bridge = getattr(self.storage, "bridge", None)
        client = getattr(bridge, "storage", None)
        if client is not None:
            await client.aclose()
            await client.connection_pool.disconnect()

    async def reset(self) -> None:
        """Forget every count (tests, and `hub` commands that clear a flood's aftermath)."""
        try:
            await self.storage.reset()
        except StorageError as error:
            log.warning("rate limits not reset: %s", error)
