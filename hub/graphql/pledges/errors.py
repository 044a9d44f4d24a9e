"""What the pledge, shipment and message mutations answer when they refuse."""

from __future__ import annotations

from contextlib import AbstractContextManager

from hub.domain.errors import ErrorCode as UserErrorCode
from hub.graphql.common import UserError
from hub.graphql.context import Info
from hub.graphql.errors import ErrorCode, refused_as

FORBIDDEN = (
    "Only the donor, the receiving side, the carrier or a coordinator may do this "
    "(pass the editToken you were given, or sign in)."
)


def invalid_id(info: Info, field: str) -> list[UserError]:
    """The user error of an input id that names no node of the expected type."""
    return UserError.single(field, UserErrorCode.INVALID_ID, info.context.language)


def as_forbidden() -> AbstractContextManager[None]:
    """The services' Forbidden (the viewer speaks for no side of it) as FORBIDDEN."""
    return refused_as(ErrorCode.FORBIDDEN, FORBIDDEN)
