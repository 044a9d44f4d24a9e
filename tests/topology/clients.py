"""What a client does through the load balancer: writes that count only when acknowledged,
and a subscriber that resumes after a lost connection with `after`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
import httpx
from websockets.exceptions import InvalidHandshake, WebSocketException

from hub.domain.global_ids import parse_global_id
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.wsclient import ENTRY_EVENTS, socket
from tests.topology.nginx import served_by

# A client waits this long before trying again after a refused write or a lost subscription:
# a client's backoff, not a wait for the hub.
RETRY_BACKOFF_SECONDS = 0.05


class Unavailable(Exception):
    """The hub did not take the request (a refused connection, a 5xx, an error payload)."""


@dataclass
class Writes:
    """What a writing client saw: the entries the hub acknowledged, and its refusals."""

    acknowledged: list[UUID] = field(default_factory=list)
    upstreams: list[str] = field(default_factory=list)
    failures: int = 0
    # How many were acknowledged when a replica was killed (if one was).
    killed_at: int = 0
    # Set after every answer (or refusal), for whoever waits on the counts.
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def until(self, condition: Callable[[Writes], bool], within: float) -> None:
        """Wait until `condition` holds for what the writers saw (TimeoutError after `within`)."""
        async with asyncio.timeout(within):
            while not condition(self):
                self.changed.clear()
                await self.changed.wait()


async def submit_need(http: httpx.AsyncClient) -> tuple[UUID, str]:
    """Post one need; its entry id and the replica that served it. Unavailable unless the hub
    acknowledged it (200 with the need and no errors)."""
    body = json.dumps({"query": SUBMIT_NEED, "variables": {"input": need_input()}})
    try:
        response = await http.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    except httpx.HTTPError as error:
        raise Unavailable(type(error).__name__) from error
    if response.status_code != 200:
        raise Unavailable(f"HTTP {response.status_code}")
    answer: dict[str, Any] = response.json()
    need = ((answer.get("data") or {}).get("submitNeed") or {}).get("need")
    if answer.get("errors") or need is None:
        raise Unavailable(str(answer.get("errors") or answer))
    parsed = parse_global_id(need["id"])
    assert parsed is not None, need["id"]
    return parsed[1], served_by(response.headers)


async def write_until(
    http: httpx.AsyncClient, writes: Writes, stop: asyncio.Event, at_most: int
) -> None:
    """Post needs until `stop` is set or `at_most` are acknowledged (all writers together)."""
    while not stop.is_set() and len(writes.acknowledged) < at_most:
        try:
            entry_id, upstream = await submit_need(http)
        except Unavailable:
            # Not acknowledged: a client retries such a write (it may exist twice, never zero).
            writes.failures += 1
            writes.changed.set()
            await asyncio.sleep(RETRY_BACKOFF_SECONDS)
            continue
        writes.acknowledged.append(entry_id)
        writes.upstreams.append(upstream)
        writes.changed.set()


async def missing_entries(dsn: str, entry_ids: list[UUID]) -> list[UUID]:
    """The acknowledged entries the database does not hold."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT id FROM entry WHERE id = ANY($1::uuid[])", entry_ids)
    finally:
        await conn.close()
    held = {row["id"] for row in rows}
    return [entry_id for entry_id in entry_ids if entry_id not in held]


async def need_positions(dsn: str, after: int) -> tuple[set[int], int]:
    """Positions of the need events after `after`, and how many events are not stamped yet."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT position FROM entry_event WHERE entry_kind = 'NEED' AND position > $1", after
        )
        unstamped: int = await conn.fetchval(
            "SELECT count(*) FROM entry_event WHERE position IS NULL"
        )
    finally:
        await conn.close()
    return {int(row["position"]) for row in rows}, unstamped


class ResumingSubscriber:
    """entryEvents (needs) through the load balancer; when the connection is lost, subscribes
    again with `after` set to the last event received, as a graphql-ws client should."""

    def __init__(self, url: str, after: str) -> None:
        self.url = url
        self.last = after
        self.events: list[dict[str, Any]] = []
        # The replica behind each connection, in order.
        self.upstreams: list[str] = []
        # The errors the hub answered a subscription with (while PostgreSQL was away, say).
        self.errors: list[dict[str, Any]] = []
        self.connected = asyncio.Event()
        self._arrived = asyncio.Event()

    @property
    def positions(self) -> list[int]:
        """The positions received, in order of arrival."""
        return [int(event["id"]) for event in self.events]

    async def run(self) -> None:
        """Subscribe, and subscribe again after every loss, until cancelled."""
        while True:
            try:
                await self._subscribe_once()
            except (Unavailable, WebSocketException, InvalidHandshake, OSError, TimeoutError):
                self.connected.clear()
                await asyncio.sleep(RETRY_BACKOFF_SECONDS)

    async def _subscribe_once(self) -> None:
        variables = {"after": self.last, "filter": {"kinds": ["NEED"]}}
        async with socket(self.url) as ws:
            ack = await ws.init()
            if ack["type"] != "connection_ack":
                raise Unavailable(str(ack))
            response = ws.ws.response
            assert response is not None
            await ws.start(ENTRY_EVENTS, variables)
            self.upstreams.append(served_by(response.headers))
            self.connected.set()
            while True:
                message = await ws.receive(within=3600)
                # An `error` or `complete` (the subscription could not start or ended, the
                # database being away, say): subscribe again, as graphql-ws clients do.
                if message["type"] not in ("next", "data") or "errors" in message["payload"]:
                    payload = message.get("payload")
                    errors = payload if isinstance(payload, list) else (payload or {})
                    if isinstance(errors, dict):
                        errors = errors.get("errors", [])
                    self.errors += errors
                    raise Unavailable(str(message))
                event: dict[str, Any] = message["payload"]["data"]["entryEvents"]
                self.events.append(event)
                self.last = event["id"]
                self._arrived.set()

    async def until_received(self, positions: set[int], within: float) -> None:
        """Wait until every one of `positions` has arrived (TimeoutError after `within`)."""
        async with asyncio.timeout(within):
            while not positions <= set(self.positions):
                self._arrived.clear()
                await self._arrived.wait()


async def until_all_stamped(dsn: str, after: int, within: float) -> set[int]:
    """The need positions after `after` once no committed event is left unstamped (the relay of
    a surviving replica numbers what a killed one left), polled until `within` seconds."""
    async with asyncio.timeout(within):
        while True:
            positions, unstamped = await need_positions(dsn, after)
            if unstamped == 0:
                return positions
            await asyncio.sleep(RETRY_BACKOFF_SECONDS)
