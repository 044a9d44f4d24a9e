"""An entry's page: the entry and its history, and for needs and offers the best matches on
the other side (each score explained)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.web import documents as doc
from hub.web import flow_documents as flow
from hub.web.api import call
from hub.web.render import render

MATCHES = {"NEED": flow.NEED_MATCHES, "OFFER": flow.OFFER_MATCHES}


async def entry_response(request: Request, template: str, **extra: Any) -> Response:
    """`template` for the entry of the path (with its history, and on the public page its
    matches), or the not-found page; `extra` goes to the template (and status_code to
    the response)."""
    entry_id = str(request.path_params["entry_id"])
    result = await call(request, doc.ENTRY, {"id": entry_id})
    entry = result.data.get("node")
    if entry is None:
        return await render(request, "not_found.html", status_code=404)
    matches: list[dict[str, Any]] = []
    if template == "entry.html" and entry["kind"] in MATCHES:
        # A separate operation: a suggestion that fails leaves the entry's page whole.
        found = await call(request, MATCHES[entry["kind"]], {"id": entry["id"]})
        matches = found.data.get("matches") or []
    return await render(
        request,
        template,
        entry=entry,
        history=result.data.get("entryHistory") or [],
        matches=matches,
        **extra,
    )
