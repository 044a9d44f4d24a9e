"""Signing in, up and out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hub.web import documents as doc
from hub.web.api import call, page_language
from hub.web.i18n import translator
from hub.web.render import field_errors, first_message, render
from hub.web.security import CSRF_FIELD, csrf_ok, with_page_headers


async def sign_in(request: Request) -> Response:
    """Sign in (the API sets the session cookie on the redirect)."""
    return await _auth(request, "sign_in.html", doc.SIGN_IN, "signIn", ("email", "password"))


async def sign_up(request: Request) -> Response:
    """Sign up (and so sign in)."""
    return await _auth(
        request, "sign_up.html", doc.SIGN_UP, "signUp", ("email", "handle", "password")
    )


async def _auth(
    request: Request, template: str, document: str, field: str, inputs: tuple[str, ...]
) -> Response:
    if request.method == "GET":
        return await render(request, template, form={}, errors={})
    form = await request.form()
    t = translator(page_language(request))
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        return await render(
            request, template, form=form, errors={"": t("form.csrf")}, status_code=400
        )
    redirect = RedirectResponse("/", status_code=303)
    variables = {"input": {name: str(form.get(name) or "") for name in inputs}}
    result = await call(request, document, variables, response=redirect)
    payload = result.data.get(field) or {}
    errors = payload.get("userErrors") or []
    if not result.ok or errors or not payload.get("user"):
        shown = field_errors(errors) or {"": first_message(result, errors, t)}
        safe_form = {k: v for k, v in form.items() if k != "password"}
        return await render(request, template, form=safe_form, errors=shown, status_code=400)
    return with_page_headers(redirect)


async def sign_out(request: Request) -> Response:
    """Sign out (POST only, with the CSRF token)."""
    form = await request.form()
    redirect = RedirectResponse("/", status_code=303)
    if csrf_ok(request, form.get(CSRF_FIELD)):
        await call(request, doc.SIGN_OUT, response=redirect)
    return with_page_headers(redirect)
