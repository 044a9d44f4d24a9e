"""Organization claims and members."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from hub.store.db import Connection


@dataclass(frozen=True)
class Claim:
    """A user's claim to speak for an organization."""

    id: UUID
    organization_id: UUID
    user_id: UUID
    user_handle: str
    evidence: str
    evidence_url: str | None
    status: str
    created_at: datetime
    decided_at: datetime | None
    decision_note: str | None


_CLAIM = """c.id, c.organization_id, c.user_id, u.handle, c.evidence, c.evidence_url, c.status,
            c.created_at, c.decided_at, c.decision_note"""


def _claim(r: asyncpg.Record) -> Claim:
    return Claim(
        r["id"],
        r["organization_id"],
        r["user_id"],
        r["handle"],
        r["evidence"],
        r["evidence_url"],
        r["status"],
        r["created_at"],
        r["decided_at"],
        r["decision_note"],
    )


async def is_member(conn: Connection, user_id: UUID | None, organization_id: UUID | None) -> bool:
    """Whether the user is staff of the organization."""
    if user_id is None or organization_id is None:
        return False
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM organization_member WHERE organization_id = $1 "
        "AND user_id = $2)",
        organization_id,
        user_id,
    )
    return found


async def pending_claim_exists(conn: Connection, user_id: UUID, organization_id: UUID) -> bool:
    """Whether the user already waits for a decision on this organization."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM organization_claim WHERE organization_id = $1 "
        "AND user_id = $2 AND status = 'PENDING')",
        organization_id,
        user_id,
    )
    return found


async def insert_claim(
    conn: Connection, organization_id: UUID, user_id: UUID, evidence: str, url: str | None
) -> Claim:
    """File a claim."""
    claim_id = uuid.uuid4()
    await conn.execute(
        """INSERT INTO organization_claim (id, organization_id, user_id, evidence, evidence_url)
           VALUES ($1, $2, $3, $4, $5)""",
        claim_id,
        organization_id,
        user_id,
        evidence,
        url,
    )
    claim = await claim_by_id(conn, claim_id, lock=False)
    if claim is None:
        raise RuntimeError("the claim just filed is missing")
    return claim


async def claim_by_id(conn: Connection, claim_id: UUID, *, lock: bool = True) -> Claim | None:
    """A claim, locked for a decision."""
    row = await conn.fetchrow(
        f"""SELECT {_CLAIM} FROM organization_claim c JOIN app_user u ON u.id = c.user_id
            WHERE c.id = $1 {"FOR UPDATE OF c" if lock else ""}""",
        claim_id,
    )
    return _claim(row) if row else None


async def decide_claim(
    conn: Connection, claim_id: UUID, approved: bool, decided_by: UUID, note: str | None
) -> Claim:
    """Record a coordinator's decision; an approval makes the user a member."""
    await conn.execute(
        """UPDATE organization_claim SET status = $2, decided_by = $3, decided_at = now(),
               decision_note = $4 WHERE id = $1""",
        claim_id,
        "APPROVED" if approved else "REFUSED",
        decided_by,
        note,
    )
    claim = await claim_by_id(conn, claim_id, lock=False)
    if claim is None:
        raise RuntimeError("the claim just decided is missing")
    if approved:
        await conn.execute(
            """INSERT INTO organization_member (organization_id, user_id) VALUES ($1, $2)
               ON CONFLICT DO NOTHING""",
            claim.organization_id,
            claim.user_id,
        )
        # Verified once, for good: its staff now speak for it (hub/domain/organization_trust.py).
        await conn.execute(
            """UPDATE organization SET verification_status = 'VERIFIED',
                   verified_at = coalesce(verified_at, now()) WHERE id = $1""",
            claim.organization_id,
        )
    return claim


async def claims(conn: Connection, status: str | None, limit: int = 100) -> list[Claim]:
    """Claims, oldest first, optionally of one status."""
    rows = await conn.fetch(
        f"""SELECT {_CLAIM} FROM organization_claim c JOIN app_user u ON u.id = c.user_id
            WHERE $1::text IS NULL OR c.status = $1 ORDER BY c.created_at LIMIT $2""",
        status,
        limit,
    )
    return [_claim(r) for r in rows]


async def mark_self_reported(conn: Connection, entry_id: UUID) -> None:
    """Mark an entry as posted by its own (verified) organization."""
    await conn.execute("UPDATE entry SET self_reported = true WHERE id = $1", entry_id)
