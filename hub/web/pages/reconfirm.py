"""The poster's private link: is the entry still current, fulfilled or withdrawn?"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.i18n import translator
from hub.web.render import first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok, private

RECONFIRM_ANSWERS = ("STILL_CURRENT", "FULFILLED", "WITHDRAWN")


async def reconfirm(request: Request) -> Response:
    """The poster's private link: is the entry still current, fulfilled or withdrawn
    (reconfirmEntry)? An unknown or expired link is a friendly 404."""
    token = str(request.path_params["token"])
    t = translator(page_language(request))
    found = await call(request, doc.RECONFIRMATION, {"token": token})
    inbox = found.data.get("inbox")
    if found.ok and inbox is None:
        return await _private_not_found(request, t)
    # Without an answer from the inbox query the buttons still work; only the summary is gone.
    values: dict[str, Any] = {
        "token": token,
        "entry": (inbox or {}).get("entry"),
        "messages": (inbox or {}).get("messages") or [],
    }
    if request.method == "POST":
        form = await request.form()
        answer = str(form.get("answer") or "")
        if not csrf_ok(request, form.get(CSRF_FIELD)) or answer not in RECONFIRM_ANSWERS:
            return await _private_page(request, status_code=400, error=t("form.csrf"), **values)
        result = await call(request, doc.RECONFIRM, {"input": {"token": token, "answer": answer}})
        payload = result.data.get("reconfirmEntry") or {}
        errors = payload.get("userErrors") or []
        if any(e.get("code") == "NOT_FOUND" for e in errors):
            return await _private_not_found(request, t)
        if not result.ok or errors or not payload.get("entry"):
            error = first_message(result, errors, t)
            return await _private_page(request, status_code=400, error=error, **values)
        values.update(entry=payload["entry"], answered=answer)
    return await _private_page(request, **values)


async def _private_page(request: Request, status_code: int = 200, **values: Any) -> Response:
    response = await render(request, "reconfirm.html", status_code=status_code, **values)
    # The link's secret is in the address: no Referer may carry it off, no cache keep it.
    return private(response)


async def _private_not_found(request: Request, t: Callable[..., str]) -> Response:
    state: Any = request.app.state
    message = t("reconfirm.not_found", days=state.settings.reconfirmation_days)
    response = await render(request, "not_found.html", status_code=404, message=message)
    # The link's secret is in the address: no Referer may carry it off, no cache keep it.
    return private(response)
