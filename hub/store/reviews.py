"""The review queue, claims, reviews and verification states."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from hub.domain.enums import EntryKind, VerificationStatus
from hub.domain.listing import CursorKey
from hub.domain.model import Entry
from hub.domain.verification import RejectionReason, ReviewDecision, ReviewMethod
from hub.store.db import Connection
from hub.store.entries import hydrate_rows, rank_key, select_entries
from hub.store.entry_sql import with_categories
from hub.store.records import from_row, grouped
from hub.store.sql import Where


@dataclass(frozen=True)
class QueueFilter:
    """Which entries a reviewer wants to see."""

    kinds: tuple[EntryKind, ...] = ()
    province: str | None = None
    city: str | None = None
    category_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """One reviewer's decision on one round of an entry."""

    entry_id: UUID
    round: int
    reviewer_id: UUID
    reviewer_handle: str
    decision: ReviewDecision
    method: ReviewMethod
    rejection_reason: RejectionReason | None
    note: str | None
    evidence_url: str | None
    created_at: datetime


def _queue_where(flt: QueueFilter) -> Where:
    where = Where()
    # A claim whose lease ran out counts as unclaimed: leases expire without any job. Verified
    # entries that reports put up for a recheck wait here too, still VERIFIED.
    where.add(
        "(e.verification_status IN ('PENDING', 'EXPIRED') OR "
        "(e.verification_status = 'IN_REVIEW' AND e.lease_until <= now()) OR "
        "(e.verification_status = 'VERIFIED' AND e.recheck_requested_at IS NOT NULL "
        "AND (e.lease_until IS NULL OR e.lease_until <= now())))"
    )
    where.add("e.status <> 'CLOSED'")
    where.any_of("e.kind", flt.kinds)
    where.given("e.province = {}", flt.province)
    where.given("e.city = {}", flt.city)
    if flt.category_codes:
        with_categories(where, flt.category_codes)
    return where


async def queue(
    conn: Connection, flt: QueueFilter, after: CursorKey | None, limit: int
) -> list[Entry]:
    """Entries awaiting review: most urgent first, then longest waiting."""
    where = _queue_where(flt)
    if after is not None:
        rank, queued, entry_id = rank_key(after)
        where.add(
            "(e.urgency_rank > {} OR (e.urgency_rank = {} AND (e.queued_at, e.id) > ({}, {})))",
            rank,
            rank,
            queued,
            entry_id,
        )
    rows = await select_entries(
        conn, where, f"ORDER BY e.urgency_rank, e.queued_at, e.id LIMIT {int(limit)}"
    )
    return await hydrate_rows(conn, rows)


async def queue_count(conn: Connection, flt: QueueFilter) -> int:
    """How many entries await review."""
    where = _queue_where(flt)
    count: int = await conn.fetchval(f"SELECT count(*) FROM entry e {where.sql()}", *where.params)
    return count


async def claim(
    conn: Connection,
    entry_id: UUID,
    reviewer: UUID,
    lease_until: datetime,
    status: VerificationStatus = VerificationStatus.IN_REVIEW,
) -> None:
    """Give the entry to a reviewer until `lease_until` (a recheck keeps it VERIFIED)."""
    await conn.execute(
        """UPDATE entry SET verification_status = $4, claimed_by = $2, lease_until = $3
           WHERE id = $1""",
        entry_id,
        reviewer,
        lease_until,
        status.value,
    )


async def request_recheck(conn: Connection, entry_id: UUID) -> None:
    """Put a verified entry in the review queue for a recheck, as a new round; it stays
    VERIFIED and public until a reviewer decides."""
    await conn.execute(
        """UPDATE entry SET recheck_requested_at = now(), queued_at = now(),
                            review_round = review_round + 1
           WHERE id = $1""",
        entry_id,
    )


async def set_verification(
    conn: Connection,
    entry_id: UUID,
    status: VerificationStatus,
    *,
    verified: bool = False,
    expires_at: datetime | None = None,
    rejection_reason: RejectionReason | None = None,
    new_round: bool = False,
    verified_at: datetime | None = None,
    recheck_done: bool = False,
) -> None:
    """Record a verification state; a new round puts the entry back at the end of the queue.

    `verified_at` defaults to now (imports of older, already verified data pass their time).
    Only a reviewer's decision ends a recheck (`recheck_done`): a poster reconfirming their
    own flagged entry must not.
    """
    await conn.execute(
        """
        UPDATE entry SET verification_status = $2, claimed_by = NULL, lease_until = NULL,
               verified_at = CASE WHEN $3 THEN coalesce($7, now()) ELSE verified_at END,
               expires_at = coalesce($4, expires_at),
               rejection_reason = $5,
               review_round = review_round + CASE WHEN $6 THEN 1 ELSE 0 END,
               queued_at = CASE WHEN $6 THEN now() ELSE queued_at END,
               recheck_requested_at = CASE WHEN $8 THEN NULL ELSE recheck_requested_at END
        WHERE id = $1
        """,
        entry_id,
        status.value,
        verified,
        expires_at,
        rejection_reason.value if rejection_reason else None,
        new_round,
        verified_at,
        recheck_done,
    )


async def insert_review(
    conn: Connection,
    entry_id: UUID,
    round_: int,
    reviewer: UUID,
    decision: ReviewDecision,
    method: ReviewMethod,
    rejection_reason: RejectionReason | None,
    note: str | None,
    evidence_url: str | None,
) -> None:
    """Record a reviewer's decision."""
    await conn.execute(
        """
        INSERT INTO review (id, entry_id, review_round, reviewer_id, decision, method,
                            rejection_reason, note, evidence_url)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        uuid.uuid4(),
        entry_id,
        round_,
        reviewer,
        decision.value,
        method.value,
        rejection_reason.value if rejection_reason else None,
        note,
        evidence_url,
    )


async def reviewers_in_round(conn: Connection, entry_id: UUID, round_: int) -> dict[UUID, str]:
    """Reviewer id -> decision of everyone who reviewed the entry in this round."""
    rows = await conn.fetch(
        """SELECT reviewer_id, decision FROM review WHERE entry_id = $1 AND review_round = $2""",
        entry_id,
        round_,
    )
    return {r["reviewer_id"]: r["decision"] for r in rows}


def _review(row: asyncpg.Record) -> Review:
    reason = row["rejection_reason"]
    return from_row(
        Review,
        row,
        round=row["review_round"],
        reviewer_handle=row["handle"],
        decision=ReviewDecision(row["decision"]),
        method=ReviewMethod(row["method"]),
        rejection_reason=RejectionReason(reason) if reason else None,
    )


async def reviews_of(conn: Connection, entry_ids: Sequence[UUID]) -> dict[UUID, list[Review]]:
    """Every review of these entries, oldest first, with the reviewers' public handles."""
    rows = await conn.fetch(
        """
        SELECT r.entry_id, r.review_round, r.reviewer_id, u.handle, r.decision, r.method,
               r.rejection_reason, r.note, r.evidence_url, r.created_at
        FROM review r JOIN app_user u ON u.id = r.reviewer_id
        WHERE r.entry_id = ANY($1::uuid[]) ORDER BY r.entry_id, r.created_at
        """,
        list(entry_ids),
    )
    return grouped(rows, "entry_id", _review)


async def expire_overdue(conn: Connection, limit: int = 500) -> list[tuple[UUID, str]]:
    """Move verified entries past their expiry back into the queue as EXPIRED."""
    rows = await conn.fetch(
        """
        UPDATE entry SET verification_status = 'EXPIRED', review_round = review_round + 1,
               queued_at = now()
        WHERE id IN (SELECT id FROM entry
                     WHERE verification_status = 'VERIFIED' AND expires_at < now()
                       AND status <> 'CLOSED'
                       -- A recheck under way keeps it until the reviewer decides (or lets go).
                       AND (lease_until IS NULL OR lease_until <= now())
                     ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, kind
        """,
        limit,
    )
    return [(r["id"], r["kind"]) for r in rows]
