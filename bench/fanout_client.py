"""The subscribers of bench/fanout.py: many graphql-transport-ws sockets, kept cheap.

10,000 subscribers at 2 events a second are 20,000 messages a second to read, decompress,
decode and check, on the same cores as the hubs, Redis and PostgreSQL. One asyncio task and a
full `websockets` client per socket cost about 70 to 120 us per message here (profiled at 2,000
subscribers: mostly asyncio futures, the connection's message assembler, and a proxy lookup in
the environment per connection), which made the client, not the hubs, the bottleneck. So each
socket is a bare non-blocking socket watched by the event loop (uvloop), driving websockets'
sans-I/O `ClientProtocol` directly (handshake, extension negotiation, frames,
permessage-deflate, answering pings, closing), with orjson decoding. websockets decompresses
per RFC 7692: with or without server_no_context_takeover / client_no_context_takeover, and
messages sent uncompressed (RSV1 not set) inside a deflate session are taken as they are.

Reads use recvmsg() with SO_TIMESTAMPNS: each carries the moment the kernel received the bytes,
which is an event's arrival whatever this process was doing then; the moment the process read
them is kept too, so that the report can say how long events waited for the client.

The subscribers are split over one or more forked processes (`--client-processes`), so that the
benchmark's own process (the writer, the commit listener) is not slowed by them; each runs
`client_process` and talks to the benchmark over a pipe:

    benchmark -> process: OpenOrder (whom to open, after which event)
    process -> benchmark: OpenedReport, once every handshake has ended one way or the other
    benchmark -> process: CLOSE
    process -> benchmark: list[Subscriber], with every event each one received

Each process keeps two shared counters up to date (events received, subscriptions open), so
that the benchmark can wait for delivery without asking. Times are time.monotonic() (kernel
stamps are moved onto it), one clock for every process of the machine.

This module imports nothing of the hub or of bench/common.py, so that tests can import it
without starting anything.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import socket
import struct
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import orjson
import uvloop
from websockets.client import ClientProtocol
from websockets.exceptions import WebSocketException
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import BytesLike, Subprotocol
from websockets.uri import parse_uri

SUBSCRIPTION = (
    "subscription($after: String) { entryEvents(after: $after) "
    "{ id type kind entryId occurredAt entry { id ... on Need { urgency } } } }"
)
PROTOCOL = Subprotocol("graphql-transport-ws")
# Bounds: generous but finite; a step that takes longer is broken, not slow.
OPEN_TIMEOUT_S = 60.0
ACK_TIMEOUT_S = 60.0
CLOSE_TIMEOUT_S = 60.0
# How long a client process may take to hand its results back once its sockets are closed.
RESULTS_TIMEOUT_S = 120.0
# The largest message a subscriber accepts (an event is a few hundred bytes).
MAX_MESSAGE_BYTES = 1 << 20
CLOSE = "close"
# Shared counters of one process: events received, subscriptions open.
RECEIVED, OPEN = 0, 1
# One read takes whatever the socket holds (events are a few hundred bytes each).
READ_BYTES = 1 << 16
# SO_TIMESTAMPNS (Linux; the option and its control message share the number) and its
# struct timespec.
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
TIMESPEC = struct.Struct("@qq")
TIMESTAMP_SPACE = socket.CMSG_SPACE(TIMESPEC.size)
# What a subscriber sends, encoded once.
CONNECTION_INIT = b'{"type":"connection_init"}'
PONG = b'{"type":"pong"}'


@dataclass(eq=False)
class Subscriber:
    """One WebSocket connection with one entryEvents subscription, and what it received."""

    index: int
    hub: int
    # (position, entryId, type, arrival, read), in the order received: arrival is when the
    # kernel received the bytes, read when this process read them (time.monotonic() both).
    events: list[tuple[int, str, str, float, float]] = field(default_factory=list)
    failure: str | None = None
    ended: str | None = None
    errors: list[str] = field(default_factory=list)
    # The Sec-WebSocket-Extensions the hub answered ("" when none).
    extensions: str = ""
    subscribed: bool = False
    # Reads that came without a kernel timestamp (their arrival is the read).
    untimed_reads: int = 0


@dataclass(frozen=True)
class OpenOrder:
    """What one client process opens: subscriber indexes and hubs, and how."""

    # (subscriber index, hub index, host, port) for each of this process's subscribers.
    targets: list[tuple[int, int, str, int]]
    after: str
    compression: str | None
    concurrency: int


@dataclass(frozen=True)
class OpenedReport:
    """A client process's answer once every handshake has ended."""

    subscribed: int
    failures: dict[str, int]


def _extension_factories(compression: str | None) -> list[ClientPerMessageDeflateFactory]:
    # Offered as websockets does by default, and as browsers do: no window bits asked of the
    # server, client_max_window_bits offered, context takeover both ways unless the server
    # says otherwise (server_no_context_takeover / client_no_context_takeover).
    if compression is None:
        return []
    return [ClientPerMessageDeflateFactory(compress_settings={"memLevel": 5})]


class Counters:
    """What the subscribers of one process share: the events received and the ones open."""

    def __init__(self, shared: Any | None = None) -> None:
        # A multiprocessing RawArray("q", 2) in a client process; a plain list in tests.
        self.shared = shared if shared is not None else [0, 0]
        self.received = 0
        self.open = 0
        self.stopping = False
        # Entry ids and event types repeat across subscribers: keep one copy of each.
        self.strings: dict[str, str] = {}

    def add_received(self) -> None:
        """One more event received."""
        self.received += 1
        self.shared[RECEIVED] = self.received

    def add_open(self, delta: int) -> None:
        """A subscription started (1) or ended (-1)."""
        self.open += delta
        self.shared[OPEN] = self.open


class SubscriberConnection:
    """A graphql-transport-ws subscriber on websockets' sans-I/O protocol and a bare socket.

    States: the HTTP handshake, then connection_init until connection_ack, then subscribed.
    `ready` resolves once the subscribe message is sent, or when the subscriber failed;
    `closed` once the socket is closed.

    The socket is read with recvmsg() and SO_TIMESTAMPNS, so that each read carries the moment
    the kernel received its bytes: that is an event's arrival, and the benchmark's latency,
    however long this process took to get to the socket (its CPU is shared with the hubs').
    The moment the process read it is kept as well; the difference is the client's queueing.
    """

    def __init__(
        self,
        sub: Subscriber,
        sock: socket.socket,
        url: str,
        after: str,
        compression: str | None,
        counters: Counters,
    ) -> None:
        self.sub = sub
        self.sock = sock
        self.fd = sock.fileno()
        self.after = after
        self.counters = counters
        self.loop = asyncio.get_running_loop()
        self.protocol = ClientProtocol(
            parse_uri(url),
            subprotocols=[PROTOCOL],
            extensions=_extension_factories(compression),
            max_size=MAX_MESSAGE_BYTES,
        )
        self.ready: asyncio.Future[None] = self.loop.create_future()
        self.closed: asyncio.Future[None] = self.loop.create_future()
        self.acked = False
        # Bytes the socket did not take at once (a full send buffer: not expected).
        self._unsent = bytearray()
        # Fragments of a message split over several frames (not expected from the hub).
        self._fragments: list[BytesLike] = []

    def start(self) -> None:
        """Send the opening handshake and start reading."""
        self.loop.add_reader(self.fd, self._readable)
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    # -- reading: the hot path, kept short ----------------------------------------------------

    def _readable(self) -> None:
        try:
            data, ancillary, _, _ = self.sock.recvmsg(READ_BYTES, TIMESTAMP_SPACE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self._lost(error)
            return
        read_at = time.monotonic()
        if not data:
            # The hub closed its side: let the protocol finish, then close ours.
            self.protocol.receive_eof()
            self._flush()
            self._lost(None)
            return
        arrived_at = read_at
        for level, kind, stamp in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(stamp) >= 16:
                seconds, nanoseconds = TIMESPEC.unpack_from(stamp)
                # The kernel's stamp is CLOCK_REALTIME: moved to the monotonic clock by the
                # offset between the two right now (they differ only by clock steps).
                arrived_at = seconds + nanoseconds * 1e-9 - (time.time() - read_at)
                break
        else:
            self.sub.untimed_reads += 1
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Frame):
                self._frame(event, arrived_at, read_at)
            elif isinstance(event, Response):
                self._handshake_done(event)
        self._flush()

    def _frame(self, frame: Frame, arrived_at: float, read_at: float) -> None:
        opcode = frame.opcode
        if opcode is Opcode.TEXT or opcode is Opcode.BINARY:
            if not frame.fin:
                self._fragments = [frame.data]
                return
            self._message(frame.data, arrived_at, read_at)
        elif opcode is Opcode.CONT:
            self._fragments.append(frame.data)
            if frame.fin:
                data, self._fragments = b"".join(self._fragments), []
                self._message(data, arrived_at, read_at)
        # Pings are answered and closes echoed by the protocol itself.

    def _message(self, data: BytesLike, arrived_at: float, read_at: float) -> None:
        try:
            message = orjson.loads(data)
            kind = message.get("type")
            if kind == "next":
                payload = message.get("payload") or {}
                if payload.get("errors"):
                    self.sub.errors.append(str(payload["errors"])[:200])
                    return
                event = payload["data"]["entryEvents"]
                strings = self.counters.strings
                entry_id = strings.setdefault(event["entryId"], event["entryId"])
                event_type = strings.setdefault(event["type"], event["type"])
                self.sub.events.append(
                    (int(event["id"]), entry_id, event_type, arrived_at, read_at)
                )
                self.counters.add_received()
            elif kind == "ping":
                self.protocol.send_text(PONG)
            elif kind == "connection_ack" and not self.acked:
                self.acked = True
                self._subscribe()
            elif kind in ("error", "complete"):
                self.sub.ended = f"{kind}: {str(message.get('payload'))[:120]}"
                self._fail(f"init: {str(message)[:80]}")
            elif not self.acked:
                self._fail(f"init: {str(message)[:80]}")
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            self.sub.ended = f"bad message: {type(error).__name__}: {error}"
            self._fail(self.sub.ended)

    # -- graphql-transport-ws -----------------------------------------------------------------

    def _handshake_done(self, response: Response) -> None:
        error = self.protocol.handshake_exc
        if error is not None:
            self._fail(f"connect: {type(error).__name__}: {str(error)[:80]}")
            self.abort()
            return
        self.sub.extensions = response.headers.get("Sec-WebSocket-Extensions", "")
        self.protocol.send_text(CONNECTION_INIT)

    def _subscribe(self) -> None:
        subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": SUBSCRIPTION, "variables": {"after": self.after}},
        }
        self.protocol.send_text(orjson.dumps(subscribe))
        self.sub.subscribed = True
        self.counters.add_open(1)
        if not self.ready.done():
            self.ready.set_result(None)

    # -- plumbing -----------------------------------------------------------------------------

    def _fail(self, reason: str) -> None:
        # Only a subscriber that never subscribed has failed; later ends are `ended`.
        if not self.sub.subscribed and self.sub.failure is None:
            self.sub.failure = reason
        if not self.ready.done():
            self.ready.set_result(None)

    def _flush(self) -> None:
        if self.closed.done():
            return
        for data in self.protocol.data_to_send():
            if data:
                self._send(data)
            else:
                with suppress(OSError):
                    self.sock.shutdown(socket.SHUT_WR)
        if self.protocol.state is State.CLOSED and not self._unsent:
            self._lost(None)

    def _send(self, data: bytes) -> None:
        if self._unsent:
            self._unsent += data
            return
        try:
            sent = self.sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as error:
            self._lost(error)
            return
        if sent < len(data):
            self._unsent += data[sent:]
            self.loop.add_writer(self.fd, self._writable)

    def _writable(self) -> None:
        try:
            sent = self.sock.send(self._unsent)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self._lost(error)
            return
        del self._unsent[:sent]
        if not self._unsent:
            self.loop.remove_writer(self.fd)
            if self.protocol.state is State.CLOSED:
                self._lost(None)

    def _lost(self, error: Exception | None) -> None:
        """Close the socket once, and note why it ended when the benchmark did not end it."""
        if self.closed.done():
            return
        self.loop.remove_reader(self.fd)
        self.loop.remove_writer(self.fd)
        self.sock.close()
        if self.sub.subscribed:
            self.counters.add_open(-1)
            if not self.counters.stopping and self.sub.ended is None:
                code = self.protocol.close_code
                reason = self.protocol.close_reason or ""
                self.sub.ended = f"closed by the hub: {code} {reason}".strip()
        self._fail(f"connection lost: {error or 'closed'}")
        self.closed.set_result(None)

    def close(self) -> None:
        """Start the closing handshake (1000); the hub closes the TCP connection after it."""
        if self.protocol.state is State.OPEN:
            with suppress(WebSocketException):
                self.protocol.send_close(1000)
            self._flush()
        else:
            self._lost(None)

    def abort(self) -> None:
        """Drop the connection at once (a close that did not finish in time, a failure)."""
        self._lost(None)


async def open_one(
    sub: Subscriber,
    host: str,
    port: int,
    after: str,
    compression: str | None,
    counters: Counters,
    gate: asyncio.Semaphore,
) -> SubscriberConnection | None:
    """Connect, handshake, init, wait for the ack and subscribe; None when that failed."""
    loop = asyncio.get_running_loop()
    url = f"ws://{host}:{port}/graphql"
    async with gate:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        # Without kernel timestamps arrival is the read (counted as untimed reads).
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        try:
            async with asyncio.timeout(OPEN_TIMEOUT_S):
                await loop.sock_connect(sock, (host, port))
        except (OSError, TimeoutError) as error:
            sock.close()
            sub.failure = f"connect: {type(error).__name__}: {str(error)[:80]}"
            return None
        connection = SubscriberConnection(sub, sock, url, after, compression, counters)
        connection.start()
        try:
            async with asyncio.timeout(ACK_TIMEOUT_S):
                await connection.ready
        except TimeoutError:
            sub.failure = "init: no connection_ack in time"
            connection.abort()
            return None
    if not sub.subscribed:
        connection.abort()
        return None
    return connection


async def close_all(connections: Sequence[SubscriberConnection], counters: Counters) -> None:
    """Close every connection (bounded); drop the ones that do not close in time."""
    counters.stopping = True
    for connection in connections:
        connection.close()
    waiting = [connection.closed for connection in connections]
    if not waiting:
        return
    _, pending = await asyncio.wait(waiting, timeout=CLOSE_TIMEOUT_S)
    if pending:
        for connection in connections:
            if not connection.closed.done():
                connection.abort()
        await asyncio.wait(pending, timeout=5.0)


async def _serve_order(pipe: Connection, order: OpenOrder, counters: Counters) -> None:
    gate = asyncio.Semaphore(order.concurrency)
    subs = [Subscriber(index, hub) for index, hub, _, _ in order.targets]
    opened = await asyncio.gather(
        *(
            open_one(sub, host, port, order.after, order.compression, counters, gate)
            for sub, (_, _, host, port) in zip(subs, order.targets, strict=True)
        )
    )
    connections = [connection for connection in opened if connection is not None]
    failures = Counter(sub.failure for sub in subs if sub.failure)
    # Profiled at 2,000 subscribers, a third of this process's CPU went to the cyclic garbage
    # collector walking every connection's objects again and again as received events pile up.
    # Receiving makes no reference cycles worth collecting: freeze what exists, and collect
    # nothing until the sockets close.
    gc.collect()
    gc.freeze()
    gc.disable()
    pipe.send(OpenedReport(sum(1 for sub in subs if sub.subscribed), dict(failures)))
    # Wait for CLOSE without a thread: the pipe's descriptor is watched by the loop.
    loop = asyncio.get_running_loop()
    told: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not told.done():
            told.set_result(None)

    loop.add_reader(pipe.fileno(), wake)
    try:
        await told
    finally:
        loop.remove_reader(pipe.fileno())
        # The loop made the descriptor non-blocking; the results are sent in one blocking write.
        os.set_blocking(pipe.fileno(), True)
    pipe.recv()
    gc.enable()
    await close_all(connections, counters)
    pipe.send(subs)


def client_process(pipe: Connection, shared: Any) -> None:
    """A client process: wait for its order, open, wait for CLOSE, close, send the results."""
    # Ctrl-C reaches the whole process group: the benchmark's process handles it and tells this
    # one to close (or this one sees its pipe end), so that the sockets close in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    order = pipe.recv()
    if not isinstance(order, OpenOrder):
        return
    counters = Counters(shared)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_serve_order(pipe, order, counters))


@dataclass
class ClientProcess:
    """One spawned client process, its pipe and its shared counters."""

    process: BaseProcess
    pipe: Connection
    shared: Any


class ClientPool:
    """The subscribers, spread over `processes` client processes.

    The processes are forked (a spawned one would import the benchmark's main module again,
    the hub with it): create and start the pool while the benchmark has no other thread and
    no running event loop.
    """

    def __init__(self, processes: int) -> None:
        self._context = multiprocessing.get_context("fork")
        self.members: list[ClientProcess] = []
        for _ in range(processes):
            here, there = self._context.Pipe()
            shared = self._context.RawArray("q", 2)
            process = self._context.Process(
                target=client_process, args=(there, shared), name="fanout-client", daemon=True
            )
            self.members.append(ClientProcess(process, here, shared))

    def start(self) -> None:
        """Start the processes (they wait for their orders)."""
        for member in self.members:
            member.process.start()

    @property
    def pids(self) -> list[int]:
        """The client processes' ids."""
        return [member.process.pid for member in self.members if member.process.pid is not None]

    async def open(
        self,
        hubs: Sequence[tuple[str, int]],
        count: int,
        after: str,
        compression: str | None,
        concurrency: int,
    ) -> OpenedReport:
        """Open `count` subscribers, subscriber i on hub i mod len(hubs) and in process
        i mod len(processes); at most `concurrency` handshakes in flight in all."""
        size = len(self.members)
        for number, member in enumerate(self.members):
            targets = [
                (index, index % len(hubs), *hubs[index % len(hubs)])
                for index in range(number, count, size)
            ]
            share = max(1, concurrency // size + (number < concurrency % size))
            member.pipe.send(OpenOrder(targets, after, compression, share))
        # Bounded even if every batch of handshakes ran into its timeouts.
        batches = -(-count // max(1, concurrency)) + 1
        within = batches * (OPEN_TIMEOUT_S + ACK_TIMEOUT_S)
        reports = [await self._receive(member, within) for member in self.members]
        failures: Counter[str] = Counter()
        for report in reports:
            failures.update(report.failures)
        return OpenedReport(sum(report.subscribed for report in reports), dict(failures))

    def received(self) -> int:
        """Events received so far by every subscriber."""
        return sum(member.shared[RECEIVED] for member in self.members)

    def open_subscriptions(self) -> int:
        """Subscriptions that have not ended."""
        return sum(member.shared[OPEN] for member in self.members)

    async def close(self) -> list[Subscriber]:
        """Close every socket and collect every subscriber's results, by index."""
        for member in self.members:
            if member.process.is_alive():
                member.pipe.send(CLOSE)
        subs: list[Subscriber] = []
        for member in self.members:
            subs.extend(await self._receive(member, CLOSE_TIMEOUT_S + RESULTS_TIMEOUT_S))
        return sorted(subs, key=lambda sub: sub.index)

    def stop(self) -> None:
        """End the processes (bounded); a process that does not end is killed."""
        for member in self.members:
            member.process.join(5.0)
            if member.process.is_alive():
                member.process.kill()
                member.process.join(5.0)
            member.pipe.close()

    async def _receive(self, member: ClientProcess, within: float) -> Any:
        """The process's next answer; SystemExit when it has none within `within` s."""
        # The pipe is read by a thread so that the benchmark's loop keeps running.
        loop = asyncio.get_running_loop()
        try:
            if await loop.run_in_executor(None, member.pipe.poll, within):
                return member.pipe.recv()
            problem = f"no answer within {within:.0f} s"
        except (EOFError, OSError) as error:
            problem = f"{type(error).__name__}: {error}"
        state = "running" if member.process.is_alive() else f"exit {member.process.exitcode}"
        raise SystemExit(f"bench: client process {member.process.pid} ({state}): {problem}")
