"""The session cookie: HTTP-only, SameSite=Lax, Secure where the hub is served over HTTPS."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.responses import Response

SESSION_COOKIE = "hub_session"
# The pages' CSRF cookie (hub/web/security.py) lives as long as the browser keeps it, across
# sign-ins: it is what ties an anonymous submission to the browser a reviewer later uses.
BROWSER_COOKIE = "hub_csrf"
# An entry's edit token sent with a read or a review: its holder reads the entry even when the
# public may not (REJECTED, merged), and a reviewer holding it is not independent of it.
EDIT_TOKEN_HEADER = "hub-edit-token"  # noqa: S105 - a header name, not a secret


def secure_cookies(scope: Mapping[str, Any], setting: bool | None) -> bool:
    """Whether cookies set in answer to this request carry Secure.

    HUB_COOKIE_SECURE true or false decides alone. Unset ("auto"): Secure, except for plain
    HTTP from a loopback client, the hub on http://127.0.0.1 of the README's first command
    (browsers drop a Secure cookie sent over plain HTTP, so sign-in would not stick there). A
    request over HTTPS gets Secure, and so does plain HTTP from anywhere else: the hub reads no
    X-Forwarded-Proto (uvicorn runs with proxy_headers off), so a TLS proxy in front fails
    closed, not open, unless it runs on the same machine (loopback): set the setting to true
    there (docs/operations.md).
    """
    if setting is not None:
        return setting
    if scope.get("scheme") in ("https", "wss"):
        return True
    client = scope.get("client")
    try:
        return not (client and ipaddress.ip_address(client[0]).is_loopback)
    except ValueError:
        return True


def set_session_cookie(response: Response, token: str, expires: datetime, *, secure: bool) -> None:
    """Hand the browser its session."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        expires=expires,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    """Make the browser forget its session."""
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure, path="/")


class ResponseCookies:
    """SessionCookies for one HTTP response (see hub.graphql.context)."""

    def __init__(self, response: Response, *, secure: bool) -> None:
        self._response = response
        self._secure = secure

    def set_session(self, token: str, expires: datetime) -> None:
        """Hand the browser its session."""
        set_session_cookie(self._response, token, expires, secure=self._secure)

    def clear_session(self) -> None:
        """Make the browser forget its session."""
        clear_session_cookie(self._response, secure=self._secure)
