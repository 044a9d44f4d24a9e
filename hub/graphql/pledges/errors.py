"""How the pledge and shipment mutations refuse a viewer who speaks for no side of a pledge."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from hub.graphql.errors import ErrorCode, refused_as
from hub.graphql.permissions import guarded_mutation

FORBIDDEN = (
    "Only the donor, the receiving side, the carrier or a coordinator may do this "
    "(pass the editToken you were given, or sign in)."
)


def _as_forbidden() -> AbstractContextManager[None]:
    return refused_as(ErrorCode.FORBIDDEN, FORBIDDEN)


def pledge_mutation(description: str) -> Any:
    """A guarded mutation of a pledge or its shipment: the services' Forbidden (the viewer
    speaks for no side of the pledge) is FORBIDDEN."""
    return guarded_mutation(description, refused=_as_forbidden)
