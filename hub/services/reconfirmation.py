"""Reconfirmation without an account: the poster's private link keeps an entry current."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.domain.accounts import Viewer
from hub.domain.edit_tokens import digest
from hub.domain.enums import EntryStatus, EventType, VerificationStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.lifecycle import expires_at
from hub.domain.model import Entry
from hub.domain.verification import Action, Reconfirmation, transition
from hub.services.entries import Lifetimes, record_change
from hub.services.outcome import Outcome, entry_closed
from hub.store import entries as entry_store
from hub.store import reconfirmation as store
from hub.store.db import Database

# Who the trail shows acting through a reconfirmation link.
POSTER = Viewer(handle="poster-link")
WITHDRAWN_REASON = "withdrawn by the poster"


async def reconfirm(
    db: Database, token: str, answer: Reconfirmation, lifetimes: Lifetimes
) -> Outcome[Entry]:
    """Apply the poster's answer; an unknown or expired link is NOT_FOUND."""
    async with db.transaction() as conn:
        entry_id = await store.entry_for(conn, digest(token))
        locked = await entry_store.lock_entry(conn, entry_id) if entry_id else None
        if locked is None:
            return Outcome.failed([UserError("token", ErrorCode.NOT_FOUND)])
        before = locked[0]
        if before.status is EntryStatus.CLOSED:
            return Outcome.failed([entry_closed("token")])
        event = EventType.STATUS_CHANGED
        if answer is Reconfirmation.STILL_CURRENT:
            if before.verification_status in (
                VerificationStatus.VERIFIED,
                VerificationStatus.EXPIRED,
            ):
                transition(before.verification_status, Action.RECONFIRM)
                until = expires_at(before.kind, datetime.now(UTC), lifetimes)
                await store.extend_life(conn, before.id, until)
                event = EventType.UPDATED
            # Not verified yet: the answer is recorded; reviewers still decide.
        elif answer is Reconfirmation.FULFILLED:
            await store.mark_fulfilled(conn, before.id)
            event = EventType.FULFILLED
        else:
            await entry_store.close_entry(conn, before.id, WITHDRAWN_REASON)
        entry = (await entry_store.get_entries(conn, [before.id]))[before.id]
        await record_change(
            conn,
            entry,
            event,
            POSTER,
            "entry.reconfirmed",
            before=before,
            extra={"answer": answer.value},
        )
    return Outcome(entry)
