"""A write through one hub process is visible through another's read cache within a second."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import HubProcess

COUNT = "query { needs(first: 5, filter: {verificationStatuses: [PENDING]}) { totalCount } }"


@pytest.fixture
def two_hubs(fresh_dsn: str) -> Iterator[tuple[HubProcess, HubProcess]]:
    """Hubs A and B, two processes on one database (no Redis: nothing else links them)."""
    env = {"HUB_DATABASE_URL": fresh_dsn, "HUB_IN_PROCESS_JOBS": "false"}
    hubs = (HubProcess(env), HubProcess(env))
    try:
        for hub in hubs:
            hub.start()
        yield hubs
    finally:
        for hub in hubs:
            hub.stop()


async def _count(client: httpx.AsyncClient) -> tuple[int, str]:
    response = await client.post("/graphql", json={"query": COUNT})
    assert response.status_code == 200, response.text
    total: int = response.json()["data"]["needs"]["totalCount"]
    return total, response.headers["cache-control"]


async def test_a_write_through_a_is_read_through_b_within_one_second(
    two_hubs: tuple[HubProcess, HubProcess],
) -> None:
    a, b = two_hubs
    async with (
        httpx.AsyncClient(base_url=a.http_url, timeout=30) as to_a,
        httpx.AsyncClient(base_url=b.http_url, timeout=30) as to_b,
    ):
        # B answers from its cache (its listener is up once a response is public).
        deadline = time.monotonic() + 20
        while (await _count(to_b))[1] != "public, max-age=5":
            assert time.monotonic() < deadline, "B never cached the read"
        assert await _count(to_b) == (0, "public, max-age=5")
        written = await to_a.post(
            "/graphql", json={"query": SUBMIT_NEED, "variables": {"input": need_input()}}
        )
        assert written.json()["data"]["submitNeed"]["userErrors"] == []
        deadline = time.monotonic() + 1.0
        while (await _count(to_b))[0] != 1:
            assert time.monotonic() < deadline, "B still served the old count after 1 s"
