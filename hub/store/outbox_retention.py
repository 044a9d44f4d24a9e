"""Deleting outbox rows that no reader needs any more (see migration 0033)."""

from __future__ import annotations

from datetime import datetime

from hub.store.db import Connection

# The PostgreSQL search index's row in search_position: hub.search.postgres.NAME (the store
# may not import the search package). Its indexer always runs; until it has, nothing is pruned.
_POSTGRES_INDEX = "postgres"


async def readers_horizon(conn: Connection) -> int:
    """The highest position every reader of the outbox has passed: each search index, each
    enabled webhook (a disabled one starts again from the newest event when re-enabled), and
    the newest event itself, which is always kept so that positions keep counting from it.
    0 while the PostgreSQL indexer has never run."""
    horizon: int = await conn.fetchval(
        """
        SELECT CASE WHEN NOT EXISTS (SELECT FROM search_position WHERE backend = $1) THEN 0
        ELSE coalesce(least(
            (SELECT min(position) FROM search_position),
            (SELECT min(least(position, pending_position - 1)) FROM webhook WHERE enabled),
            (SELECT max(position) - 1 FROM entry_event)
        ), 0) END
        """,
        _POSTGRES_INDEX,
    )
    return max(horizon, 0)


async def prune_batch(conn: Connection, horizon: int, before: datetime, limit: int) -> int:
    """Delete, oldest position first, up to `limit` stamped events at or below `horizon` and
    created before `before`, stopping at the first younger one; remember the highest position
    deleted. Returns how many were deleted. Call in a transaction."""
    deleted = await conn.fetch(
        """
        WITH batch AS (
            SELECT id, position, created_at FROM entry_event
            WHERE position IS NOT NULL AND position <= $1
            ORDER BY position LIMIT $3
        ),
        young AS (SELECT min(position) AS position FROM batch WHERE created_at >= $2)
        DELETE FROM entry_event AS e
        USING batch, young
        WHERE e.id = batch.id AND (young.position IS NULL OR batch.position < young.position)
        RETURNING e.position
        """,
        horizon,
        before,
        limit,
    )
    if deleted:
        await conn.execute(
            """
            INSERT INTO outbox_pruned (through_position) VALUES ($1)
            ON CONFLICT (only_row) DO UPDATE
            SET through_position = greatest(
                    outbox_pruned.through_position, excluded.through_position
                ), pruned_at = now()
            """,
            max(row["position"] for row in deleted),
        )
    return len(deleted)


async def pruned_through(conn: Connection) -> int:
    """The highest position ever deleted (0 when none)."""
    value: int | None = await conn.fetchval("SELECT through_position FROM outbox_pruned")
    return value or 0
