"""Outbound-request test doubles: a resolver the test scripts, a dialer that routes public
addresses to a local server, and small servers that redirect, flood or trickle."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore

# A public address that is not ours: the dialer sends what is meant for it to 127.0.0.1.
PUBLIC = "93.184.215.14"


@dataclass
class ScriptedResolver:
    """Answers each name with its next list of addresses (the last one repeats); counts calls."""

    answers: dict[str, list[list[str]]]
    calls: list[str] = field(default_factory=list)

    async def __call__(self, host: str) -> list[str]:
        """The addresses for `host` this time."""
        self.calls.append(host)
        script = self.answers[host]
        return script.pop(0) if len(script) > 1 else script[0]


class LoopbackDialer(httpcore.AnyIOBackend):
    """Records every address dialled; connects those in `routed` to 127.0.0.1 (as if the
    public address were a server of the test's), every other one as asked."""

    def __init__(self, routed: Iterable[str] = (PUBLIC,)) -> None:
        self.routed = set(routed)
        self.dialled: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        """Record `host`; connect to the local server in its place if it is routed."""
        self.dialled.append(host)
        target = "127.0.0.1" if host in self.routed else host
        return await super().connect_tcp(target, port, timeout, local_address, socket_options)


@dataclass
class Answer:
    """What a path of the scripted server answers: a status, headers, a body and how slowly."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Send the body a byte at a time, this many seconds apart (0: all at once).
    trickle: float = 0.0
    # The status a HEAD gets, if not `status`.
    head: int | None = None
    # Announce a gigabyte and send `body` over and over until the client hangs up.
    endless: bool = False


@dataclass
class ScriptedServer:
    """A bare HTTP/1.1 server on 127.0.0.1: each path answers as `paths` says (404 otherwise).
    Records the request lines and Host headers it got, and how many bytes of body it sent."""

    paths: dict[str, Answer] = field(default_factory=dict)
    port: int = 0
    requests: list[tuple[str, str]] = field(default_factory=list)
    sent: int = 0
    finished: int = 0
    ended: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer one request."""
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            method, path = head[0].split(" ")[:2]
            headers = {
                k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])
            }
            await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append((f"{method} {path}", headers.get("host", "")))
            answer = self.paths.get(path, Answer(404))
            if method == "HEAD":
                answer = Answer(answer.head or answer.status, answer.headers)
            extra = "".join(f"{k}: {v}\r\n" for k, v in answer.headers.items())
            length = 2**30 if answer.endless else len(answer.body)
            writer.write(
                f"HTTP/1.1 {answer.status} X\r\nContent-Length: {length}\r\n{extra}"
                "Connection: close\r\n\r\n".encode()
            )
            while answer.endless and self.sent < length:
                writer.write(answer.body)
                await writer.drain()
                self.sent += len(answer.body)
            if answer.trickle:
                for i in range(len(answer.body)):
                    writer.write(answer.body[i : i + 1])
                    await writer.drain()
                    self.sent += 1
                    await asyncio.sleep(answer.trickle)
            else:
                for start in range(0, len(answer.body), 64 * 1024):
                    chunk = answer.body[start : start + 64 * 1024]
                    writer.write(chunk)
                    await writer.drain()
                    self.sent += len(chunk)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            async with self.ended:
                self.finished += 1
                self.ended.notify_all()

    async def wait_finished(self, count: int) -> None:
        """Wait (10 s at most) until `count` connections have ended."""
        async with asyncio.timeout(10), self.ended:
            await self.ended.wait_for(lambda: self.finished >= count)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """This server's URL for `path`, under `host`."""
        return f"http://{host}:{self.port}{path}"


@contextlib.asynccontextmanager
async def serving(paths: dict[str, Answer]) -> AsyncIterator[ScriptedServer]:
    """A ScriptedServer listening on 127.0.0.1 while the block runs."""
    server = ScriptedServer(paths)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server
