"""/healthz (the process is up) and /readyz (the database answers and is migrated)."""

from __future__ import annotations

import asyncio
import logging
import os

from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.store.migrate import MigrationError, pending_migrations

log = logging.getLogger(__name__)


async def healthz(request: Request) -> JSONResponse:
    """Always 200 while the process serves requests; says how its live events are doing.

    A lost broker is reported here but never makes the process unhealthy or unready: HTTP
    goes on, and subscribers catch up from PostgreSQL once it is back.
    """
    live = getattr(request.app.state, "live", None)
    # Which server process answered (`hub serve --workers N` runs several on one port).
    body: dict[str, object] = {"status": "ok", "process": os.getpid()}
    if live is not None:
        body["live"] = live.status()
    return JSONResponse(body)


async def readyz(request: Request) -> JSONResponse:
    """200 when the database answers and every migration is applied, else 503 with why."""
    db = request.app.state.db
    try:
        async with asyncio.timeout(3), db.connection() as conn:
            pending = await pending_migrations(conn)
    except MigrationError as error:
        return JSONResponse({"status": "unavailable", "reason": str(error)}, status_code=503)
    except (OSError, TimeoutError, Exception) as error:
        log.warning("readiness check failed: %s", type(error).__name__)
        return JSONResponse(
            {"status": "unavailable", "reason": "database unreachable"}, status_code=503
        )
    if pending:
        names = [f"{m.version:04d}_{m.name}" for m in pending]
        return JSONResponse(
            {"status": "unavailable", "reason": "migrations pending", "pending": names},
            status_code=503,
        )
    return JSONResponse({"status": "ready"})
