"""The read cache for the public pages (home, the lists, an entry, the live pages' fragments),
anonymous GETs only.

Pages embed one thing per visitor when nobody is signed in: the CSRF token of the forms on the
page (report a problem, contact the poster), which is the visitor's `hub_csrf` cookie. A page
is stored with that token replaced by a placeholder of this process, and served with the
visitor's own token put back (a new one, and its cookie, for a visitor who has none), so no
visitor ever receives another's token. A page that sets any other cookie (?lang= does), that
is not a 200, or that anyone signed in asked for, is never stored.

The key is the path, query string, Accept-Language, language cookie and data version.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Awaitable
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.domain.kinds import KINDS
from hub.http.cookies import SESSION_COOKIE, secure_cookies
from hub.http.read_cache import ReadCache, Stored, etag_matches, strong_etag
from hub.observability.metrics import CACHE_HITS, CACHE_MISSES
from hub.observability.operations import route_label
from hub.observability.request_context import name_operation
from hub.web.i18n import LANGUAGE_COOKIE
from hub.web.security import CSRF_COOKIE, CSRF_FIELD

LIST_PATHS = frozenset(f"/{kind.slug}" for kind in KINDS)
ENTRY_PREFIX = "/entries/"
# hub/web/pages/fragments.py: what a live page fetches for one event.
ROW_FRAGMENT_PREFIX = "/fragments/entries/"
COUNTS_FRAGMENT = "/fragments/counts"
HTML = b"text/html"
_DROPPED = (b"content-length", b"set-cookie", b"etag", b"cache-control", b"vary")
VARY = (b"vary", b"Accept-Language, Cookie")
# What secrets.token_urlsafe makes: a cookie holding anything else (set by someone else, say)
# is never put into a page by the cache, and such a visitor's pages are not cached.
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")
_HITS = CACHE_HITS.labels("page")
_MISSES = CACHE_MISSES.labels("page")


def cacheable_path(path: str) -> bool:
    """The pages (and the live pages' fragments) that show the same thing to every anonymous
    visitor."""
    if path == "/" or path in LIST_PATHS or path == COUNTS_FRAGMENT:
        return True
    return any(
        (rest := path.removeprefix(prefix)) != path and rest != "" and "/" not in rest
        for prefix in (ENTRY_PREFIX, ROW_FRAGMENT_PREFIX)
    )


class _Visitor:
    __slots__ = (
        "accept_language", "anonymous", "csrf", "if_none_match", "language", "odd", "secure",
    )  # fmt: skip

    def __init__(self, scope: Scope, secure: bool | None = None) -> None:
        # Whether a cookie set for this visitor carries Secure (hub.http.cookies).
        self.secure = secure_cookies(scope, secure)
        self.anonymous = True
        self.accept_language = b""
        self.if_none_match: bytes | None = None
        self.csrf: str | None = None
        self.language: str | None = None
        # A CSRF cookie the hub would not have made.
        self.odd = False
        for name, value in scope["headers"]:
            if name == b"authorization":
                self.anonymous = False
            elif name == b"cookie":
                self._cookies(value.decode("latin-1"))
            elif name == b"accept-language":
                self.accept_language = value
            elif name == b"if-none-match":
                self.if_none_match = value

    def _cookies(self, header: str) -> None:
        if SESSION_COOKIE in header:
            self.anonymous = False
            return
        if CSRF_COOKIE not in header and LANGUAGE_COOKIE not in header:
            return
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except Exception:  # a malformed header: read as no cookies, the page decides
            return
        token = jar.get(CSRF_COOKIE)
        if token is not None and TOKEN.fullmatch(token.value):
            self.csrf = token.value
        elif token is not None:
            self.odd = True
        language = jar.get(LANGUAGE_COOKIE)
        self.language = language.value if language is not None else None


class _Captured:
    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    async def replay(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": b"".join(self.chunks)})


class PageCache:
    """The middleware (it shares the GraphQL reads' ReadCache and its byte budget)."""

    def __init__(self, app: ASGIApp, cache: ReadCache, secure_cookies: bool | None) -> None:
        self.app = app
        self.cache = cache
        self.secure_cookies = secure_cookies
        # Random per process: no text a visitor posts can spell it.
        self.placeholder = f"hub-csrf-{secrets.token_hex(16)}".encode()
        self._public = f"public, max-age={int(cache.max_seconds)}".encode()

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not self.cache.enabled
            or not cacheable_path(scope["path"])
        ):
            # No frame of ours on the stack of a WebSocket that may stay open for hours.
            return self.app(scope, receive, send)
        return self._cached(scope, receive, send)

    async def _cached(self, scope: Scope, receive: Receive, send: Send) -> None:
        version = self.cache.version.current
        visitor = _Visitor(scope, self.secure_cookies)
        if version is None or not visitor.anonymous or visitor.odd:
            await self.app(scope, receive, send)
            return
        key = (
            "page",
            scope["path"],
            scope["query_string"],
            visitor.accept_language,
            visitor.language,
            version,
        )
        stored = self.cache.get(key)
        if stored is not None:
            self.cache.counters.hits += 1
            _HITS.inc()
            name_operation(stored.label)
            await self._send(send, stored, visitor)
            return
        self.cache.counters.misses += 1
        _MISSES.inc()
        captured: _Captured | None = None

        async def render() -> Stored | None:
            nonlocal captured
            captured = _Captured()
            await self.app(scope, receive, captured.send)
            return self._template(captured, visitor, route_label(scope))

        stored, leader = await self.cache.single_flight(key, render)
        if stored is not None:
            name_operation(stored.label)
            if leader:
                self.cache.put(key, stored)
            await self._send(send, stored, visitor)
        elif captured is not None:
            await captured.replay(send)
        else:
            await self.app(scope, receive, send)

    def _template(self, captured: _Captured, visitor: _Visitor, label: str) -> Stored | None:
        """The page with the visitor's CSRF token as the placeholder; None: not storable."""
        if captured.status != 200:
            return None
        token = visitor.csrf
        for name, value in captured.headers:
            if name == b"content-type" and not value.startswith(HTML):
                return None
            # A page showing a secret (hub.web.security.private) is the visitor's alone.
            if name == b"cache-control" and b"no-store" in value:
                return None
            if name == b"set-cookie":
                cookie_name, _, rest = value.partition(b"=")
                if cookie_name.strip() != CSRF_COOKIE.encode():
                    return None
                token = rest.split(b";", 1)[0].decode("latin-1")
        body = b"".join(captured.chunks)
        if token:
            # Only where the forms carry it: a token is the visitor's to choose (their cookie),
            # and must not rewrite any other text of a page others will be served.
            field = f'name="{CSRF_FIELD}" value="'.encode()
            body = body.replace(field + token.encode() + b'"', field + self.placeholder + b'"')
            if token.encode() in body:
                return None
        headers = tuple((n, v) for n, v in captured.headers if n not in _DROPPED)
        return Stored(body, strong_etag(body), headers, time.monotonic(), label)

    async def _send(self, send: Send, stored: Stored, visitor: _Visitor) -> None:
        headers = list(stored.headers)
        body = stored.body
        etag = stored.etag
        cache_control = self._public
        if self.placeholder in body:
            token = visitor.csrf
            if token is None:
                token = secrets.token_urlsafe(32)
                headers.append((b"set-cookie", self._csrf_cookie(token, visitor.secure)))
            body = body.replace(self.placeholder, token.encode())
            # The page carries the visitor's token: theirs alone to keep.
            etag = strong_etag(stored.etag + token.encode())
            cache_control = b"private, no-cache"
        common = [(b"etag", etag), (b"cache-control", cache_control), VARY]
        revalidating = visitor.csrf is not None or cache_control == self._public
        if revalidating and etag_matches(visitor.if_none_match, etag):
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [(b"content-length", str(len(body)).encode()), *common]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _csrf_cookie(self, token: str, secure_cookie: bool) -> bytes:
        # As hub.web.security.remember_csrf sets it.
        secure = "; Secure" if secure_cookie else ""
        return f"{CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=strict{secure}".encode()
