"""Pieces of pages for their live updates: one entry's list row, the home page's counts.

A live page fetches the one row an event changed instead of the whole page. The row comes from
the very template the lists render (_row.html), through the same public API as the visitor, so
it masks what the list masks; and it is shown only in the verification states a list page
would show it in (verified, unless the page asked for others as `?verification=` does), so a
PENDING, REJECTED or merged entry is a 404 to the public here as on the default lists.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.kinds import KINDS
from hub.web import documents as doc
from hub.web.api import ApiResult, call, retry_after
from hub.web.live_pages import fragment_statuses
from hub.web.render import fragment
from hub.web.security import with_page_headers

# What the API answers for an id that names nothing the visitor may fetch.
_NOT_FOUND = frozenset({"INVALID_ID", "NOT_FOUND", "BAD_USER_INPUT"})


def _refusal(request: Request, result: ApiResult) -> Response:
    """No fragment: 429 when rate-limited, 404 for an id that is no visible entry, otherwise
    503 (the page keeps its row and catches up with the next event)."""
    wait = retry_after(request)
    if wait is not None:
        response = Response(status_code=429, headers={"retry-after": str(wait)})
    elif result.ok or _NOT_FOUND.issuperset(result.error_codes):
        response = Response(status_code=404)
    else:
        response = Response(status_code=503)
    return with_page_headers(response)


async def entry_row(request: Request) -> Response:
    """One entry as a list row (`?verification=` as the list page has it: VERIFIED unless
    given); 404 for an entry such a list would not show.

    With `?counts=1` (the home page, for an event that moves its counts too) the counts come
    in the same response, in a `<template data-live-counts>`, with or without the row: one
    request per event, not two.
    """
    statuses = fragment_statuses(request.query_params.get("verification"))
    if statuses is None:
        return with_page_headers(Response(status_code=404))
    result = await call(request, doc.ROW, {"id": str(request.path_params["entry_id"])})
    entry = result.data.get("node")
    shown = bool(result.ok and entry and entry.get("verificationStatus") in statuses)
    rank = (entry.get("priority") or {}).get("score") if shown and entry else None
    if request.query_params.get("counts") == "1":
        counted = await call(request, doc.COUNTS)
        if not counted.ok:
            return _refusal(request, counted)
        if not shown:
            refusal = _refusal(request, result)
            if refusal.status_code != 404:
                return refusal
        return fragment(
            request,
            "_row_counts.html",
            e=entry if shown else None,
            rank=rank,
            data=counted.data,
            kinds=KINDS,
        )
    if not shown:
        return _refusal(request, result)
    return fragment(request, "_row.html", e=entry, rank=rank)


async def counts(request: Request) -> Response:
    """The home page's counts of verified entries, kind by kind."""
    result = await call(request, doc.COUNTS)
    if not result.ok:
        return _refusal(request, result)
    return fragment(request, "_counts.html", data=result.data, kinds=KINDS)
