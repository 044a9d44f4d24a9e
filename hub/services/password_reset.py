"""Resetting a password for someone else: an admin (or a coordinator, for the accounts below
them) sets a new one, and every session of the account ends."""

from __future__ import annotations

from uuid import UUID

from hub.domain.accounts import Viewer, may_grant, validate_password
from hub.domain.errors import ErrorCode, UserError
from hub.services.audit import audit
from hub.services.outcome import Outcome, explained
from hub.services.passwords import DEFAULT_POOL, HashingPool
from hub.store import accounts as store
from hub.store.accounts import UserRecord
from hub.store.db import Database

# Why a reset is refused (Chinese, English).
_NOT_ABOVE = "不能重置同级或更高级别用户的密码。", "You may not reset the password of this user."


async def reset_password(
    db: Database,
    actor: Viewer,
    user_id: UUID,
    password: str,
    hashing: HashingPool = DEFAULT_POOL,
) -> Outcome[UserRecord]:
    """Give a user a new password and end their sessions (whoever held one must sign in
    again). The same rule as for roles decides who may: admins for anyone, coordinators for
    volunteers and reviewers. Audited without the password, of course."""
    errors = validate_password(password)
    if errors:
        return Outcome.failed(errors)
    async with db.connection() as conn:
        target = await store.user_by_id(conn, user_id)
    if target is None:
        return Outcome.failed([UserError("userId", ErrorCode.NOT_FOUND)])
    if not may_grant(actor, target.role):
        return Outcome.failed([explained("userId", ErrorCode.NOT_ALLOWED, *_NOT_ABOVE)])
    # argon2 is deliberately slow: off the event loop, and outside the transaction.
    password_hash = await hashing.hash(password)
    async with db.transaction() as conn:
        await store.set_password_hash(conn, user_id, password_hash)
        ended = await store.delete_sessions_of(conn, user_id)
        await audit(
            conn, actor, "user.password_reset", "USER", user_id, extra={"sessionsEnded": ended}
        )
    return Outcome(target)
