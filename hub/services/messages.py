"""Messages to a need's poster: a donor reaches the protected contact without seeing it.

A message lands in the inbox behind the poster's reconfirmation link, so the poster's number
is never revealed; the poster answers through whatever reply address the sender chose to give.
Senders are rate-limited (signed-in users by account, others by their client key: a keyed
digest of their address, read behind trusted proxies; see hub.limits.identity) and every message
is audited, without its body.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.edit_tokens import digest
from hub.domain.enums import EntryStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.model import Entry
from hub.services.audit import audit
from hub.services.outcome import Outcome, entry_closed
from hub.store import entries as entry_store
from hub.store import messages as store
from hub.store import reconfirmation
from hub.store.db import Database
from hub.store.messages import Message

MAX_BODY = 2000
MAX_REPLY_TO = 200
# Beyond a sender's own limit, one entry's poster gets at most this many messages a day.
PER_ENTRY_PER_DAY = 100
INBOX_SIZE = 100


class RateLimited(Exception):
    """The sender (or the recipient's inbox) reached its limit; try later."""


def sender_key(viewer: Viewer, client_key: str) -> str:
    """Who is sending, for the limits: the account, else the client key (hub.limits.identity;
    already a keyed digest, so no address is stored)."""
    if viewer.user_id is not None:
        return f"user:{viewer.user_id}"
    return client_key


def _validate(body: str, reply_to: str | None) -> list[UserError]:
    errors = []
    if not body.strip():
        errors.append(UserError("body", ErrorCode.REQUIRED))
    elif len(body) > MAX_BODY:
        errors.append(UserError("body", ErrorCode.TOO_LONG, {"max": MAX_BODY}))
    if reply_to is not None and len(reply_to) > MAX_REPLY_TO:
        errors.append(UserError("replyTo", ErrorCode.TOO_LONG, {"max": MAX_REPLY_TO}))
    return errors


async def send_message(
    db: Database,
    entry_id: UUID,
    body: str,
    reply_to: str | None,
    viewer: Viewer,
    client_key: str,
    per_hour: int,
) -> Outcome[UUID]:
    """Leave a message for an entry's poster; RateLimited beyond the limits."""
    errors = _validate(body, reply_to)
    key = sender_key(viewer, client_key)
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        entry = (await entry_store.get_entries(conn, [entry_id])).get(entry_id)
        if entry is None or entry.merged_into is not None:
            return Outcome.failed([UserError("entryId", ErrorCode.NOT_FOUND), *errors])
        if entry.status is EntryStatus.CLOSED:
            errors.append(entry_closed("entryId"))
        if errors:
            return Outcome.failed(errors)
        # One sender at a time per key: two racing messages cannot both slip under the limit.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", key)
        if await store.sent_since(conn, key, now - timedelta(hours=1)) >= per_hour:
            raise RateLimited
        if await store.received_since(conn, entry_id, now - timedelta(days=1)) >= PER_ENTRY_PER_DAY:
            raise RateLimited
        message_id = uuid.uuid4()
        await store.insert_message(
            conn, message_id, entry_id, body.strip(), reply_to, viewer.user_id, key
        )
        await audit(
            conn,
            viewer,
            "message.sent",
            entry.kind.value,
            entry_id,
            extra={"messageId": str(message_id), "length": len(body)},
        )
    return Outcome(message_id)


@dataclass(frozen=True)
class Inbox:
    """What the poster sees behind the reconfirmation link."""

    entry: Entry
    messages: list[Message]


async def read_inbox(db: Database, token: str) -> Inbox | None:
    """The entry and its messages for the holder of its reconfirmation link; None for an
    unknown or expired link."""
    async with db.connection() as conn:
        entry_id = await reconfirmation.entry_for(conn, digest(token))
        if entry_id is None:
            return None
        entry = (await entry_store.get_entries(conn, [entry_id])).get(entry_id)
        if entry is None:
            return None
        messages = await store.inbox(conn, entry_id, INBOX_SIZE)
    return Inbox(entry, messages)
