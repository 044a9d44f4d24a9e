"""Users, sessions and API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from hub.domain.accounts import Role, TokenScope, Viewer
from hub.store.db import Connection


@dataclass(frozen=True)
class UserRecord:
    """A user as stored (the password hash stays in the store and the services)."""

    id: UUID
    email: str
    handle: str
    role: Role
    approved: bool
    created_at: datetime
    password_hash: str


@dataclass(frozen=True)
class ApiTokenRecord:
    """An API token's public facts (never the token)."""

    id: UUID
    name: str
    scope: TokenScope
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime


_USER = """id, email, handle, role, approved_at IS NOT NULL AS approved, created_at,
           password_hash"""


_API_TOKEN_FIELDS = "id, name, scope, created_at, revoked_at, expires_at"  # noqa: S105 - columns


def _token(row: asyncpg.Record) -> ApiTokenRecord:
    return ApiTokenRecord(
        row["id"],
        row["name"],
        TokenScope(row["scope"]),
        row["created_at"],
        row["revoked_at"],
        row["expires_at"],
    )


def _required(row: asyncpg.Record | None) -> asyncpg.Record:
    if row is None:  # INSERT ... RETURNING and aggregates always return a row
        raise RuntimeError("the statement returned no row")
    return row


def _user(row: asyncpg.Record) -> UserRecord:
    return UserRecord(
        row["id"],
        row["email"],
        row["handle"],
        Role(row["role"]),
        row["approved"],
        row["created_at"],
        row["password_hash"],
    )


async def email_or_handle_taken(conn: Connection, email: str, handle: str) -> tuple[bool, bool]:
    """Whether the e-mail address, and the handle, are already in use (case-insensitively)."""
    row = await conn.fetchrow(
        """
        SELECT bool_or(lower(email) = lower($1)) AS email, bool_or(lower(handle) = lower($2))
               AS handle
        FROM app_user WHERE lower(email) = lower($1) OR lower(handle) = lower($2)
        """,
        email,
        handle,
    )
    row = _required(row)
    return bool(row["email"]), bool(row["handle"])


async def insert_user(
    conn: Connection,
    user_id: UUID,
    email: str,
    handle: str,
    password_hash: str,
    role: Role,
    *,
    approved: bool = False,
) -> UserRecord:
    """Create a user."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO app_user (id, email, handle, password_hash, role, approved_at)
        VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END)
        RETURNING {_USER}
        """,
        user_id,
        email,
        handle,
        password_hash,
        role.value,
        approved,
    )
    row = _required(row)
    return _user(row)


async def user_by_email(conn: Connection, email: str) -> UserRecord | None:
    """An enabled user by e-mail address (case-insensitively)."""
    row = await conn.fetchrow(
        f"SELECT {_USER} FROM app_user WHERE lower(email) = lower($1) AND disabled_at IS NULL",
        email,
    )
    return _user(row) if row else None


async def list_users(conn: Connection, pending: bool, limit: int) -> list[UserRecord]:
    """Enabled users, newest first; only those no coordinator has approved yet when
    `pending`."""
    rows = await conn.fetch(
        f"""SELECT {_USER} FROM app_user
            WHERE disabled_at IS NULL AND (NOT $1 OR approved_at IS NULL)
            ORDER BY created_at DESC, id LIMIT $2""",
        pending,
        limit,
    )
    return [_user(row) for row in rows]


async def user_by_id(conn: Connection, user_id: UUID) -> UserRecord | None:
    """A user by id."""
    row = await conn.fetchrow(f"SELECT {_USER} FROM app_user WHERE id = $1", user_id)
    return _user(row) if row else None


async def set_password_hash(conn: Connection, user_id: UUID, password_hash: str) -> None:
    """Replace a password hash (after a rehash with stronger parameters)."""
    await conn.execute(
        "UPDATE app_user SET password_hash = $2 WHERE id = $1", user_id, password_hash
    )


async def set_role(conn: Connection, user_id: UUID, role: Role) -> UserRecord | None:
    """Change a user's role."""
    row = await conn.fetchrow(
        f"UPDATE app_user SET role = $2 WHERE id = $1 RETURNING {_USER}", user_id, role.value
    )
    return _user(row) if row else None


async def approve(conn: Connection, user_id: UUID) -> UserRecord | None:
    """Mark a user approved by a coordinator (kept at the first approval's time)."""
    row = await conn.fetchrow(
        f"""UPDATE app_user SET approved_at = coalesce(approved_at, now()) WHERE id = $1
            RETURNING {_USER}""",
        user_id,
    )
    return _user(row) if row else None


async def insert_session(
    conn: Connection, token_hash: bytes, user_id: UUID, expires_at: datetime
) -> None:
    """Open a browser session."""
    await conn.execute(
        "INSERT INTO user_session (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        token_hash,
        user_id,
        expires_at,
    )


async def trim_sessions(conn: Connection, user_id: UUID, keep: int, idle: timedelta) -> int:
    """End a user's sessions that are over (expired or idle) and, of the rest, all but the
    `keep` most recently used; returns how many ended."""
    result = await conn.execute(
        """
        DELETE FROM user_session WHERE user_id = $1 AND token_hash IN (
            SELECT token_hash FROM user_session WHERE user_id = $1
            ORDER BY (expires_at > now() AND last_seen_at > now() - $3::interval) DESC,
                     last_seen_at DESC, created_at DESC
            OFFSET $2
        )
        """,
        user_id,
        keep,
        idle,
    )
    return int(result.split()[-1])


async def delete_sessions_of(conn: Connection, user_id: UUID) -> int:
    """End every session of a user; returns how many."""
    result = await conn.execute("DELETE FROM user_session WHERE user_id = $1", user_id)
    return int(result.split()[-1])


async def delete_session(conn: Connection, token_hash: bytes) -> None:
    """Close a browser session."""
    await conn.execute("DELETE FROM user_session WHERE token_hash = $1", token_hash)


async def viewer_for(
    conn: Connection, session_hash: bytes | None, token_hash: bytes | None, idle: timedelta
) -> Viewer | None:
    """The user behind a live session (neither expired nor unused for `idle`) or an unrevoked,
    unexpired API token, in one statement, which also marks the session used (at most once a
    minute, so that a busy session does not write on every request)."""
    row = await conn.fetchrow(
        """
        WITH touched AS (
            UPDATE user_session SET last_seen_at = now()
            WHERE $1::bytea IS NOT NULL AND token_hash = $1 AND expires_at > now()
              AND last_seen_at > now() - $3::interval
              AND last_seen_at < now() - interval '1 minute'
            RETURNING token_hash
        )
        SELECT u.id, u.handle, u.role, u.approved_at IS NOT NULL AS approved, t.scope
        FROM app_user u
        LEFT JOIN api_token t ON t.user_id = u.id AND t.token_hash = $2 AND t.revoked_at IS NULL
                              AND t.expires_at > now()
        LEFT JOIN user_session s ON s.user_id = u.id AND s.token_hash = $1
                                 AND s.expires_at > now()
                                 AND s.last_seen_at > now() - $3::interval
        WHERE u.disabled_at IS NULL AND (t.id IS NOT NULL OR s.token_hash IS NOT NULL)
        LIMIT 1
        """,
        session_hash,
        token_hash,
        idle,
    )
    if row is None:
        return None
    scope = TokenScope(row["scope"]) if row["scope"] else None
    return Viewer(row["id"], row["handle"], Role(row["role"]), row["approved"], scope)


async def insert_api_token(
    conn: Connection,
    token_id: UUID,
    user_id: UUID,
    name: str,
    token_hash: bytes,
    scope: TokenScope,
    lifetime: timedelta,
) -> ApiTokenRecord:
    """Issue an API token that expires `lifetime` from now."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO api_token (id, user_id, name, token_hash, scope, expires_at)
        VALUES ($1, $2, $3, $4, $5, now() + $6::interval)
        RETURNING {_API_TOKEN_FIELDS}
        """,
        token_id,
        user_id,
        name,
        token_hash,
        scope.value,
        lifetime,
    )
    return _token(_required(row))


async def revoke_api_token(conn: Connection, token_id: UUID, user_id: UUID) -> bool:
    """Revoke one of the user's tokens; False when the user has no such token."""
    result = await conn.execute(
        """UPDATE api_token SET revoked_at = coalesce(revoked_at, now())
           WHERE id = $1 AND user_id = $2""",
        token_id,
        user_id,
    )
    return result.endswith(" 1")


async def api_tokens_of(conn: Connection, user_id: UUID) -> list[ApiTokenRecord]:
    """A user's tokens, newest first."""
    rows = await conn.fetch(
        f"SELECT {_API_TOKEN_FIELDS} FROM api_token WHERE user_id = $1 ORDER BY created_at DESC",
        user_id,
    )
    return [_token(r) for r in rows]
