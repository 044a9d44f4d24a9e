"""Revealing a protected contact: to approved users only, audited and rate-limited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Contact
from hub.services.audit import audit
from hub.services.outcome import Outcome, signed_in
from hub.store import reveals
from hub.store.contacts import contact_by_id
from hub.store.db import Database

REVEALED = "contact.revealed"


class RateLimited(Exception):
    """The viewer revealed too many contacts in the last hour."""


async def reveal_contact(
    db: Database, viewer: Viewer, contact_id: UUID, per_hour: int
) -> Outcome[Contact]:
    """The contact in full, with the reveal on the audit trail.

    The account's lock is taken before counting, so that concurrent requests count one after
    another and exactly `per_hour` succeed in an hour.
    """
    user_id = signed_in(viewer)
    async with db.transaction() as conn:
        found = await contact_by_id(conn, contact_id)
        if found is None:
            return Outcome.failed([UserError("contactId", ErrorCode.NOT_FOUND)])
        contact, owner = found
        await reveals.lock_account(conn, user_id)
        since = datetime.now(UTC) - timedelta(hours=1)
        if await reveals.count_since(conn, user_id, since) >= per_hour:
            raise RateLimited
        await reveals.record(conn, user_id, contact_id)
        await audit(
            conn, viewer, REVEALED, "CONTACT_OWNER", owner, extra={"contactId": str(contact_id)}
        )
    return Outcome(contact)
