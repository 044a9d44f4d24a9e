"""HUB_LOG_FORMAT=json: one JSON object per line, each with the request it was logged for.

Fields: timestamp (UTC, ISO 8601 with milliseconds), level, logger, message, process, and when
known request_id and operation (hub.observability.request_context); an access line adds its
own (`fields`). Nothing here reads a request: what reaches a log line is what the code logged,
and the access log (hub.http.request_observer) logs labels, never paths or query strings.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from hub.observability.request_context import current_request

# What `logger.info(..., extra={"fields": {...}})` adds to a JSON line (the access log).
FIELDS = "fields"


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request's id and operation (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always True: it only adds attributes."""
        info = current_request()
        record.request_id = None if info is None else info.request_id
        record.operation = None if info is None else info.operation
        return True


# uvicorn's lines about WebSocket handshakes begin with the client's address and the path with
# its query string (websockets_sansio_impl); what follows is the outcome.
_HANDSHAKE = '%s - "WebSocket %s" '


class HandshakeScrubber(logging.Filter):
    """Drops the client's address and the path from uvicorn's WebSocket handshake lines: the
    address is personal data and the path is the client's to fill (a token, a phone)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always True: it only rewrites the line."""
        if (
            isinstance(record.msg, str)
            and record.msg.startswith(_HANDSHAKE)
            and isinstance(record.args, tuple)
            and len(record.args) >= 2
        ):
            record.msg = "WebSocket handshake " + record.msg.removeprefix(_HANDSHAKE)
            record.args = record.args[2:]
        return True


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's line (without the newline)."""
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        request_id = getattr(record, "request_id", None)
        if request_id is None:
            info = current_request()
            request_id = None if info is None else info.request_id
        if request_id is not None:
            line["request_id"] = request_id
        extra = getattr(record, FIELDS, None)
        if isinstance(extra, dict):
            line.update(extra)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def json_handler(stream: Any = None) -> logging.Handler:
    """A handler writing JSON lines to `stream` (standard error by default)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(HandshakeScrubber())
    return handler


# uvicorn's loggers: their own handlers (uvicorn's text format) give way to the root's.
_UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
# httpx logs every request's whole URL at INFO: a webhook's or a source's URL is a user's, and
# may carry a secret in its query string. Their warnings still pass.
QUIET_LOGGERS = ("httpx", "httpcore")


def quiet_libraries() -> None:
    """Raise the libraries that log URLs to WARNING."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Send every log record through one JSON handler on the root logger (`json`); for `text`
    nothing changes. Idempotent: a second call replaces the first handler."""
    if log_format != "json":
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(json_handler())
    root.setLevel(level)
    quiet_libraries()
    for name in _UVICORN:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
