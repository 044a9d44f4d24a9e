"""Account administration for coordinators and admins: approve sign-ups, change roles.

Through the API's own approveUser and setUserRole, so the pages apply the same rules and leave
the same audit records as any client. A password reset has no mutation yet: the page points
to `hub user password-reset` on the server.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.i18n import translator
from hub.web.render import first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok

# The roles each role may grant (hub.domain.accounts.may_grant; the API checks it again).
_GRANTABLE = {
    "ADMIN": ["VOLUNTEER", "REVIEWER", "COORDINATOR", "ADMIN"],
    "COORDINATOR": ["VOLUNTEER", "REVIEWER"],
}


async def accounts_page(request: Request, **extra: Any) -> Response:
    """Accounts waiting for approval, then every account, with what may be done to each."""
    result = await call(request, doc.ACCOUNTS)
    me = result.data.get("me") or {}
    grantable = _GRANTABLE.get(me.get("role") or "", [])
    return await render(
        request,
        "accounts.html",
        allowed=bool(grantable) and result.ok,
        pending=result.data.get("pending") or [],
        everyone=result.data.get("everyone") or [],
        grantable=grantable,
        **extra,
    )


async def approve(request: Request) -> Response:
    """approveUser for the account in the form."""
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await accounts_page(request, account_error=t("form.csrf"))
    result = await call(request, doc.APPROVE_USER, {"id": str(form.get("user") or "")})
    errors = (result.data.get("approveUser") or {}).get("userErrors") or []
    if not result.ok or errors:
        return await accounts_page(request, account_error=first_message(result, errors, t))
    return await accounts_page(request, account_done=t("accounts.done_approved"))


async def change_role(request: Request) -> Response:
    """setUserRole for the account and role in the form."""
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await accounts_page(request, account_error=t("form.csrf"))
    role = str(form.get("role") or "")
    if role not in _GRANTABLE["ADMIN"]:
        return await accounts_page(request, account_error=t("error.generic"))
    variables = {"id": str(form.get("user") or ""), "role": role}
    result = await call(request, doc.SET_USER_ROLE, variables)
    errors = (result.data.get("setUserRole") or {}).get("userErrors") or []
    if not result.ok or errors:
        return await accounts_page(request, account_error=first_message(result, errors, t))
    return await accounts_page(request, account_done=t("accounts.done_role"))
