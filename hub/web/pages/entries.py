"""An entry's page, and the form on it to report a problem."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.entry_view import entry_response
from hub.web.i18n import translator
from hub.web.render import field_errors, first_message
from hub.web.security import CSRF_FIELD, csrf_ok


async def entry_page(request: Request) -> Response:
    """An entry, its verification badge, history and the report form."""
    return await entry_response(request, "entry.html")


async def report_problem(request: Request) -> Response:
    """flagEntry from the entry page's form."""
    form = await request.form()
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await entry_response(
            request,
            "entry.html",
            report_errors={"": translator(page_language(request))("form.csrf")},
        )
    flag = {
        "entryId": str(request.path_params["entry_id"]),
        "reason": str(form.get("reason") or "OTHER"),
        "note": str(form.get("note") or "") or None,
    }
    result = await call(request, doc.FLAG, {"input": flag})
    errors = (result.data.get("flagEntry") or {}).get("userErrors") or []
    if not result.ok or errors:
        return await entry_response(
            request,
            "entry.html",
            report_errors=field_errors(errors)
            or {"": first_message(result, errors, translator(page_language(request)))},
            status_code=400,
        )
    return await entry_response(request, "entry.html", reported=True)
