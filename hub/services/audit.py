"""Writing, verifying and checkpointing the audit trail."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.audit import (
    GENESIS,
    LEGACY_CHAIN,
    AuditRecord,
    Checkpoint,
    Head,
    chain_hash,
    chain_of,
    changes,
    heads_digest,
    key_id,
    sign,
    signature_holds,
)
from hub.store import audit as store
from hub.store.db import Connection, Database

log = logging.getLogger(__name__)

SYSTEM = "system"


def actor_label(actor: Viewer | None, via_token: bool = False) -> str:
    """How an actor appears on the trail: their handle, or what stood in for them."""
    if actor is None:
        return SYSTEM
    if actor.handle:
        return actor.handle
    return "edit-token" if via_token else "anonymous"


async def audit(
    conn: Connection,
    actor: Viewer | None,
    action: str,
    subject_kind: str,
    subject_id: UUID | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    reason: str | None = None,
    via_token: bool = False,
) -> None:
    """Append a record in the caller's transaction (so it commits with the change itself)."""
    record = AuditRecord(
        actor_id=actor.user_id if actor else None,
        actor_label=actor_label(actor, via_token),
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        changes={**changes(before, after), **(extra or {})},
        reason=reason,
    )
    await store.append(conn, record)


@dataclass(frozen=True)
class ChainReport:
    """What `hub audit verify` found."""

    records: int
    first_broken: int | None
    problem: str | None
    chains: int = 0
    # Checkpoints whose heads were recomputed and matched (the newest stored, and copies).
    checkpoints_checked: int = 0
    # What weakens the verdict without breaking the trail (unsigned checkpoints, ...).
    warnings: tuple[str, ...] = field(default=())

    @property
    def intact(self) -> bool:
        """Whether every link, signature and checked checkpoint holds."""
        return self.first_broken is None


class _Problems:
    """The problems a pass finds; the report names the one earliest in the trail."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def add(self, seq: int, problem: str) -> None:
        self.found.append((seq, problem))

    def first(self) -> tuple[int | None, str | None]:
        if not self.found:
            return None, None
        seq, problem = min(self.found, key=lambda f: f[0])
        return seq, problem


class _Heads:
    """Each chain's newest record up to each checked checkpoint, filled during the pass."""

    def __init__(self, cuts: Sequence[int]) -> None:
        self.cuts = sorted(set(cuts))
        self.at: dict[int, list[Head]] = {cut: [] for cut in self.cuts}

    def chain(self, chain: str, links: list[tuple[int, bytes]]) -> None:
        """One whole chain's (seq, hash) pairs, oldest first."""
        i = 0
        for cut in self.cuts:
            while i < len(links) and links[i][0] <= cut:
                i += 1
            if i:
                seq, digest = links[i - 1]
                self.at[cut].append(Head(chain, seq, digest))


def _check_link(
    stored: store.StoredRecord, chain: str, prev: bytes, last_seq: int, legacy_end: int
) -> str | None:
    """Why `stored` does not belong where it is in its chain, or None."""
    if chain == LEGACY_CHAIN:
        if stored.seq != last_seq + 1:
            return f"record {last_seq + 1} is missing before {stored.seq}"
    elif stored.seq <= legacy_end:
        return "a subject chain's record is numbered among the legacy records"
    elif chain != chain_of(stored.record.subject_kind, stored.record.subject_id):
        return "it sits on another subject's chain"
    if stored.prev_hash != prev:
        return "its link to the previous record is broken"
    if chain_hash(stored.prev_hash, stored.seq, stored.at, stored.record, chain) != stored.hash:
        return "its content does not match its hash"
    return None


async def verify_chain(
    db: Database, secret_key: str | None = None, copies: Sequence[Checkpoint] = ()
) -> ChainReport:
    """Recompute every chain from its first record, check the checkpoints' signatures (with
    `secret_key`), and that the trail still holds the heads of the newest stored checkpoint
    and of each copy kept elsewhere (`copies`); report the earliest problem."""
    problems = _Problems()
    warnings: list[str] = []
    count = chains = 0
    async with db.connection() as conn:
        stored_checkpoints = await store.checkpoints(conn)
        _check_checkpoints(stored_checkpoints, copies, secret_key, problems, warnings)
        checked = ([stored_checkpoints[-1]] if stored_checkpoints else []) + list(copies)
        heads = _Heads([c.seq for c in checked])
        chain: str | None = None
        prev, last_seq, legacy_end = GENESIS, 0, 0
        links: list[tuple[int, bytes]] = []
        async for stored in store.records_by_chain(conn):
            if stored.chain != chain:
                if chain is not None:
                    heads.chain(chain, links)
                if chain == LEGACY_CHAIN:
                    legacy_end = last_seq
                chain, prev, last_seq, links = stored.chain, GENESIS, 0, []
                chains += 1
            count += 1
            problem = _check_link(stored, stored.chain, prev, last_seq, legacy_end)
            if problem is not None:
                problems.add(stored.seq, problem)
            prev, last_seq = stored.hash, stored.seq
            links.append((stored.seq, stored.hash))
        if chain is not None:
            heads.chain(chain, links)
    for checkpoint in checked:
        found = heads.at[checkpoint.seq]
        if heads_digest(found) != checkpoint.heads_digest or len(found) != checkpoint.chains:
            problems.add(
                checkpoint.seq,
                f"the trail no longer holds the heads of the checkpoint of "
                f"{checkpoint.at.isoformat()}: a record up to it was deleted or changed",
            )
    first, problem = problems.first()
    return ChainReport(count, first, problem, chains, len(checked), tuple(warnings))


def _check_checkpoints(
    stored: Sequence[Checkpoint],
    copies: Sequence[Checkpoint],
    secret_key: str | None,
    problems: _Problems,
    warnings: list[str],
) -> None:
    """Signatures, and an order that only moves forward."""
    current = key_id(secret_key) if secret_key else None
    unsigned = other_key = 0
    for checkpoint in [*stored, *copies]:
        if checkpoint.signature is None:
            unsigned += 1
        elif current is None or checkpoint.key_id != current:
            other_key += 1
        elif not signature_holds(checkpoint, secret_key or ""):
            problems.add(
                checkpoint.seq, f"the checkpoint of {checkpoint.at.isoformat()} is not signed right"
            )
    for before, after in itertools.pairwise(stored):
        if after.seq < before.seq:
            problems.add(after.seq, f"the checkpoint of {after.at.isoformat()} goes backwards")
    if unsigned:
        warnings.append(f"{unsigned} checkpoint(s) are unsigned (HUB_SECRET_KEY was not set)")
    if other_key:
        warnings.append(
            f"{other_key} checkpoint(s) are signed with a key other than HUB_SECRET_KEY: "
            "their signatures were not checked"
        )
    if not stored:
        warnings.append("no checkpoint yet: deleting a subject's newest records would not show")


class TrailBroken(Exception):
    """The trail no longer holds the previous checkpoint: a new one would vouch for that."""


async def take_checkpoint(db: Database, secret_key: str | None) -> Checkpoint:
    """Sign and store the heads of every chain at a point every record up to has committed.

    Refuses (TrailBroken) when the trail no longer holds the previous checkpoint's heads, so
    that the newest checkpoint vouches for all before it. Without a key the checkpoint is
    stored unsigned (its digest still anchors copies kept elsewhere) and a warning logged.
    Nothing new since the previous checkpoint: that one is returned, nothing stored.
    """
    async with db.connection() as conn:
        previous = await store.latest_checkpoint(conn)
        cut = await store.checkpoint_cut(conn)
        if previous is not None:
            if cut == previous.seq:
                return previous
            before = await store.heads_at(conn, previous.seq)
            if heads_digest(before) != previous.heads_digest:
                raise TrailBroken(
                    f"the audit trail no longer holds the checkpoint of {previous.at.isoformat()}"
                )
        heads = await store.heads_at(conn, cut)
        checkpoint = Checkpoint(cut, datetime.now(UTC), len(heads), heads_digest(heads))
        if secret_key:
            checkpoint = sign(checkpoint, secret_key)
        else:
            log.warning("HUB_SECRET_KEY is not set: the audit checkpoint is stored unsigned")
        await store.add_checkpoint(conn, checkpoint)
    return checkpoint


async def latest_checkpoint(db: Database) -> Checkpoint | None:
    """The newest checkpoint, to publish."""
    async with db.connection() as conn:
        return await store.latest_checkpoint(conn)
