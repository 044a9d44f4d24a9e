"""The read cache in front of /graphql: a pure-ASGI middleware, so that a hit costs a dict
look-up and one send, with no strawberry, no context, no database and no JSON encoding.

Only anonymous requests (no Authorization header, no session cookie) are served from or stored
in the cache, and only queries whose every field the audience policy calls PUBLIC
(hub.graphql.audience). Responses with errors or `extensions` (a search fallback's notice),
responses that set cookies, batches and multipart requests are never stored.

Two keys lead to a response: the raw request (method, body or query string, Accept-Language,
data version), checked first, and the canonical one (document, operation, variables with sorted
keys, language, data version), which also answers requests spelled differently. Every response
of /graphql says how it may be cached: `public, max-age` when it came from or went into the
cache, `private, no-store` otherwise.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from graphql import DocumentNode, GraphQLError, parse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.domain.messages import pick_language
from hub.graphql.audience import DocumentPolicy
from hub.graphql.cost.limit import asks_for_cost
from hub.http.cookies import EDIT_TOKEN_HEADER, SESSION_COOKIE
from hub.http.persisted_queries import PersistedQueries, PersistedQueryError
from hub.http.read_cache import ReadCache, Stored, etag_matches, strong_etag
from hub.observability.metrics import CACHE_HITS, CACHE_MISSES
from hub.observability.request_context import current_operation, name_operation

PATH = "/graphql"
JSON = b"application/json"
NO_STORE = (b"cache-control", b"private, no-store")
VARY = (b"vary", b"Accept-Language, Authorization, Cookie")
_SESSION = SESSION_COOKIE.encode() + b"="
_EDIT_TOKEN = EDIT_TOKEN_HEADER.encode()
# Parsed documents kept for the policy check of misses.
PARSED_DOCUMENTS = 512
_HITS = CACHE_HITS.labels("graphql")
_MISSES = CACHE_MISSES.labels("graphql")


class Request:
    """What the middleware reads of a request, once."""

    __slots__ = ("accept_language", "anonymous", "content_type", "has_auth", "if_none_match")

    def __init__(self, scope: Scope) -> None:
        self.accept_language = b""
        self.if_none_match: bytes | None = None
        self.content_type = b""
        self.has_auth = False
        anonymous = True
        for name, value in scope["headers"]:
            if name == b"authorization":
                # A bad bearer is refused by the endpoint, never answered as anonymous.
                anonymous = False
                self.has_auth = True
            elif name == b"cookie":
                if _SESSION in value:
                    anonymous = False
            elif name == _EDIT_TOKEN:
                # Its holder may read what the public may not (a REJECTED entry): never cached.
                anonymous = False
            elif name == b"accept-language":
                self.accept_language = value
            elif name == b"if-none-match":
                self.if_none_match = value
            elif name == b"content-type":
                self.content_type = value
        self.anonymous = anonymous


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` giving `body` once, then the client's own messages (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _no_store(send: Send) -> Send:
    """`send` adding `Cache-Control: private, no-store` unless the app said otherwise."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if not any(name == b"cache-control" for name, _ in headers):
                headers.append(NO_STORE)
                message = {**message, "headers": headers}
        await send(message)

    return sending


async def _send_json(send: Send, status: int, payload: object) -> None:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", JSON),
                (b"content-length", str(len(body)).encode()),
                NO_STORE,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Captured:
    """A response the app sent, held back until the cache decided about it."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        """The app's `send`."""
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def body(self) -> bytes:
        """The whole body."""
        return b"".join(self.chunks)

    def cacheable(self) -> bool:
        """A 200 JSON answer with data only: no errors, no notices, no cookies set."""
        if self.status != 200:
            return False
        for name, value in self.headers:
            if name == b"set-cookie":
                return False
            if name == b"content-type" and not value.startswith(JSON):
                return False
        try:
            decoded = json.loads(self.body)
        except ValueError:
            return False
        return isinstance(decoded, dict) and set(decoded) == {"data"}

    async def replay(self, send: Send) -> None:
        """Send it as the app built it, marked not to be stored."""
        await _no_store(send)(
            {"type": "http.response.start", "status": self.status, "headers": self.headers}
        )
        await send({"type": "http.response.body", "body": self.body})


class GraphQLReadCache:
    """The middleware; its ReadCache and PersistedQueries live on app.state too."""

    def __init__(
        self,
        app: ASGIApp,
        cache: ReadCache,
        persisted: PersistedQueries,
        policy: DocumentPolicy,
        default_language: str,
    ) -> None:
        self.app = app
        self.cache = cache
        self.persisted = persisted
        self.policy = policy
        self.default_language = default_language
        self._documents: OrderedDict[str, DocumentNode | None] = OrderedDict()
        self._cache_control = f"public, max-age={int(cache.max_seconds)}".encode()

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http" or scope["path"] != PATH:
            # No frame of ours on the stack of a WebSocket that may stay open for hours.
            return self.app(scope, receive, send)
        return self._graphql(scope, receive, send)

    async def _graphql(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        request = Request(scope)
        if method == "POST":
            if request.content_type.startswith(b"multipart/"):
                await self.app(scope, receive, _no_store(send))
                return
            body = await _read_body(receive)
            receive = _replay(body, receive)
            raw: bytes = body
        elif method == "GET":
            raw = scope["query_string"]
        else:
            await self.app(scope, receive, _no_store(send))
            return
        version = self.cache.version.current
        cached = request.anonymous and version is not None and self.cache.enabled
        fast_key = (method, raw, request.accept_language, version)
        if cached:
            stored = self.cache.get(fast_key)
            if stored is not None:
                self.cache.counters.hits += 1
                _HITS.inc()
                name_operation(stored.label)
                await self._send_stored(send, stored, request)
                return
        # Apollo clients send the hash alone first, and persisted queries work for every
        # viewer, so the request is read whenever it might name one.
        if not cached and b"persistedQuery" not in raw:
            await self.app(scope, receive, _no_store(send))
            return
        parsed = self._read_request(method, raw)
        if parsed is None:
            await self.app(scope, receive, _no_store(send))
            return
        data, persisted_query = parsed
        try:
            document = self.persisted.resolve(data.get("extensions"), data.get("query"))
        except PersistedQueryError as error:
            await _send_json(
                send,
                error.status,
                {"errors": [{"message": error.message, "extensions": {"code": error.code.value}}]},
            )
            return
        if persisted_query and document is not None and data.get("query") != document:
            scope, receive = self._with_document(scope, receive, method, data, document)
        if (
            not cached
            or document is None
            or version is None
            or asks_for_cost(data.get("extensions"))
        ):
            # A client asking for the cost gets it computed: stored bytes do not carry it.
            await self.app(scope, receive, _no_store(send))
            return
        parsed_document = self._parse(document)
        if parsed_document is None or not self.policy.is_public(document, parsed_document):
            await self.app(scope, receive, _no_store(send))
            return
        variables = data.get("variables")
        if isinstance(variables, str):  # GET sends them as JSON text
            try:
                variables = json.loads(variables)
            except (ValueError, RecursionError):
                await self.app(scope, receive, _no_store(send))
                return
        key = self._key(document, data.get("operationName"), variables, request, version)
        stored = self.cache.get(key)
        if stored is not None:
            self.cache.counters.hits += 1
            _HITS.inc()
            name_operation(stored.label)
            self.cache.put(fast_key, stored)
            await self._send_stored(send, stored, request)
            return
        self.cache.counters.misses += 1
        _MISSES.inc()
        captured: Captured | None = None

        async def execute() -> Stored | None:
            nonlocal captured
            captured = Captured()
            await self.app(scope, receive, captured.send)
            if not captured.cacheable():
                return None
            body = captured.body
            headers = tuple(
                (name, value)
                for name, value in captured.headers
                if name not in (b"content-length", b"cache-control", b"etag", b"vary")
            )
            label = current_operation() or ""
            return Stored(body, strong_etag(body), headers, time.monotonic(), label)

        stored, leader = await self.cache.single_flight(key, execute)
        if stored is not None:
            name_operation(stored.label)
            if leader:
                self.cache.put(key, stored)
                self.cache.put(fast_key, stored)
            await self._send_stored(send, stored, request)
            return
        if captured is not None:
            await captured.replay(send)
            return
        # The execution we waited for was not cacheable (errors): run our own.
        await self.app(scope, receive, _no_store(send))

    def _read_request(self, method: str, raw: bytes) -> tuple[dict[str, Any], bool] | None:
        """The request's fields, and whether it names a persisted query; None for batches
        and bodies that are not a JSON object (the endpoint answers those)."""
        if method == "GET":
            data: Any = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
            extensions = data.get("extensions")
            if isinstance(extensions, str):
                try:
                    data["extensions"] = json.loads(extensions)
                except (ValueError, RecursionError):
                    return None
        else:
            try:
                data = json.loads(raw)
            except (ValueError, RecursionError):
                # Not JSON, or nested deeper than the parser recurses: the endpoint refuses it.
                return None
        if not isinstance(data, dict):
            return None
        extensions = data.get("extensions")
        return data, isinstance(extensions, dict) and "persistedQuery" in extensions

    def _with_document(
        self, scope: Scope, receive: Receive, method: str, data: dict[str, Any], document: str
    ) -> tuple[Scope, Receive]:
        """The request rewritten to carry the persisted document as its query."""
        if method == "GET":
            params = {k: v for k, v in data.items() if k != "extensions"}
            params["query"] = document
            return {**scope, "query_string": urlencode(params).encode()}, receive
        # ASCII escapes: variables may hold lone surrogates, which the endpoint refuses.
        body = json.dumps({**data, "query": document}).encode()

        async def replay_once() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        return scope, replay_once

    def _parse(self, text: str) -> DocumentNode | None:
        if text in self._documents:
            self._documents.move_to_end(text)
            return self._documents[text]
        try:
            document: DocumentNode | None = parse(text)
        except GraphQLError:
            document = None
        self._documents[text] = document
        if len(self._documents) > PARSED_DOCUMENTS:
            self._documents.popitem(last=False)
        return document

    def _key(
        self,
        document: str,
        operation: object,
        variables: object,
        request: Request,
        version: int,
    ) -> bytes:
        language = pick_language(
            request.accept_language.decode("latin-1") or None, self.default_language
        )
        canonical = json.dumps(
            [document, operation, variables or {}, language, "anonymous", version],
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).digest()

    async def _send_stored(self, send: Send, stored: Stored, request: Request) -> None:
        if etag_matches(request.if_none_match, stored.etag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", stored.etag),
                        (b"cache-control", self._cache_control),
                        VARY,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    *stored.headers,
                    (b"content-length", str(len(stored.body)).encode()),
                    (b"etag", stored.etag),
                    (b"cache-control", self._cache_control),
                    VARY,
                ],
            }
        )
        await send({"type": "http.response.body", "body": stored.body})
