"""The read cache's own cost per request, in process: no network, no database.

Calls the /graphql middleware (hub/http/graphql_cache.py) directly, with a stand-in endpoint
that answers a fixed 18 kB body, and prints microseconds per request for:

- a hit on the raw key (the same bytes again: a dict look-up),
- a hit on the canonical key only (the same query spelled differently every time: JSON
  parsing, the policy check from its cache, sha256 of the canonical request),
- a miss (all of the above, the endpoint, the cacheability check and the store),
- a signed-in request (passed straight through).

    PYTHONPATH=$PWD .venv/bin/python bench/read_cache.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from hub.graphql.audience import DocumentPolicy
from hub.graphql.schema import build_schema
from hub.http.graphql_cache import GraphQLReadCache
from hub.http.persisted_queries import PersistedQueries
from hub.http.read_cache import ReadCache
from hub.store.data_version import DataVersion

QUERY = (
    "query Bench($order: NeedOrder!) { needs(first: 20, orderBy: $order) { totalCount "
    "edges { cursor node { id urgency status region { province city } "
    "organization { id name kind } items { categoryCode name quantity unit "
    "category { code name } } } } } }"
)
BODY = json.dumps({"data": {"needs": {"totalCount": 1, "edges": ["x" * 18_000]}}}).encode()


async def endpoint(scope: Any, receive: Any, send: Any) -> None:
    """Stands in for strawberry: reads the body, answers BODY."""
    await receive()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


def scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), *headers],
    }


async def measure(
    middleware: GraphQLReadCache,
    bodies: Callable[[int], bytes],
    headers: list[tuple[bytes, bytes]],
    requests: int,
) -> float:
    """Microseconds per request."""

    async def noop(_message: Any) -> None:
        return None

    def receiver(body: bytes) -> Callable[[], Awaitable[dict[str, Any]]]:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        return receive

    the_scope = scope(headers)
    started = time.perf_counter()
    for number in range(requests):
        await middleware(the_scope, receiver(bodies(number)), noop)
    return (time.perf_counter() - started) / requests * 1e6


async def main(requests: int) -> None:
    version = DataVersion()
    version.set_listening(True)
    cache = ReadCache(version, 64 * 1024 * 1024, 3600.0)
    middleware = GraphQLReadCache(
        endpoint, cache, PersistedQueries(), DocumentPolicy(build_schema()._schema), "zh"
    )
    same = json.dumps({"query": QUERY, "variables": {"order": "URGENCY"}}).encode()

    def spelled(number: int) -> bytes:
        # Same request, other spacing: the raw key misses, the canonical key hits.
        return json.dumps(
            {"query": QUERY, "variables": {"order": "URGENCY"}}, indent=number % 7
        ).encode() + b" " * (number // 7)

    def unique(number: int) -> bytes:
        return json.dumps({"query": QUERY, "variables": {"order": "URGENCY", "n": number}}).encode()

    await measure(middleware, lambda _n: same, [], 10)
    raw_hit = await measure(middleware, lambda _n: same, [], requests)
    await measure(middleware, spelled, [], 10)
    canonical_hit = await measure(middleware, spelled, [], min(requests, 2000))
    miss = await measure(middleware, unique, [], min(requests, 2000))
    signed_in = await measure(
        middleware, lambda _n: same, [(b"authorization", b"Bearer x")], requests
    )
    print("Read cache middleware, in process (stand-in endpoint, 18 kB body)")
    print(f"  hit, raw key         {raw_hit:8.1f} µs/request")
    print(f"  hit, canonical key   {canonical_hit:8.1f} µs/request")
    print(f"  miss (store)         {miss:8.1f} µs/request")
    print(f"  signed in (bypass)   {signed_in:8.1f} µs/request")
    print(f"  counters             {cache.counters}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().requests))
