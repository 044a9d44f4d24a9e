"""How the pledge and shipment mutations refuse a viewer who speaks for no side of a pledge."""

from __future__ import annotations

from contextlib import AbstractContextManager

from hub.graphql.errors import ErrorCode, refused_as

FORBIDDEN = (
    "Only the donor, the receiving side, the carrier or a coordinator may do this "
    "(pass the editToken you were given, or sign in)."
)


def as_forbidden() -> AbstractContextManager[None]:
    """The services' Forbidden (the viewer speaks for no side of it) as FORBIDDEN."""
    return refused_as(ErrorCode.FORBIDDEN, FORBIDDEN)
