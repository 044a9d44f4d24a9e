"""Global ids: "Type:uuid" in URL-safe base64, unique across every type of node."""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

from hub.domain.kinds import KINDS
from hub.graphql.errors import ErrorCode, hub_error

NODE_TYPES = (
    *(kind.type_name for kind in KINDS),
    "Organization",
    "User",
    "ApiToken",
    "Contact",
    "OrganizationClaim",
    "Pledge",
    "Shipment",
    "Message",
    "Webhook",
)


def to_global_id(type_name: str, local_id: UUID) -> str:
    """The public id of a node."""
    return base64.urlsafe_b64encode(f"{type_name}:{local_id}".encode()).decode().rstrip("=")


def parse_global_id(global_id: str) -> tuple[str, UUID] | None:
    """(type name, uuid), or None when `global_id` is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        type_name, _, local = raw.partition(":")
        if type_name not in NODE_TYPES:
            return None
        return type_name, UUID(local)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def expect_global_id(global_id: str, type_name: str) -> UUID | None:
    """The uuid inside an id that must name a `type_name`; None when it does not."""
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] != type_name:
        return None
    return parsed[1]


def require_global_id(global_id: str) -> tuple[str, UUID]:
    """Like parse_global_id, but a malformed id is a GraphQL error (for queries)."""
    parsed = parse_global_id(global_id)
    if parsed is None:
        raise hub_error(ErrorCode.INVALID_ID, f"Not a valid node id: {global_id[:80]!r}")
    return parsed
