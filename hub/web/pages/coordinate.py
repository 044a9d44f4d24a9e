"""Coordination: the flags and likely duplicates of entries waiting for review, and merging."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.i18n import translator
from hub.web.render import first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok


async def coordinate(request: Request, **extra: Any) -> Response:
    """Flags and likely duplicates of the entries waiting for review (coordinators)."""
    result = await call(request, doc.COORDINATE)
    me = result.data.get("me") or {}
    allowed = me.get("role") in ("COORDINATOR", "ADMIN")
    edges = (result.data.get("reviewQueue") or {}).get("edges") or [] if allowed else []
    entries = [
        e["node"]
        for e in edges
        if e["node"]["verification"]["flags"] or e["node"]["possibleDuplicates"]
    ]
    return await render(request, "coordinate.html", allowed=allowed, entries=entries, **extra)


async def merge(request: Request) -> Response:
    """mergeEntries: keep one entry, close its duplicate into it."""
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await coordinate(request, merge_error=t("form.csrf"))
    variables = {"keep": str(form.get("keep") or ""), "dupes": [str(form.get("duplicate") or "")]}
    result = await call(request, doc.MERGE, variables)
    errors = (result.data.get("mergeEntries") or {}).get("userErrors") or []
    if not result.ok or errors:
        return await coordinate(request, merge_error=first_message(result, errors, t))
    return await coordinate(request, merged=True)


async def merge_organizations(request: Request) -> Response:
    """mergeOrganizations: an organization registered twice goes into the one kept."""
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await coordinate(request, organization_error=t("form.csrf"))
    variables = {
        "from": str(form.get("from") or "").strip(),
        "into": str(form.get("into") or "").strip(),
    }
    result = await call(request, doc.MERGE_ORGANIZATIONS, variables)
    errors = (result.data.get("mergeOrganizations") or {}).get("userErrors") or []
    if not result.ok or errors:
        return await coordinate(request, organization_error=first_message(result, errors, t))
    return await coordinate(request, organizations_merged=True)
