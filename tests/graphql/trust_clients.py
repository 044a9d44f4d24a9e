"""Clients of one app from distinct network addresses, as distinct people would be."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from tests.conftest import GraphQLClient


def client_at(app: Starlette, address: str, **cookies: str) -> GraphQLClient:
    """A GraphQL client whose requests come from `address` (with these cookies, if any)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    http = httpx.AsyncClient(transport=transport, base_url="http://hub.test", cookies=cookies)
    return GraphQLClient(http)
