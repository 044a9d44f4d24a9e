"""A deadline for a request's headers, which uvicorn lacks (slowloris).

uvicorn closes a connection idle between requests (timeout_keep_alive), but any byte received
cancels that timer, so a client sending its headers a byte every few seconds holds a connection
(and a slot of limit_concurrency) for as long as it likes. This protocol gives each request's
headers `header_timeout` seconds from the moment the connection is opened or the previous
response ended; past it the connection is closed.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on every request's headers."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the first request's deadline."""
        super().connection_made(transport)
        self._arm()

    def on_headers_complete(self) -> None:
        """The headers arrived in time."""
        self._disarm()
        super().on_headers_complete()

    def handle_websocket_upgrade(self) -> None:
        """The transport goes to the WebSocket protocol: no deadline of ours may close it."""
        self._disarm()
        super().handle_websocket_upgrade()

    def on_response_complete(self) -> None:
        """The next request's headers get their own deadline."""
        super().on_response_complete()
        if not self.transport.is_closing() and not self.pipeline:
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Nothing left to time."""
        self._disarm()
        super().connection_lost(exc)


def with_header_deadline(seconds: float) -> type[HeaderDeadlineProtocol]:
    """The protocol class for uvicorn's `http=`, with `seconds` for every request's headers."""
    return type("HubHttpProtocol", (HeaderDeadlineProtocol,), {"header_timeout": seconds})
