"""Signing up and in, sessions, API tokens, roles."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from hub.domain.accounts import Role, TokenScope, Viewer, may_grant, validate_sign_up
from hub.domain.edit_tokens import digest
from hub.domain.errors import ErrorCode, UserError
from hub.services.audit import audit
from hub.services.outcome import Outcome, explained, signed_in
from hub.services.passwords import DEFAULT_POOL, HashingPool, needs_rehash
from hub.store import accounts as store
from hub.store.accounts import ApiTokenRecord, UserRecord
from hub.store.db import Database


@dataclass(frozen=True)
class Session:
    """A new browser session: the secret for the cookie and when it ends."""

    token: str
    expires_at: datetime
    user: UserRecord


async def create_user(
    db: Database,
    email: str,
    handle: str,
    password: str,
    role: Role,
    *,
    approved: bool = False,
    hashing: HashingPool = DEFAULT_POOL,
) -> Outcome[UserRecord]:
    """Create an account (sign-up, or `hub user create`); HashingBusy when every argon2 slot
    stays taken."""
    errors = validate_sign_up(email, handle, password)
    if errors:
        return Outcome.failed(errors)
    # argon2 is deliberately slow: off the event loop, on the few threads kept for it.
    password_hash = await hashing.hash(password)
    async with db.transaction() as conn:
        email_taken, handle_taken = await store.email_or_handle_taken(
            conn, email.strip(), handle.strip()
        )
        if email_taken:
            errors.append(UserError("email", ErrorCode.EMAIL_TAKEN))
        if handle_taken:
            errors.append(UserError("handle", ErrorCode.HANDLE_TAKEN))
        if errors:
            return Outcome.failed(errors)
        user = await store.insert_user(
            conn,
            uuid.uuid4(),
            email.strip(),
            handle.strip(),
            password_hash,
            role,
            approved=approved,
        )
        await audit(
            conn,
            _viewer(user),
            "user.created",
            "USER",
            user.id,
            after={"handle": user.handle, "role": user.role.value, "approved": user.approved},
        )
    return Outcome(user)


def _viewer(user: UserRecord) -> Viewer:
    return Viewer(user.id, user.handle, user.role, user.approved)


# Defaults of HUB_SESSION_IDLE_HOURS, HUB_MAX_SESSIONS and HUB_API_TOKEN_MAX_DAYS.
SESSION_IDLE = timedelta(hours=24)
MAX_SESSIONS = 10
API_TOKEN_MAX_DAYS = 90


async def open_session(
    db: Database,
    user: UserRecord,
    lifetime: timedelta,
    *,
    idle: timedelta = SESSION_IDLE,
    keep: int = MAX_SESSIONS,
) -> Session:
    """A new browser session for `user`. Signing in ends the user's sessions that are over and,
    beyond `keep` sessions in all, the least recently used: a stolen cookie does not live on
    for a month next to an owner who keeps signing in."""
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + lifetime
    async with db.transaction() as conn:
        await store.trim_sessions(conn, user.id, max(keep - 1, 0), idle)
        await store.insert_session(conn, digest(token), user.id, expires_at)
    return Session(token, expires_at, user)


async def sign_out_everywhere(db: Database, viewer: Viewer) -> int:
    """End every browser session of the viewer (this one too); returns how many ended. API
    tokens are revoked one by one (revoke_api_token)."""
    user_id = signed_in(viewer)
    async with db.transaction() as conn:
        ended = await store.delete_sessions_of(conn, user_id)
        await audit(
            conn, viewer, "user.signed_out_everywhere", "USER", user_id, extra={"sessions": ended}
        )
    return ended


async def sign_in(
    db: Database, email: str, password: str, hashing: HashingPool = DEFAULT_POOL
) -> UserRecord | None:
    """The user whose credentials these are, or None (same cost whether or not they exist);
    HashingBusy when every argon2 slot stays taken."""
    async with db.connection() as conn:
        user = await store.user_by_email(conn, email.strip())
    ok = await hashing.verify(user.password_hash if user else None, password)
    if user is None or not ok:
        return None
    if needs_rehash(user.password_hash):
        new_hash = await hashing.hash(password)
        async with db.transaction() as conn:
            await store.set_password_hash(conn, user.id, new_hash)
    return user


async def sign_out(db: Database, session_token: str) -> None:
    """End a browser session."""
    async with db.transaction() as conn:
        await store.delete_session(conn, digest(session_token))


async def identify(
    db: Database,
    session_token: str | None,
    bearer: str | None,
    idle: timedelta = SESSION_IDLE,
) -> Viewer | None:
    """The viewer behind a session cookie (unless unused for `idle`) or an unexpired bearer
    token; None when neither is valid."""
    if not session_token and not bearer:
        return None
    async with db.connection() as conn:
        return await store.viewer_for(
            conn,
            digest(session_token) if session_token else None,
            digest(bearer) if bearer else None,
            idle,
        )


async def user(db: Database, user_id: UUID) -> UserRecord | None:
    """A user by id."""
    async with db.connection() as conn:
        return await store.user_by_id(conn, user_id)


async def create_api_token(
    db: Database,
    viewer: Viewer,
    name: str,
    scope: TokenScope,
    expires_in_days: int | None = None,
    max_days: int = API_TOKEN_MAX_DAYS,
) -> Outcome[tuple[str, ApiTokenRecord]]:
    """A new token for the viewer, expiring after `expires_in_days` (at most, and by default,
    `max_days`); the secret is returned once and stored only as a digest."""
    user_id = signed_in(viewer)
    if not name.strip():
        return Outcome.failed([UserError("name", ErrorCode.REQUIRED)])
    if len(name) > 100:
        return Outcome.failed([UserError("name", ErrorCode.TOO_LONG, {"max": 100})])
    days = max_days if expires_in_days is None else expires_in_days
    if not 1 <= days <= max_days:
        return Outcome.failed(
            [UserError("expiresInDays", ErrorCode.OUT_OF_RANGE, {"min": 1, "max": max_days})]
        )
    token = "hub_" + secrets.token_urlsafe(32)
    async with db.transaction() as conn:
        record = await store.insert_api_token(
            conn, uuid.uuid4(), user_id, name.strip(), digest(token), scope, timedelta(days=days)
        )
        await audit(
            conn,
            viewer,
            "api_token.created",
            "API_TOKEN",
            record.id,
            after={
                "name": record.name,
                "scope": scope.value,
                "expiresAt": record.expires_at.isoformat(),
            },
        )
    return Outcome((token, record))


async def revoke_api_token(db: Database, viewer: Viewer, token_id: UUID) -> Outcome[bool]:
    """Revoke one of the viewer's own tokens."""
    user_id = signed_in(viewer)
    async with db.transaction() as conn:
        done = await store.revoke_api_token(conn, token_id, user_id)
        if done:
            await audit(conn, viewer, "api_token.revoked", "API_TOKEN", token_id)
    return Outcome(True) if done else Outcome.failed([UserError("id", ErrorCode.NOT_FOUND)])


# Why a role change is refused (Chinese, English).
_ADMINS_GRANT = "只有管理员可以任命协调员或管理员。", "Only admins may make coordinators or admins."
_NOT_ABOVE = "不能更改同级或更高级别用户的角色。", "You may not change the role of this user."


async def set_role(db: Database, actor: Viewer, user_id: UUID, role: Role) -> Outcome[UserRecord]:
    """Give a user a role, if the actor may grant it."""
    if not may_grant(actor, role):
        return Outcome.failed([explained("role", ErrorCode.NOT_ALLOWED, *_ADMINS_GRANT)])
    async with db.transaction() as conn:
        target = await store.user_by_id(conn, user_id)
        if target is None:
            return Outcome.failed([UserError("userId", ErrorCode.NOT_FOUND)])
        if not may_grant(actor, target.role):
            return Outcome.failed([explained("userId", ErrorCode.NOT_ALLOWED, *_NOT_ABOVE)])
        updated = await store.set_role(conn, user_id, role)
        await audit(
            conn,
            actor,
            "user.role_changed",
            "USER",
            user_id,
            before={"role": target.role.value},
            after={"role": role.value},
        )
    return Outcome(updated)


async def approve_user(db: Database, actor: Viewer, user_id: UUID) -> Outcome[UserRecord]:
    """Approve a user (a coordinator vouches for them)."""
    async with db.transaction() as conn:
        updated = await store.approve(conn, user_id)
        if updated is None:
            return Outcome.failed([UserError("userId", ErrorCode.NOT_FOUND)])
        await audit(conn, actor, "user.approved", "USER", user_id, after={"approved": True})
    return Outcome(updated)


async def users(db: Database, *, pending: bool, limit: int) -> list[UserRecord]:
    """Accounts for coordinators to manage, newest first (only unapproved ones if `pending`);
    the API's access rules decide who may ask."""
    async with db.connection() as conn:
        return await store.list_users(conn, pending, limit)


async def user_by_email(db: Database, email: str) -> UserRecord | None:
    """An enabled user by e-mail address (the console's way to name an account)."""
    async with db.connection() as conn:
        return await store.user_by_email(conn, email.strip())
