"""How far the outbox's consumers are behind its head, read in one cheap statement.

For /metrics (hub.http.metrics_endpoint): every figure comes from an index (entry_event's
unique position, the unstamped tail's partial index) or from small tables (search_position,
webhook), so a scrape costs a few index probes however long the outbox is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.store.db import Connection


@dataclass(frozen=True)
class ConsumerLag:
    """One consumer of the outbox: events it has not handled yet and how old the oldest is."""

    name: str
    position: int
    events: int
    seconds: float


@dataclass(frozen=True)
class Backlog:
    """The outbox's head and its consumers' lag."""

    head: int
    unstamped: int
    indexers: tuple[ConsumerLag, ...]
    # The webhook furthest behind (None when no webhook is enabled).
    webhooks: ConsumerLag | None
    webhooks_enabled: int
    webhooks_failing: int
    webhooks_disabled: int


_HEAD = "SELECT coalesce(max(position), 0) FROM entry_event"
_UNSTAMPED = "SELECT count(*) FROM entry_event WHERE position IS NULL"
# The age of the first event after a position: what its consumer has been missing for so long.
_AGE_AFTER = """
    SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
    FROM entry_event WHERE position = $1 + 1
"""
# The PostgreSQL index is always kept (hub.search.postgres): before its first round it is
# at 0, not absent. Meilisearch indexes appear once their indexer ran; the ":lock" rows beside
# them are their writers' locks (hub.search.meili), not positions.
_INDEXERS = """
    SELECT 'postgres' AS backend,
           coalesce((SELECT position FROM search_position WHERE backend = 'postgres'), 0)
               AS position
    UNION ALL
    SELECT backend, position FROM search_position
    WHERE backend <> 'postgres' AND backend NOT LIKE '%:lock'
"""
_WEBHOOKS = """
    SELECT count(*) FILTER (WHERE enabled) AS enabled,
           count(*) FILTER (WHERE enabled AND failing_since IS NOT NULL) AS failing,
           count(*) FILTER (WHERE NOT enabled) AS disabled,
           min(position) FILTER (WHERE enabled) AS slowest
    FROM webhook
"""


async def read_backlog(conn: Connection) -> Backlog:
    """The outbox's head, its unstamped tail and each consumer's lag, now."""
    head: int = await conn.fetchval(_HEAD)
    unstamped: int = await conn.fetchval(_UNSTAMPED)

    async def lag(name: str, position: int) -> ConsumerLag:
        behind = max(0, head - position)
        seconds = float(await conn.fetchval(_AGE_AFTER, position)) if behind else 0.0
        return ConsumerLag(name, position, behind, seconds)

    indexers = tuple(
        [await lag(row["backend"], row["position"]) for row in await conn.fetch(_INDEXERS)]
    )
    # An aggregate without GROUP BY always gives one row.
    hooks: Any = await conn.fetchrow(_WEBHOOKS)
    slowest = hooks["slowest"]
    return Backlog(
        head=head,
        unstamped=unstamped,
        indexers=indexers,
        webhooks=None if slowest is None else await lag("webhooks", slowest),
        webhooks_enabled=hooks["enabled"],
        webhooks_failing=hooks["failing"],
        webhooks_disabled=hooks["disabled"],
    )
