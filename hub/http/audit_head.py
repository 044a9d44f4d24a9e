"""GET /audit/head: the newest signed checkpoint of the audit trail, for anyone to keep.

Copies kept outside the hub are what a database owner cannot rewrite: `hub audit verify
--checkpoint copy.json` checks that the trail still holds every record such a copy covers.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.domain.audit import published
from hub.services.audit import latest_checkpoint


async def audit_head(request: Request) -> JSONResponse:
    """The newest checkpoint as JSON; 404 before the first one."""
    checkpoint = await latest_checkpoint(request.app.state.db)
    # Never from a cache: a copy is only worth keeping if it is the hub's latest word.
    headers = {"cache-control": "no-cache"}
    if checkpoint is None:
        return JSONResponse({"error": "no checkpoint yet"}, status_code=404, headers=headers)
    return JSONResponse(published(checkpoint), headers=headers)
