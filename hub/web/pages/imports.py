"""Importing a sheet of entries (coordinators)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.i18n import translator
from hub.web.render import first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok

IMPORT_KINDS = ("needs", "offers", "logistics", "lodging", "organizations")


async def import_sheet(request: Request) -> Response:
    """importEntries from an upload form (coordinators): the report as a table."""
    if request.method != "POST":
        return await render(request, "import.html", kinds=IMPORT_KINDS, chosen_kind="needs")
    t = translator(page_language(request))
    form = await request.form()
    try:
        kind = str(form.get("kind") or "needs")
        values: dict[str, Any] = {
            "kinds": IMPORT_KINDS,
            "chosen_kind": kind if kind in IMPORT_KINDS else "needs",
            "dry_run": bool(form.get("dry_run")),
            "skip_invalid": bool(form.get("skip_invalid")),
        }
        upload = form.get("file")
        if not csrf_ok(request, form.get(CSRF_FIELD)):
            return await render(request, "import.html", 400, import_error=t("form.csrf"), **values)
        if isinstance(upload, str) or upload is None or kind not in IMPORT_KINDS:
            return await render(
                request, "import.html", 400, import_error=t("error.generic"), **values
            )
        variables = {
            "input": {
                "kind": kind.upper(),
                "file": upload,
                "dryRun": values["dry_run"],
                "skipInvalid": values["skip_invalid"],
            }
        }
        result = await call(request, doc.IMPORT_ENTRIES, variables)
    finally:
        await form.close()
    payload = result.data.get("importEntries") or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors:
        return await render(
            request,
            "import.html",
            400,
            import_error=first_message(result, errors, t),
            **values,
        )
    return await render(request, "import.html", result=payload, **values)
