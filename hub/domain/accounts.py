"""Accounts and roles: who may do what, as plain rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from hub.domain.errors import ErrorCode, UserError


class Role(Enum):
    """What a signed-in user may do; each role includes the ones before it."""

    VOLUNTEER = "VOLUNTEER"
    REVIEWER = "REVIEWER"
    COORDINATOR = "COORDINATOR"
    ADMIN = "ADMIN"

    @property
    def rank(self) -> int:
        """Position in the order VOLUNTEER < REVIEWER < COORDINATOR < ADMIN."""
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """Whether this role may do what `other` may."""
        return self.rank >= other.rank


class TokenScope(Enum):
    """What an API token may do: READ only, or WRITE (mutations) as well."""

    READ = "READ"
    WRITE = "WRITE"


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a user (by session or API token), or nobody (anonymous)."""

    user_id: UUID | None = None
    handle: str | None = None
    role: Role | None = None
    approved: bool = False
    # None for a browser session or anonymous; the token's scope for API tokens.
    scope: TokenScope | None = None

    @property
    def signed_in(self) -> bool:
        """Whether a user is behind the request."""
        return self.user_id is not None

    def has(self, role: Role) -> bool:
        """Whether the viewer holds `role` or a higher one."""
        return self.role is not None and self.role.includes(role)

    @property
    def may_write(self) -> bool:
        """Whether the credentials allow changes (a READ token does not)."""
        return self.scope is not TokenScope.READ


ANONYMOUS = Viewer()

MIN_PASSWORD = 10
MAX_PASSWORD = 200
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{2,63}")
_HANDLE = re.compile(r"[\w\-.]{2,30}")


def validate_sign_up(email: str, handle: str, password: str) -> list[UserError]:
    """Problems with a sign-up form, before the database is asked about uniqueness."""
    errors = []
    if not _EMAIL.fullmatch(email.strip()):
        errors.append(
            UserError("email", ErrorCode.INVALID_FORMAT, {"expected": "name@example.org"})
        )
    if not _HANDLE.fullmatch(handle.strip()):
        errors.append(
            UserError(
                "handle", ErrorCode.INVALID_FORMAT, {"expected": "2-30 letters, digits, _ - or ."}
            )
        )
    return errors + validate_password(password)


def validate_password(password: str) -> list[UserError]:
    """Problems with a new password (at sign-up, or set by a password reset)."""
    if len(password) < MIN_PASSWORD:
        return [UserError("password", ErrorCode.WEAK_PASSWORD, {"min": MIN_PASSWORD})]
    if len(password) > MAX_PASSWORD:
        return [UserError("password", ErrorCode.TOO_LONG, {"max": MAX_PASSWORD})]
    return []


def may_grant(actor: Viewer, role: Role) -> bool:
    """Coordinators manage volunteers and reviewers; only admins make coordinators or admins."""
    if actor.has(Role.ADMIN):
        return True
    return actor.has(Role.COORDINATOR) and not role.includes(Role.COORDINATOR)


def speaks_for(
    actor: Viewer, owner: UUID | None, token_matches: bool, member: bool = False
) -> bool:
    """Whether the actor speaks for a record: its edit token's holder, its signed-in submitter,
    the staff of its organization."""
    if token_matches or member:
        return True
    return actor.signed_in and owner is not None and actor.user_id == owner


def may_edit(actor: Viewer, owner: UUID | None, token_matches: bool, member: bool = False) -> bool:
    """Who may change a record: whoever speaks for it (speaks_for), and coordinators."""
    return speaks_for(actor, owner, token_matches, member) or actor.has(Role.COORDINATOR)
