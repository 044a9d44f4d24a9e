"""What the pages need to be safe: a CSRF token for cookie sessions, and strict headers."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

CSRF_COOKIE = "hub_csrf"
CSRF_FIELD = "csrf"
# Scripts and styles from the hub only (no inline code, no eval); WebSockets to the hub for
# live updates; no framing (clickjacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def csrf_token(request: Request) -> str:
    """The browser's CSRF token (a new one when it has none yet; see `remember_csrf`)."""
    token = request.cookies.get(CSRF_COOKIE)
    if token and len(token) >= 32:
        return token
    cached: str | None = getattr(request.state, "new_csrf", None)
    if cached is None:
        cached = secrets.token_urlsafe(32)
        request.state.new_csrf = cached
    return cached


def remember_csrf(request: Request, response: Response, secure: bool) -> None:
    """Set the CSRF cookie when this request made a new token."""
    token: str | None = getattr(request.state, "new_csrf", None)
    if token is not None:
        response.set_cookie(
            CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/"
        )


def csrf_ok(request: Request, submitted: object) -> bool:
    """Whether a form's token matches the browser's cookie (double submit).

    A page on another site can make the browser send the cookie, but cannot read it to put
    the same value in the form.
    """
    cookie = request.cookies.get(CSRF_COOKIE)
    return (
        isinstance(submitted, str)
        and cookie is not None
        and len(cookie) >= 32
        and hmac.compare_digest(cookie.encode(), submitted.encode())
    )


# A page showing a secret (an edit code, a private link, a revealed number): no cache may keep
# it (browser, proxy, the page cache) and no Referer may carry it off the page.
PRIVATE_PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
# What the templates call the secrets they show.
SECRET_VALUES = ("edit_token", "reconfirmation_token", "pledge_token", "revealed", "token")


def with_page_headers(response: Response) -> Response:
    """`response` with the pages' security headers."""
    response.headers.update(PAGE_HEADERS)
    return response


def shows_secrets(values: Mapping[str, object]) -> bool:
    """Whether a page rendered with `values` shows a secret."""
    return any(values.get(name) for name in SECRET_VALUES)


def private(response: Response) -> Response:
    """`response` marked as a page that shows a secret."""
    response.headers.update(PRIVATE_PAGE_HEADERS)
    return response
