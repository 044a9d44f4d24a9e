"""The request being served, carried through contextvars to log records, metrics and spans.

The pure-ASGI middleware (hub.http.request_observer) opens one per HTTP request; code below it
names the operation (the GraphQL view, the read caches), and log records read the request id.
"""

from __future__ import annotations

import re
import secrets
from contextvars import ContextVar, Token
from dataclasses import dataclass

REQUEST_ID_HEADER = b"x-request-id"
# A request id a client or a proxy sent is kept when it looks like one (uuids, hex, the ids
# load balancers make); anything else (long, spaces, control characters) is replaced.
_SANE_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")


@dataclass(slots=True)
class RequestInfo:
    """One request: its id, and the label it is counted under once known."""

    request_id: str
    operation: str | None = None


_CURRENT: ContextVar[RequestInfo | None] = ContextVar("hub_request", default=None)


def new_request_id() -> str:
    """A fresh random request id (32 hex digits)."""
    return secrets.token_hex(16)


def request_id_from(header: bytes | None) -> str:
    """The incoming X-Request-ID when sane, else a fresh id."""
    if header is not None and _SANE_ID.fullmatch(header):
        return header.decode("ascii")
    return new_request_id()


def current_request() -> RequestInfo | None:
    """The request this code runs for, if any."""
    return _CURRENT.get()


def begin_request(info: RequestInfo) -> Token[RequestInfo | None]:
    """Make `info` the current request; returns the token `end_request` takes."""
    return _CURRENT.set(info)


def end_request(token: Token[RequestInfo | None]) -> None:
    """Restore what was current before `begin_request`."""
    _CURRENT.reset(token)


def name_operation(label: str) -> None:
    """Name the current request's operation (a bounded label, see hub.observability.operations)."""
    info = _CURRENT.get()
    if info is not None:
        info.operation = label


def current_operation() -> str | None:
    """The current request's operation label, if named yet."""
    info = _CURRENT.get()
    return None if info is None else info.operation
