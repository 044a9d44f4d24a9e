"""GET /metrics: Prometheus' text format, for whoever holds HUB_METRICS_TOKEN.

Off (404) while no token is set: the figures say how busy the hub is and how far its workers
are behind, which is nobody else's business, and a loopback check would admit everyone behind
a reverse proxy on the same host. Per-process figures come from prometheus-client (every
process's, in multiprocess mode); the outbox's backlog is read from the database per scrape.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from hub.http.metrics_sampler import sample_process
from hub.observability.backlog_metrics import backlog_exposition
from hub.observability.multiprocess import scrape_registry
from hub.store.backlog import Backlog, read_backlog

log = logging.getLogger(__name__)
# A scrape never waits long on a busy database: the backlog is then reported as unknown.
BACKLOG_TIMEOUT_SECONDS = 2.0


def _authorized(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


async def _backlog(state: Any) -> Backlog | None:
    try:
        async with asyncio.timeout(BACKLOG_TIMEOUT_SECONDS), state.db.connection() as conn:
            backlog: Backlog = await read_backlog(conn)
            return backlog
    except Exception as error:  # any failure: the scrape still answers, hub_backlog_up 0
        log.warning("metrics: backlog not read (%s)", type(error).__name__)
        return None


async def metrics(request: Request) -> Response:
    """The metrics, or 404 (no token set) or 401 (a wrong or missing token)."""
    state: Any = request.app.state
    token = state.settings.metrics_token
    if token is None:
        return PlainTextResponse("Not Found", status_code=404)
    if not _authorized(request, token):
        return PlainTextResponse(
            "metrics need Authorization: Bearer <HUB_METRICS_TOKEN>",
            status_code=401,
            headers={"www-authenticate": "Bearer"},
        )
    sample_process(state)
    body = generate_latest(scrape_registry()) + backlog_exposition(await _backlog(state))
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"cache-control": "no-store"})
