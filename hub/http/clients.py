"""Who sent a request, for the rate limits and for anything that counts or deduplicates
callers (flag reporters, say): one function, the same answer in every process."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection


def client_key(connection: HTTPConnection) -> str:
    """The request's (or WebSocket's) client key: a keyed digest of the client's address, read
    behind HUB_TRUSTED_PROXIES (hub.limits.identity). GraphQL resolvers have it as
    `info.context.client_key`."""
    state: Any = connection.app.state
    peer = connection.client.host if connection.client else None
    key: str = state.identity.client_key(peer, connection.scope["headers"])
    return key
