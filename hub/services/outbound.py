"""Requests the hub sends to URLs users gave it (source links, webhooks), made safe to send.

- Pinned: a host name is resolved once, every address it resolves to is checked
  (hub.services.addresses), and the connection goes to one of those very addresses. The name
  still travels in the Host header and in TLS (SNI, certificate check), which httpcore takes
  from the URL, not from the address dialled.
- Redirects are followed here, at most `max_redirects`, each hop's scheme checked and its
  address checked on connect like the first.
- Bounded: the whole exchange, redirects included, ends at `total_seconds`, however slowly the
  other side trickles; at most `max_body_bytes` of an answer are read.

httpcore (under httpx) is used directly: its network backend is the one place where a
connection is dialled, and its public API takes one.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from hub.services.addresses import Refused, Resolver, checked_addresses, system_resolver

SCHEMES = frozenset({"http", "https"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
READ_CHUNK = 16 * 1024


class OutboundError(Exception):
    """The request did not come to an answer (besides Refused: it was not allowed)."""


class TimedOut(OutboundError):
    """The exchange did not end within its deadline."""


class TooManyRedirects(OutboundError):
    """More redirects than allowed."""


class Unreachable(OutboundError):
    """No connection, or the other side broke the exchange off."""


@dataclass(frozen=True)
class Fetched:
    """An answer: its status, the URL that gave it, and the start of its body."""

    status: int
    url: str
    body: bytes
    # The body went on past what was read (max_body_bytes 0: nothing is read, and False).
    truncated: bool
    redirects: int


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Dials only addresses it has checked, resolving each host once per connection."""

    def __init__(
        self,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        dialer: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolver = resolver
        self._dialer = dialer or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first of `host`'s checked addresses that answers."""
        addresses = await checked_addresses(host, self._allow_private, self._resolver)
        *others, last = addresses  # checked_addresses never returns an empty list
        for address in others:
            try:
                return await self._dialer.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue
        return await self._dialer.connect_tcp(last, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never: user-given URLs do not reach local sockets."""
        raise Refused("no local sockets")

    async def sleep(self, seconds: float) -> None:
        """As the dialer sleeps (between connection retries)."""
        await self._dialer.sleep(seconds)


class OutboundClient:
    """Sends requests to user-given URLs, pinned, redirect-checked, bounded (see the module)."""

    def __init__(
        self,
        *,
        allow_private: bool,
        user_agent: str,
        total_seconds: float,
        max_body_bytes: int,
        max_redirects: int = 0,
        resolver: Resolver = system_resolver,
        dialer: httpcore.AsyncNetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.total_seconds = total_seconds
        self._user_agent = user_agent
        self._max_body_bytes = max_body_bytes
        self._max_redirects = max_redirects
        self._pool = httpcore.AsyncConnectionPool(
            # Certificates are checked against the URL's host name (the system's CAs).
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=None,
            max_keepalive_connections=20,
            keepalive_expiry=30.0,
            network_backend=PinnedBackend(allow_private, resolver, dialer),
        )

    async def __aenter__(self) -> OutboundClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._pool.aclose()

    async def fetch(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        max_body_bytes: int | None = None,
    ) -> Fetched:
        """Send the request and read the answer's status and the start of its body.

        Redirects of a GET or HEAD are followed (up to the client's max_redirects; with none
        allowed, the redirect itself is the answer); those of a request with a body never are.
        Raises Refused (scheme or address), TimedOut, TooManyRedirects or Unreachable."""
        cap = self._max_body_bytes if max_body_bytes is None else max_body_bytes
        try:
            async with asyncio.timeout(self.total_seconds):
                return await self._follow(method, url, headers or {}, content, cap)
        except TimeoutError as error:
            raise TimedOut(f"no answer within {self.total_seconds:g} s") from error
        except httpcore.TimeoutException as error:
            raise TimedOut(f"no answer within {self.total_seconds:g} s") from error
        except (httpcore.UnsupportedProtocol, httpx.InvalidURL) as error:
            raise Refused(f"not a URL the hub fetches: {error}") from error
        except (httpcore.NetworkError, httpcore.ProtocolError, OSError) as error:
            raise Unreachable(f"{type(error).__name__}: {error}") from error

    async def _follow(
        self, method: str, url: str, headers: dict[str, str], content: bytes | None, cap: int
    ) -> Fetched:
        target = _parse(url)
        redirects = 0
        while True:
            status, location, body, truncated = await self._exchange(
                method, target, headers, content, cap
            )
            if (
                status not in REDIRECTS
                or location is None
                or content is not None
                or method not in ("GET", "HEAD")
                or self._max_redirects == 0
            ):
                return Fetched(status, str(target), body, truncated, redirects)
            redirects += 1
            if redirects > self._max_redirects:
                raise TooManyRedirects(f"more than {self._max_redirects} redirects")
            target = _parse(str(target.join(location)))

    async def _exchange(
        self,
        method: str,
        target: httpx.URL,
        headers: dict[str, str],
        content: bytes | None,
        cap: int,
    ) -> tuple[int, str | None, bytes, bool]:
        # No step may take longer than the whole; the deadline itself is fetch's asyncio.timeout.
        timeouts = dict.fromkeys(("connect", "read", "write", "pool"), self.total_seconds)
        request_headers = {"user-agent": self._user_agent, **headers}
        async with self._pool.stream(
            method,
            httpcore.URL(
                scheme=target.raw_scheme,
                host=target.raw_host,
                port=target.port,
                target=target.raw_path,
            ),
            headers=list(request_headers.items()),
            content=content,
            extensions={"timeout": timeouts},
        ) as response:
            location = next(
                (v.decode("latin-1") for k, v in response.headers if k.lower() == b"location"),
                None,
            )
            body, truncated = await _read_capped(response, cap) if cap else (b"", False)
            return response.status, location, body, truncated


async def _read_capped(response: httpcore.Response, cap: int) -> tuple[bytes, bool]:
    body = b""
    async for chunk in response.aiter_stream():
        body += chunk
        if len(body) > cap:
            # Closing the response unread closes its connection: nothing more is taken in.
            return body[:cap], True
    return body, False


def _parse(url: str) -> httpx.URL:
    """`url` if it is an http(s) URL with a host; Refused otherwise."""
    parsed = httpx.URL(url)
    if parsed.scheme not in SCHEMES or not parsed.host:
        raise Refused(f"not an http(s) URL: {parsed.scheme or 'no scheme'}")
    return parsed
