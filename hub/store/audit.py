"""The audit log: one hash chain per subject, appended under that subject's lock.

Records about one subject (an entry, an organization, an account...) link to the previous
record about it, so two transactions about different subjects append side by side; records
about the same subject queue on its lock and chain in the order they commit. `seq`, from a
sequence, numbers the whole trail. Signed checkpoints of every chain's head
(`checkpoint_cut`, `heads_at`) cover what links cannot show: a chain deleted whole, or its
newest records.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from hub.domain.audit import GENESIS, AuditRecord, Checkpoint, Head, chain_hash, chain_of
from hub.store.db import Connection, before_commit, kept

# The trail's cut lock. Every appending transaction holds it SHARED from its append until it
# commits, so appends never wait for each other on it; a checkpoint takes it EXCLUSIVE for an
# instant to find a point of `seq` that every record up to it has committed by and no later
# commit falls under (checkpoint_cut). A batch about very many subjects (an import) takes it
# exclusive too, instead of a lock per subject.
_LOCK_KEY = 0x48_55_42_41_55_44  # "HUBAUD"
# Subject locks: pg_advisory_xact_lock(_CHAIN_CLASS, hash of the chain's name).
_CHAIN_CLASS = 0x48_55_42_43  # "HUBC"
# Above this many subjects in one batch, one exclusive lock is cheaper than a lock per subject
# (and keeps PostgreSQL's shared lock table, max_locks_per_transaction, from overflowing).
_MAX_CHAIN_LOCKS = 32
# Where a transaction keeps the records waiting for its end (hub.store.db.kept).
_QUEUE = "audit.queue"
_LOCKED = "audit.locked"
_SHARED = "audit.shared"


@dataclass(frozen=True)
class StoredRecord:
    """An audit record as stored, with its place in the trail and in its chain."""

    seq: int
    at: datetime
    record: AuditRecord
    prev_hash: bytes
    hash: bytes
    chain: str = ""


async def lock_chain(conn: Connection) -> None:
    """Take the whole trail's lock until the caller's transaction ends (taking it again is
    free): every other append waits for the caller's commit. Only for what must see the trail
    stand still; appends themselves lock their subjects only."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
    state = kept(conn)
    if state is not None:
        state[_LOCKED] = True


def holds_lock(conn: Connection) -> bool:
    """Whether `conn`'s Database.transaction has taken the whole trail's lock (lock_chain)."""
    state = kept(conn)
    return bool(state and state.get(_LOCKED))


def _chain_key(chain: str) -> int:
    # A signed 32-bit number: the second key of the two-key advisory lock. Two chains sharing
    # one only wait for each other now and then; they never deadlock (locks go in key order).
    return int.from_bytes(hashlib.sha256(chain.encode()).digest()[:4], "big", signed=True)


async def _lock_subjects(conn: Connection, chains: list[str]) -> None:
    """Lock the chains about to grow until the transaction ends, in one order for everyone."""
    state = kept(conn)
    if state is not None and state.get(_LOCKED):
        return  # the whole trail's lock already keeps every other append out
    if len(chains) > _MAX_CHAIN_LOCKS and not (state is not None and state.get(_SHARED)):
        await lock_chain(conn)
        return
    # The trail's lock (shared) first, then the subjects' in key order, as separate statements
    # of one round trip so that the order is certain: a checkpoint waiting for the trail's
    # lock then never waits on someone who waits on it. Only numbers made here go in the text.
    keys = sorted({_chain_key(c) for c in chains})
    await conn.execute(
        f"SELECT pg_advisory_xact_lock_shared({int(_LOCK_KEY)});"
        + "".join(f"SELECT pg_advisory_xact_lock({int(_CHAIN_CLASS)}, {int(k)});" for k in keys)
    )
    if state is not None:
        state[_SHARED] = True


async def append(conn: Connection, record: AuditRecord) -> None:
    """Append `record` in the caller's transaction.

    Inside a `Database.transaction` the record waits for the end of the transaction: its
    subject's lock is then taken as the last step and held only for the appends and COMMIT,
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

        before_commit(conn, write_waiting, last=True)
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
    "reason", "prev_hash", "hash", "chain",
)  # fmt: skip


async def _write(conn: Connection, batch: list[AuditRecord]) -> None:
    """Chain `batch` after each subject's newest record, under the subjects' locks, in order."""
    if not batch:
        return
    chains = [chain_of(r.subject_kind, r.subject_id) for r in batch]
    distinct = sorted(set(chains))
    await _lock_subjects(conn, distinct)
    rows = await conn.fetch(
        """SELECT c.chain,
                  (SELECT a.hash FROM audit_log a WHERE a.chain = c.chain
                   ORDER BY a.seq DESC LIMIT 1) AS hash,
                  nextval('audit_log_seq') AS seq
           FROM unnest($1::text[]) WITH ORDINALITY AS c(chain, n)""",
        distinct,
    )
    prev = {r["chain"]: bytes(r["hash"]) if r["hash"] is not None else GENESIS for r in rows}
    # One number per record, in batch order (the chains' numbers above are only a start).
    numbers = sorted(r["seq"] for r in rows)
    if len(batch) > len(numbers):
        more = await conn.fetch(
            "SELECT nextval('audit_log_seq') AS seq FROM generate_series(1, $1)",
            len(batch) - len(numbers),
        )
        numbers += sorted(r["seq"] for r in more)
    # Whole microseconds survive the round trip through PostgreSQL unchanged.
    at = datetime.now(UTC)
    values: list[tuple[Any, ...]] = []
    for seq, chain, record in zip(numbers, chains, batch, strict=True):
        link = chain_hash(prev[chain], seq, at, record, chain)
        values.append(
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
                prev[chain],
                link,
                chain,
            )
        )
        prev[chain] = link
    # One pipelined INSERT (not COPY: its binary format has no encoder for the jsonb codec).
    await conn.executemany(
        f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join(f'${n}' for n in range(1, len(_COLUMNS) + 1))})",
        values,
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
    return StoredRecord(
        row["seq"], row["at"], record, bytes(row["prev_hash"]), bytes(row["hash"]), row["chain"]
    )


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


async def records_by_chain(conn: Connection, batch: int = 1000) -> AsyncIterator[StoredRecord]:
    """Every record, chain after chain, each chain oldest first, read in batches."""
    rows = await conn.fetch("SELECT * FROM audit_log ORDER BY chain, seq LIMIT $1", batch)
    while rows:
        for row in rows:
            yield _stored(row)
        last = rows[-1]
        rows = await conn.fetch(
            "SELECT * FROM audit_log WHERE (chain, seq) > ($1, $2) ORDER BY chain, seq LIMIT $3",
            last["chain"],
            last["seq"],
            batch,
        )


async def checkpoint_cut(conn: Connection) -> int:
    """A point of the trail that stays put: every record numbered up to it has committed, and
    none numbered up to it can commit later. Takes the trail's lock for an instant (in a
    transaction of its own: `conn` must be in none), waiting for the appends under way."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
        # Appends hold the lock shared from their numbers to their commit: none is under way,
        # and every number handed out later is greater.
        cut: int = await conn.fetchval("SELECT coalesce(max(seq), 0) FROM audit_log")
    return cut


async def heads_at(conn: Connection, seq: int) -> list[Head]:
    """Every chain's newest record numbered up to `seq`."""
    rows = await conn.fetch(
        """SELECT DISTINCT ON (chain) chain, seq, hash FROM audit_log WHERE seq <= $1
           ORDER BY chain, seq DESC""",
        seq,
    )
    return [Head(r["chain"], r["seq"], bytes(r["hash"])) for r in rows]


def _checkpoint(row: Any) -> Checkpoint:
    signature = row["signature"]
    return Checkpoint(
        row["seq"],
        row["at"],
        row["chains"],
        bytes(row["heads_digest"]),
        bytes(signature) if signature is not None else None,
        row["key_id"],
    )


async def add_checkpoint(conn: Connection, checkpoint: Checkpoint) -> None:
    """Store a checkpoint (append-only, like the trail)."""
    await conn.execute(
        """INSERT INTO audit_checkpoint (at, seq, chains, heads_digest, signature, key_id)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (at) DO NOTHING""",
        checkpoint.at,
        checkpoint.seq,
        checkpoint.chains,
        checkpoint.heads_digest,
        checkpoint.signature,
        checkpoint.key_id,
    )


async def latest_checkpoint(conn: Connection) -> Checkpoint | None:
    """The newest checkpoint, if any."""
    row = await conn.fetchrow("SELECT * FROM audit_checkpoint ORDER BY at DESC LIMIT 1")
    return None if row is None else _checkpoint(row)


async def checkpoints(conn: Connection) -> list[Checkpoint]:
    """Every checkpoint, oldest first."""
    return [_checkpoint(r) for r in await conn.fetch("SELECT * FROM audit_checkpoint ORDER BY at")]


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
