"""Global ids over GraphQL: the encoding of hub.domain.global_ids, and its GraphQL errors."""

from __future__ import annotations

from uuid import UUID

import strawberry

from hub.domain.global_ids import NODE_TYPES, expect_global_id, parse_global_id, to_global_id
from hub.graphql.errors import ErrorCode, hub_error

__all__ = [
    "NODE_TYPES",
    "expect_global_id",
    "node_id",
    "parse_global_id",
    "require_global_id",
    "to_global_id",
]


def node_id(type_name: str, local_id: UUID) -> strawberry.ID:
    """The public id of a node, as GraphQL's ID."""
    return strawberry.ID(to_global_id(type_name, local_id))


def require_global_id(global_id: str) -> tuple[str, UUID]:
    """Like parse_global_id, but a malformed id is a GraphQL error (for queries)."""
    parsed = parse_global_id(global_id)
    if parsed is None:
        raise hub_error(ErrorCode.INVALID_ID, f"Not a valid node id: {global_id[:80]!r}")
    return parsed
