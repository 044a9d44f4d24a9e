"""The outbox's retention job: deletes only what every reader passed, old enough, in batches."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from hub.domain.accounts import Role
from hub.domain.enums import EventType
from hub.domain.live import EventFilter, ReplayTooOld
from hub.graphql.ids import parse_global_id
from hub.live.stream import check_resume_point
from hub.settings import Settings
from hub.store import accounts, live, search_index, webhooks
from hub.store.db import Database
from hub.store.outbox import record_event
from hub.store.outbox_retention import pruned_through
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from workers.outbox_retention import OutboxRetentionJob, prune_outbox, retention
from workers.run import configured_jobs
from workers.search_indexer import index_postgres

KEEP = timedelta(days=30)


def _uuid(global_id: str) -> uuid.UUID:
    parsed = parse_global_id(global_id)
    assert parsed is not None
    return parsed[1]


async def _events(db: Database, count: int, age: timedelta) -> list[int]:
    """`count` stamped events created `age` ago; their positions."""
    async with db.transaction() as conn:
        for _ in range(count):
            await record_event(conn, uuid.uuid4(), "NEED", EventType.CREATED, {})
        stamped = await live.stamp_committed(conn)
        await conn.execute(
            "UPDATE entry_event SET created_at = now() - $1::interval WHERE position = ANY($2)",
            age,
            [event.position for event in stamped],
        )
    return [event.position for event in stamped]


async def _positions(db: Database) -> list[int]:
    async with db.connection() as conn:
        rows = await conn.fetch("SELECT position FROM entry_event ORDER BY position")
    return [row["position"] for row in rows]


async def _indexed_up_to(db: Database, position: int, backend: str = "postgres") -> None:
    async with db.transaction() as conn:
        await search_index.set_position(conn, backend, position)


async def _webhook(db: Database, position: int, *, enabled: bool = True) -> None:
    async with db.transaction() as conn:
        owner = await accounts.insert_user(
            conn, uuid.uuid4(), f"{uuid.uuid4().hex[:8]}@example.org", uuid.uuid4().hex[:8],
            "not-a-hash", Role.VOLUNTEER,
        )  # fmt: skip
        hook = await webhooks.insert_webhook(
            conn, uuid.uuid4(), owner.id, "https://example.org/h", "s", EventFilter(), "", position
        )
        if not enabled:
            await conn.execute("UPDATE webhook SET enabled = false WHERE id = $1", hook.id)


async def test_nothing_goes_before_the_postgres_indexer_has_run(db: Database) -> None:
    positions = await _events(db, 5, timedelta(days=60))
    assert await prune_outbox(db, KEEP) == 0
    assert await _positions(db) == positions


async def test_old_events_every_reader_passed_go_and_the_newest_always_stays(
    db: Database,
) -> None:
    old = await _events(db, 6, timedelta(days=60))
    await _indexed_up_to(db, old[-1])
    # Every reader is past all of them, but the newest event is kept: positions count on from it.
    assert await prune_outbox(db, KEEP) == 5
    assert await _positions(db) == [old[-1]]
    async with db.connection() as conn:
        assert await pruned_through(conn) == old[-2]
        assert await live.last_position(conn) == old[-1]


async def test_young_events_and_events_a_reader_still_needs_stay(db: Database) -> None:
    old = await _events(db, 6, timedelta(days=60))
    young = await _events(db, 3, timedelta(days=1))
    await _indexed_up_to(db, young[-1])
    await _indexed_up_to(db, young[-1], backend="meilisearch:entries")
    # A disabled webhook holds nothing back (re-enabled, it starts from the newest event) ...
    await _webhook(db, 0, enabled=False)
    # ... an enabled one that has read up to old[2] does.
    await _webhook(db, old[2])
    assert await prune_outbox(db, KEEP) == 3
    assert await _positions(db) == old[3:] + young
    # The webhook moves on: now the age limit stops the job, not a reader.
    async with db.connection() as conn:
        await conn.execute("UPDATE webhook SET position = $1", young[-1])
    assert await prune_outbox(db, KEEP) == 3
    assert await _positions(db) == young
    # A search index behind holds back as well.
    more = await _events(db, 2, timedelta(days=60))
    await _indexed_up_to(db, young[0], backend="meilisearch:entries")
    assert await prune_outbox(db, timedelta(hours=1)) == 1
    assert await _positions(db) == young[1:] + more


async def test_deletes_go_in_batches(db: Database) -> None:
    old = await _events(db, 11, timedelta(days=60))
    await _indexed_up_to(db, old[-1])
    assert await prune_outbox(db, KEEP, batch=3) == 10
    assert await _positions(db) == [old[-1]]


async def test_resuming_from_before_the_deleted_events_is_refused_not_a_gap(
    db: Database,
) -> None:
    old = await _events(db, 4, timedelta(days=60))
    # A young event after the deleted ones: by age alone, a resume point before it would pass.
    young = await _events(db, 2, timedelta(minutes=5))
    await _indexed_up_to(db, young[-1])
    assert await prune_outbox(db, KEEP) == 4
    with pytest.raises(ReplayTooOld):
        await check_resume_point(db, old[0], replay_hours=24)
    with pytest.raises(ReplayTooOld):
        await check_resume_point(db, old[-2], replay_hours=24)
    # From the last deleted event on, nothing missed is gone.
    await check_resume_point(db, old[-1], replay_hours=24)
    await check_resume_point(db, young[0], replay_hours=24)


async def test_the_job_is_scheduled_and_never_keeps_less_than_the_replay_window(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert retention(Settings(outbox_retention_days=1, live_replay_hours=72)) == timedelta(hours=72)
    assert retention(Settings(outbox_retention_days=7)) == timedelta(days=7)
    monkeypatch.delenv("HUB_MEILI_URL", raising=False)
    async with configured_jobs() as jobs:
        assert "prune-outbox" in jobs
    old = await _events(db, 3, timedelta(days=10))
    await _indexed_up_to(db, old[-1])
    now = datetime.now(UTC)
    await OutboxRetentionJob(Settings(outbox_retention_days=30), clock=lambda: now)(db)
    assert await _positions(db) == old
    await OutboxRetentionJob(Settings(outbox_retention_days=7), clock=lambda: now)(db)
    assert await _positions(db) == old[-1:]


async def test_a_new_search_index_behind_the_retention_is_rebuilt_not_left_with_holes(
    db: Database, gql: GraphQLClient
) -> None:
    old = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
    await index_postgres(db)
    async with db.connection() as conn:
        await conn.execute("UPDATE entry_event SET created_at = now() - interval '60 days'")
    young = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]["need"]
    await index_postgres(db)
    assert await prune_outbox(db, KEEP) > 0
    # As for an index made now (or Meilisearch configured later): no document, position 0.
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM search_document")
        await conn.execute("UPDATE search_position SET position = 0")
    await index_postgres(db)
    async with db.connection() as conn:
        indexed = await search_index.indexed_ids(conn)
        position = await search_index.get_position(conn, "postgres")
        newest = await live.last_position(conn)
    # The old need's events are gone from the outbox; only a rebuild finds it.
    assert {_uuid(old["id"]), _uuid(young["id"])} <= indexed
    assert position == newest
