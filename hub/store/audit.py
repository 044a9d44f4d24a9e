"""The audit log: appended under a lock so that the hash chain has one order."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from hub.domain.audit import GENESIS, AuditRecord, chain_hash
from hub.store.db import Connection, before_commit, kept

# Every appending transaction takes this lock until it commits: records are chained in the
# order they commit, and no two transactions extend the chain from the same link. Inside a
# Database.transaction it is taken last, just before COMMIT (see append).
_LOCK_KEY = 0x48_55_42_41_55_44  # "HUBAUD"
# Where a transaction keeps the records waiting for its end (hub.store.db.kept).
_QUEUE = "audit.queue"
_LOCKED = "audit.locked"


@dataclass(frozen=True)
class StoredRecord:
    """An audit record as stored, with its place in the chain."""

    seq: int
    at: datetime
    record: AuditRecord
    prev_hash: bytes
    hash: bytes


async def lock_chain(conn: Connection) -> None:
    """Take the chain's lock until the caller's transaction ends (taking it again is free)."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
    state = kept(conn)
    if state is not None:
        state[_LOCKED] = True


def holds_lock(conn: Connection) -> bool:
    """Whether `conn`'s Database.transaction has taken the chain's lock already: then every
    transaction that appends to the chain has committed before it, or waits for it."""
    state = kept(conn)
    return bool(state and state.get(_LOCKED))


async def append(conn: Connection, record: AuditRecord) -> None:
    """Append `record` in the caller's transaction.

    Inside a `Database.transaction` the record waits for the end of the transaction: the
    chain's lock is then taken as its last step and held only for the appends and COMMIT,
    not through everything the transaction does first. Elsewhere it is appended at once.
    """
    state = kept(conn)
    if state is None:
        await _write(conn, [record])
        return
    queue: list[AuditRecord] | None = state.get(_QUEUE)
    if queue is None:
        queue = state[_QUEUE] = []
        pending, held = queue, state

        async def write_waiting(c: Connection) -> None:
            # A record appended by a later last step starts a queue (and a step) of its own.
            del held[_QUEUE]
            await _write(c, pending)

        before_commit(conn, write_waiting)
    queue.append(record)


def waiting(conn: Connection) -> int:
    """How many records wait for the end of `conn`'s transaction (see `forget_after`)."""
    state = kept(conn)
    return len(state.get(_QUEUE) or []) if state else 0


def forget_after(conn: Connection, count: int) -> None:
    """Drop the records queued after the first `count`: a savepoint that rolled back took
    what they record with it."""
    state = kept(conn)
    if state and state.get(_QUEUE):
        del state[_QUEUE][count:]


_COLUMNS = (
    "seq", "at", "actor_id", "actor_label", "action", "subject_kind", "subject_id", "changes",
    "reason", "prev_hash", "hash",
)  # fmt: skip


async def _write(conn: Connection, batch: list[AuditRecord]) -> None:
    """Chain `batch` after the newest record, under the lock, in order."""
    if not batch:
        return
    await lock_chain(conn)
    last = await conn.fetchrow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    seq = last["seq"] if last else 0
    prev_hash = bytes(last["hash"]) if last else GENESIS
    # Whole microseconds survive the round trip through PostgreSQL unchanged.
    at = datetime.now(UTC)
    rows: list[tuple[Any, ...]] = []
    for record in batch:
        seq += 1
        link = chain_hash(prev_hash, seq, at, record)
        rows.append(
            (
                seq,
                at,
                record.actor_id,
                record.actor_label,
                record.action,
                record.subject_kind,
                record.subject_id,
                record.changes,
                record.reason,
                prev_hash,
                link,
            )
        )
        prev_hash = link
    # One pipelined INSERT (not COPY: its binary format has no encoder for the jsonb codec).
    await conn.executemany(
        f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join(f'${n}' for n in range(1, len(_COLUMNS) + 1))})",
        rows,
    )


def _stored(row: Any) -> StoredRecord:
    record = AuditRecord(
        row["actor_id"],
        row["actor_label"],
        row["action"],
        row["subject_kind"],
        row["subject_id"],
        row["changes"],
        row["reason"],
    )
    return StoredRecord(row["seq"], row["at"], record, bytes(row["prev_hash"]), bytes(row["hash"]))


async def records(conn: Connection, batch: int = 1000) -> AsyncIterator[StoredRecord]:
    """Every record in chain order, read in batches."""
    after = 0
    while True:
        rows = await conn.fetch(
            "SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", after, batch
        )
        if not rows:
            return
        for row in rows:
            yield _stored(row)
        after = rows[-1]["seq"]


async def history(conn: Connection, subject_id: UUID) -> list[StoredRecord]:
    """The records about one subject, oldest first."""
    rows = await conn.fetch(
        "SELECT * FROM audit_log WHERE subject_id = $1 ORDER BY seq", subject_id
    )
    return [_stored(r) for r in rows]


async def histories(
    conn: Connection, subject_ids: Sequence[UUID]
) -> dict[UUID, list[StoredRecord]]:
    """The records about each of these subjects, oldest first, in one statement."""
    rows = await conn.fetch(
        "SELECT * FROM audit_log WHERE subject_id = ANY($1::uuid[]) ORDER BY seq",
        list(subject_ids),
    )
    found: dict[UUID, list[StoredRecord]] = {}
    for row in rows:
        found.setdefault(row["subject_id"], []).append(_stored(row))
    return found


async def count_recent(conn: Connection, actor_id: UUID, action: str, since: datetime) -> int:
    """How many records of `action` an actor has made since `since` (for rate limits)."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM audit_log WHERE actor_id = $1 AND action = $2 AND at >= $3",
        actor_id,
        action,
        since,
    )
    return count
