"""Three replicas behind nginx: any one serves any request, subscriptions fan out across them,
and kill -9 of one during a write burst loses no acknowledged write nor any event."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import httpx
import pytest

from hub.domain.global_ids import to_global_id
from tests.helpers import SUBMIT_NEED, need_input
from tests.topology.clients import (
    ResumingSubscriber,
    Writes,
    missing_entries,
    submit_need,
    until_all_stamped,
    write_until,
)
from tests.topology.conftest import REPLICAS, Topology
from tests.topology.nginx import served_by

# Bounds for the test to give up, not speed targets.
DEADLINE_SECONDS = 30.0
NODE = "query($id: ID!) { node(id: $id) { id } }"
# The short burst of the default suite (tests/topology/test_long.py runs longer ones).
BURST = 45
WRITERS = 3


async def latest_event_id(http: httpx.AsyncClient) -> str:
    """The id to subscribe after so that nothing written from now on can be missed."""
    response = await http.post("/graphql", json={"query": "{ latestEventId }"})
    assert response.status_code == 200, response.text
    value: str = response.json()["data"]["latestEventId"]
    return value


@asynccontextmanager
async def subscribers(url: str, after: str, count: int) -> AsyncIterator[list[ResumingSubscriber]]:
    """`count` subscribers through nginx, each connected when the block starts."""
    running = [ResumingSubscriber(url, after) for _ in range(count)]
    tasks = [asyncio.create_task(subscriber.run()) for subscriber in running]
    try:
        async with asyncio.timeout(DEADLINE_SECONDS):
            for subscriber in running:
                await subscriber.connected.wait()
        yield running
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task


async def burst_with_kill(topology: Topology, victim: str, total: int, kill_after: int) -> Writes:
    """WRITERS clients post needs through nginx until `total` are acknowledged; once
    `kill_after` are, the replica `victim` is killed with SIGKILL."""
    writes = Writes()
    stop = asyncio.Event()
    clients = [
        httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) for _ in range(WRITERS)
    ]
    try:
        tasks = [asyncio.create_task(write_until(c, writes, stop, total)) for c in clients]
        await writes.until(lambda w: len(w.acknowledged) >= kill_after, DEADLINE_SECONDS)
        topology.kill(victim)
        writes.killed_at = len(writes.acknowledged)
        async with asyncio.timeout(DEADLINE_SECONDS):
            await asyncio.gather(*tasks)
    finally:
        stop.set()
        for client in clients:
            await client.aclose()
    return writes


async def test_any_replica_serves_any_request(topology: Topology) -> None:
    async with httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) as http:
        answered: dict[str, set[int]] = {}
        for _ in range(3 * REPLICAS):
            response = await http.get("/healthz")
            assert response.status_code == 200
            upstream = served_by(response.headers)
            answered.setdefault(upstream, set()).add(response.json()["process"])
        assert set(answered) == set(topology.upstreams)
        for upstream, pids in answered.items():
            # The process that answered is the replica nginx says it sent the request to.
            process = topology.upstreams[upstream].process
            assert process is not None
            assert pids == {process.pid}

        # A need written through one replica is read through every one of them.
        entry_id, writer = await submit_need(http)
        global_id = to_global_id("Need", entry_id)
        readers: set[str] = set()
        for _ in range(3 * REPLICAS):
            response = await http.post(
                "/graphql", json={"query": NODE, "variables": {"id": global_id}}
            )
            assert response.status_code == 200, response.text
            assert response.json()["data"]["node"] == {"id": global_id}
            readers.add(served_by(response.headers))
    assert readers == set(topology.upstreams), f"written through {writer}"


async def test_subscriptions_fan_out_across_replicas(topology: Topology) -> None:
    async with httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) as http:
        after = await latest_event_id(http)
        # nginx deals new connections round-robin: one subscriber lands on each replica.
        async with subscribers(topology.nginx.ws_url, after, REPLICAS) as running:
            on = {subscriber.upstreams[0] for subscriber in running}
            assert on == set(topology.upstreams), on
            # Once a subscriber has an event it is joined: what follows arrives live.
            await submit_need(http)
            first = await until_all_stamped(topology.dsn, int(after), DEADLINE_SECONDS)
            for subscriber in running:
                await subscriber.until_received(first, DEADLINE_SECONDS)
            writers = {(await submit_need(http))[1] for _ in range(2 * REPLICAS)}
            assert writers == set(topology.upstreams)
            expected = await until_all_stamped(topology.dsn, int(after), DEADLINE_SECONDS)
            for subscriber in running:
                await subscriber.until_received(expected, DEADLINE_SECONDS)
    for subscriber in running:
        assert sorted(subscriber.positions) == sorted(expected)
        # Live, not replayed: with the poll at ten minutes, only Redis carried the news from
        # the replicas that took the writes to this subscriber's replica.
        assert [e["replayed"] for e in subscriber.events[1:]] == [False] * 2 * REPLICAS


async def test_kill_9_during_a_write_burst_loses_nothing_acknowledged(
    topology: Topology,
) -> None:
    async with httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) as http:
        after = await latest_event_id(http)
    async with subscribers(topology.nginx.ws_url, after, 1) as (subscriber,):
        victim = subscriber.upstreams[0]
        writes = await burst_with_kill(topology, victim, BURST, kill_after=BURST // 3)
        expected = await until_all_stamped(topology.dsn, int(after), DEADLINE_SECONDS)
        try:
            await subscriber.until_received(expected, DEADLINE_SECONDS)
        except TimeoutError:
            raise AssertionError(
                f"missing {sorted(expected - set(subscriber.positions))}\n{topology.logs()}"
            ) from None
    assert await missing_entries(topology.dsn, writes.acknowledged) == []
    # No gap and no repeat: resumed with `after`, the union is exactly the outbox's events.
    assert subscriber.positions == sorted(expected)
    assert len(expected) >= len(writes.acknowledged)
    # The subscriber lost its replica and resumed on another one.
    assert len(subscriber.upstreams) >= 2
    assert victim not in subscriber.upstreams[1:]
    # Only the writes in flight when it died may have been answered by the killed replica.
    assert victim not in writes.upstreams[writes.killed_at + WRITERS :]


SEARCH = """
query($q: String!) {
  search(query: $q, kinds: [NEED], filter: {verificationStatuses: [PENDING]}) {
    backend edges { node { ... on Need { id } } }
  }
}"""


async def test_search_through_any_replica_finds_what_the_worker_indexed(
    topology: Topology,
) -> None:
    if not os.environ.get("HUB_TEST_MEILI_URL"):
        pytest.skip("HUB_TEST_MEILI_URL is not set: no Meilisearch server for this run")
    word = f"topology{uuid.uuid4().hex[:10]}"
    async with httpx.AsyncClient(base_url=topology.nginx.http_url, timeout=30) as http:
        body = json.dumps({"query": SUBMIT_NEED, "variables": {"input": need_input(notes=word)}})
        posted = await http.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        need_id = posted.json()["data"]["submitNeed"]["need"]["id"]
        # `hub worker` indexes it into Meilisearch within a round or two; poll the answer.
        answered: set[str] = set()
        async with asyncio.timeout(DEADLINE_SECONDS):
            while answered != set(topology.upstreams):
                response = await http.post(
                    "/graphql", json={"query": SEARCH, "variables": {"q": word}}
                )
                assert response.status_code == 200, response.text
                found = response.json()["data"]["search"]
                if [e["node"]["id"] for e in found["edges"]] == [need_id]:
                    assert found["backend"] == "meilisearch"
                    answered.add(served_by(response.headers))
                else:
                    await asyncio.sleep(0.1)
