"""bench/fanout.py's subscribers: every event received, in order, whatever deflate the hub picks.

The benchmark's client reads frames with websockets' sans-I/O protocol (bench/fanout_client.py).
These tests run it against a fake hub (tests/bench/fake_hub.py) that decides every frame, so
that a server negotiating server_no_context_takeover and/or client_no_context_takeover, or
sending some messages uncompressed in a deflate session (RFC 7692 allows it), is shown not to
lose, garble or reorder an event.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bench.fake_hub import FakeHub, event_message

# bench/ is not a package: its scripts import each other by name. It is on the path for these
# imports only, so that its module names shadow nothing afterwards.
_PATH = list(sys.path)
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from fanout_client import (  # noqa: E402
    Counters,
    Subscriber,
    SubscriberConnection,
    close_all,
    open_one,
)

sys.path[:] = _PATH

WAIT_S = 10.0
# How long the client's process is kept busy while an event waits in its socket.
BUSY_S = 0.1


class WatchedCounters(Counters):
    """Counters that wake the test whenever they change (no polling)."""

    def __init__(self, changed: asyncio.Event) -> None:
        super().__init__()
        self.changed = changed

    def add_received(self) -> None:
        """Count, and wake the test."""
        super().add_received()
        self.changed.set()

    def add_open(self, delta: int) -> None:
        """Count, and wake the test."""
        super().add_open(delta)
        self.changed.set()


async def _open(
    hub: FakeHub, count: int, compression: str | None
) -> tuple[list[Subscriber], list[SubscriberConnection], WatchedCounters]:
    counters = WatchedCounters(hub.changed)
    gate = asyncio.Semaphore(4)
    subs = [Subscriber(index, 0) for index in range(count)]
    opened = await asyncio.gather(
        *(open_one(sub, "127.0.0.1", hub.port, "0", compression, counters, gate) for sub in subs)
    )
    connections = [connection for connection in opened if connection is not None]
    assert [sub.failure for sub in subs] == [None] * count
    async with asyncio.timeout(WAIT_S):
        await asyncio.gather(*(connection.subscribed for connection in hub.connections))
    return subs, connections, counters


async def _until(changed: asyncio.Event, condition: Callable[[], bool], what: str) -> None:
    """Wait until `condition` holds, woken by `changed` (set by the counters and the hub)."""
    try:
        async with asyncio.timeout(WAIT_S):
            while not condition():
                changed.clear()
                await changed.wait()
    except TimeoutError:
        pytest.fail(f"no {what} within {WAIT_S:g} s")


@pytest.mark.parametrize(
    ("deflate", "server_no_context", "client_no_context"),
    [
        (True, False, False),
        (True, True, False),
        (True, False, True),
        (True, True, True),
        (False, False, False),
    ],
)
async def test_every_event_arrives_in_order_whatever_the_deflate_parameters(
    deflate: bool, server_no_context: bool, client_no_context: bool
) -> None:
    hub = FakeHub(
        deflate=deflate,
        server_no_context_takeover=server_no_context,
        client_no_context_takeover=client_no_context,
    )
    await hub.start()
    try:
        subs, connections, counters = await _open(hub, 3, "deflate")
        expected = 40
        for position in range(1, expected + 1):
            for number, connection in enumerate(hub.connections):
                # Every third message uncompressed (RSV1 unset) inside the deflate session,
                # on a different position for each connection; similar messages so that the
                # compressor's context (when kept) is actually referred to.
                compressed = (position + number) % 3 != 0
                connection.send(event_message(position, f"need-{position}"), compressed=compressed)
        await _until(hub.changed, lambda: counters.received == expected * 3, "every event")

        negotiated = {sub.extensions for sub in subs}
        if deflate:
            (offer,) = negotiated
            assert offer.startswith("permessage-deflate")
            assert ("server_no_context_takeover" in offer) == server_no_context
            assert ("client_no_context_takeover" in offer) == client_no_context
        else:
            assert negotiated == {""}
        for sub in subs:
            assert [event[0] for event in sub.events] == list(range(1, expected + 1))
            assert [event[1] for event in sub.events] == [
                f"need-{n}" for n in range(1, expected + 1)
            ]
            assert sub.ended is None and sub.errors == []
        assert counters.open == 3

        await close_all(connections, counters)
        assert counters.open == 0
        assert all(connection.closed.done() for connection in connections)
        assert [sub.ended for sub in subs] == [None] * 3
    finally:
        await hub.stop()


async def test_fragments_pings_and_a_close_by_the_hub() -> None:
    hub = FakeHub()
    await hub.start()
    try:
        (sub,), connections, counters = await _open(hub, 1, "deflate")
        (server,) = hub.connections
        server.send(event_message(1, "need-1"))
        server.ping()
        server.send_fragmented(event_message(2, "need-2"), parts=3)
        server.send(event_message(3, "need-3"), compressed=False)
        await _until(
            hub.changed, lambda: counters.received == 3 and server.pongs == 1, "events and pong"
        )
        assert [event[:2] for event in sub.events] == [(1, "need-1"), (2, "need-2"), (3, "need-3")]
        # The WebSocket ping was answered by the protocol (a pong frame the hub accepted).
        assert server.protocol.state.name == "OPEN"

        # A hub that closes the socket (4800: too far behind) is reported, not hidden.
        server.protocol.send_close(4800, "too slow")
        server.flush()
        await _until(hub.changed, lambda: counters.open == 0, "the close")
        assert sub.ended == "closed by the hub: 4800 too slow"
        await close_all(connections, counters)
    finally:
        await hub.stop()


async def test_a_refused_handshake_is_a_failure_with_its_reason() -> None:
    # A hub that answers the handshake with a refusal, as its socket caps do.
    counters = Counters()
    gate = asyncio.Semaphore(1)
    sub = Subscriber(0, 0)
    server = await asyncio.start_server(_refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        assert await open_one(sub, "127.0.0.1", port, "0", "deflate", counters, gate) is None
        assert sub.failure is not None and "InvalidStatus" in sub.failure
        assert "429" in sub.failure
        assert not sub.subscribed and counters.open == 0
    finally:
        server.close()
        await server.wait_closed()


async def _refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nRetry-After: 5\r\n\r\n")
    await writer.drain()
    writer.close()


async def test_arrival_is_when_the_kernel_got_the_event_not_when_a_busy_client_read_it() -> None:
    # The client shares the cores with the hubs: an event that waits in the socket while the
    # client is busy must not count against the hub. Arrival is the kernel's receive stamp.
    hub = FakeHub()
    await hub.start()
    try:
        (sub,), connections, counters = await _open(hub, 1, "deflate")
        (server,) = hub.connections
        sent_at = time.monotonic()
        server.send(event_message(1, "need-1"))
        # Blocking the loop is the point: the client busy elsewhere, the event in its socket.
        time.sleep(BUSY_S)  # noqa: ASYNC251
        await _until(hub.changed, lambda: counters.received == 1, "the event")
        ((_, _, _, arrived_at, read_at),) = sub.events
        assert sub.untimed_reads == 0
        assert sent_at <= arrived_at < sent_at + BUSY_S / 2
        assert read_at - arrived_at >= BUSY_S
        await close_all(connections, counters)
    finally:
        await hub.stop()
