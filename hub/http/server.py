"""Serving the app with uvicorn, and shutting down the way WebSocket clients expect."""

from __future__ import annotations

import asyncio
import logging
import os
import socket

import uvicorn
from starlette.applications import Starlette

from hub.http.slow_clients import with_header_deadline
from hub.http.websocket_protocol import protocol_class
from hub.observability.json_logs import configure_logging
from hub.settings import Settings

log = logging.getLogger(__name__)
SHUTDOWN_REASON = "server shutting down: reconnect and resume with after"


class NoSocketAccessLog(logging.Filter):
    """Drops uvicorn's line per accepted WebSocket, as `access_log=False` drops HTTP's.

    With 10,000 open pages a reconnect wave would log 10,000 lines (half a millisecond each to
    a terminal); refusals and errors are still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the accepted-WebSocket line."""
        return not (record.levelno == logging.INFO and record.msg == _ACCEPTED)


# uvicorn's format for a WebSocket handshake it accepted (websockets_sansio_impl).
_ACCEPTED = '%s - "WebSocket %s" [accepted]'


class HubServer(uvicorn.Server):
    """uvicorn's server, closing WebSockets with 1001 (going away) before anything else.

    uvicorn itself would close them with 1012 after the other connections; clients built on
    graphql-ws treat 1001 as "reconnect elsewhere", which is what a rolling restart wants.
    """

    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self._app = app

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start as uvicorn does; on sockets handed over (SO_REUSEPORT, hub.http.processes)
        uvicorn says nothing, so say where this process listens once it accepts."""
        await super().startup(sockets)
        if sockets and not self.should_exit:
            host, port = sockets[0].getsockname()[:2]
            logging.getLogger("uvicorn.error").info(
                "Uvicorn running on http://%s:%d (process %d)", host, port, os.getpid()
            )

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stop accepting, close WebSockets (1001), then shut down as uvicorn does."""
        for server in self.servers:
            server.close()
        live = getattr(self._app.state, "live", None)
        if live is not None:
            try:
                await asyncio.wait_for(
                    live.close_connections(SHUTDOWN_REASON),
                    timeout=self.config.timeout_graceful_shutdown,
                )
            except TimeoutError:
                log.warning("some WebSockets did not close in time")
        await super().shutdown(sockets)


def server_for(app: Starlette, settings: Settings, *, port: int | None = None) -> HubServer:
    """A server for `app` on the settings' host and port (or `port`; 0 picks a free one)."""
    quiet = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, NoSocketAccessLog) for f in quiet.filters):
        quiet.addFilter(NoSocketAccessLog())
    json_logs = settings.log_format == "json"
    config = uvicorn.Config(
        app,
        # JSON lines: uvicorn's loggers go through the root's JSON handler, not its own format.
        log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
        host=settings.host,
        port=settings.port if port is None else port,
        log_level="info",
        access_log=False,
        # uvicorn's sans-I/O protocol with bounded compression state and a frame writer for
        # the live fan-out (hub/http/websocket_protocol.py).
        ws=protocol_class(settings.live_compression),
        # The same cap as HTTP bodies (uvicorn's default is 16 MiB per message).
        ws_max_size=settings.max_body_bytes,
        ws_ping_interval=settings.live_keepalive_seconds,
        ws_ping_timeout=settings.live_keepalive_seconds,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        lifespan="on",
        # Slow clients (slowloris): a deadline on headers (hub/http/slow_clients.py), on idle
        # kept-alive connections, and on bodies (hub/http/body_limit.py); beyond this many
        # connections and requests at once a process answers 503 rather than fall over.
        http=with_header_deadline(settings.http_header_timeout_seconds),
        timeout_keep_alive=settings.http_keep_alive_seconds,
        limit_concurrency=settings.http_limit_concurrency,
        # The client's address is read by hub/limits/identity.py, from X-Forwarded-For only
        # behind HUB_TRUSTED_PROXIES; uvicorn's own reading would believe any local peer.
        proxy_headers=False,
    )
    configure_logging(settings.log_format)
    return HubServer(config, app)
