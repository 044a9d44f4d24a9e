"""GET /export (the index) and GET /export/{dataset}.{csv,hxl.csv,json,xlsx} (the files).

A file is streamed: its rows are read BATCH_SIZE entries at a time, each batch in a short
transaction of its own (hub/store/exports.py), and sent as they are written, so that memory
stays flat however many entries the hub holds, and no pooled connection waits on a slow client.
At most half of the connection pool's size may run at once; beyond that they get 503
EXPORTS_BUSY. A client that takes longer than HUB_EXPORT_IDLE_MS to take one chunk, or a
download that lasts longer than HUB_EXPORT_TOTAL_MS, is cut off (the body ends unfinished), so
that slow readers cannot keep every export slot forever.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import UTC, datetime
from uuid import UUID

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Message, Receive, Scope, Send

from hub.domain.open_data import Dataset
from hub.exports.catalog import catalog
from hub.exports.encoders import Encoder, Format, JsonMeta, encoder
from hub.exports.records import Record, entry_record, organization_record
from hub.exports.request import (
    PAGE_LANGUAGE_COOKIE,
    BadParameter,
    ExportRequest,
    parse_file_name,
    parse_request,
)
from hub.exports.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE
from hub.graphql.ids import expect_global_id
from hub.store import exports
from hub.store.db import Database

log = logging.getLogger(__name__)

# Entries (or organizations) read and written per round trip; tests make it small.
BATCH_SIZE = 500
RETRY_AFTER_SECONDS = 10


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    error: dict[str, str] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _organization_id(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return expect_global_id(value, "Organization")


def _licence(request: Request) -> tuple[str, str]:
    settings = request.app.state.settings
    return settings.export_licence, settings.export_licence_url


def _licence_link(request: Request) -> str:
    return f'<{_licence(request)[1]}>; rel="license"'


def _headers(request: Request, export: ExportRequest, now: datetime) -> dict[str, str]:
    name = f"crisis-hub-{export.dataset.value}-{now:%Y-%m-%d}.{export.file_format.value}"
    return {
        "Link": _licence_link(request),
        "Content-Disposition": f'attachment; filename="{name}"',
        # Each download is a fresh snapshot; a cache should not serve yesterday's.
        "Cache-Control": "no-cache",
        # The header row's language follows these when `lang` is not given.
        "Vary": "Accept-Language, Cookie",
    }


def _media_type(export: ExportRequest) -> str:
    if export.file_format is Format.CSV:
        return f"text/csv; charset={export.encoding.value}"
    return export.file_format.media_type


async def export_index(request: Request) -> JSONResponse:
    """Every export file with its URL, the licence and the filters each accepts."""
    document = catalog(
        lambda name: str(request.url_for("export_file", file=name)), *_licence(request)
    )
    return JSONResponse(document, headers={"Link": _licence_link(request)})


# Generators are closed explicitly (aclosing, and `aclose` in ExportFiles): one abandoned by a
# client that went away would otherwise keep its pooled connection, and the snapshot's
# transaction open, until the garbage collector happened to finalize it.


async def _records(db: Database, export: ExportRequest) -> AsyncGenerator[list[Record], None]:
    kind = export.dataset.entry_kind
    if kind is None:
        organizations = exports.organization_batches(
            db, export.organizations, export.updated_since, BATCH_SIZE
        )
        async with aclosing(organizations) as batches:
            async for batch in batches:
                yield [organization_record(o) for o in batch]
    else:
        entries = exports.entry_batches(db, kind, export.entries, BATCH_SIZE)
        async with aclosing(entries) as batches:
            async for pairs in batches:
                yield [entry_record(entry, name) for entry, name in pairs]


async def _body(
    db: Database, export: ExportRequest, writer: Encoder
) -> AsyncGenerator[bytes, None]:
    started = time.monotonic()
    count = 0
    yield writer.head()
    async with aclosing(_records(db, export)) as batches:
        async for records in batches:
            count += len(records)
            yield writer.batch(records)
    yield writer.tail()
    log.info(
        "export %s.%s: %d records in %.1f s",
        export.dataset.value,
        export.file_format.value,
        count,
        time.monotonic() - started,
    )


class ExportTimedOut(Exception):
    """The client took too long to take a chunk, or the download lasted too long."""


def _timed(send: Send, idle_seconds: float, total_seconds: float) -> Send:
    """`send` that gives up on a body chunk the client has not taken within `idle_seconds`, or
    once `total_seconds` have passed since the first call."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + total_seconds

    async def timed_send(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
            return
        left = deadline - loop.time()
        if left <= 0:
            raise ExportTimedOut("total")
        try:
            await asyncio.wait_for(send(message), min(idle_seconds, left))
        except TimeoutError:
            raise ExportTimedOut("idle" if idle_seconds < left else "total") from None

    return timed_send


class ExportFiles:
    """The export files, as an ASGI app: it holds an export slot for as long as it streams."""

    def __init__(self) -> None:
        self._running = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one GET /export/{file}."""
        request = Request(scope, receive)
        parsed = parse_file_name(request.path_params["file"])
        if parsed is None:
            names = ", ".join(d.value for d in Dataset)
            formats = ", ".join(f.value for f in Format)
            message = f"no such export file; datasets: {names}; formats: {formats}"
            await _error(404, "NOT_FOUND", message)(scope, receive, send)
            return
        try:
            export = parse_request(
                *parsed,
                request.query_params.multi_items(),
                _organization_id,
                cookie_language=request.cookies.get(PAGE_LANGUAGE_COOKIE),
                accept_language=request.headers.get("accept-language"),
            )
        except BadParameter as bad:
            await _error(400, "BAD_USER_INPUT", bad.message, bad.field)(scope, receive, send)
            return
        now = datetime.now(UTC)
        if request.method == "HEAD":
            # The headers a GET would send, without reading a single row.
            head = Response(media_type=_media_type(export), headers=_headers(request, export, now))
            # A GET's length is not known in advance: say none rather than 0.
            del head.headers["content-length"]
            await head(scope, receive, send)
            return
        limit = max(1, request.app.state.settings.db_pool_max // 2)
        if self._running >= limit:
            message = "too many exports are running; try again shortly"
            await _error(503, "EXPORTS_BUSY", message)(scope, receive, send)
            return
        meta = JsonMeta(export.dataset, *_licence(request), now.isoformat())
        writer = encoder(export.file_format, meta, export.language, export.encoding)
        body = _body(request.app.state.db, export, writer)
        response = StreamingResponse(
            body, media_type=_media_type(export), headers=_headers(request, export, now)
        )
        settings = request.app.state.settings
        timed = _timed(send, settings.export_idle_seconds, settings.export_total_seconds)
        self._running += 1
        try:
            await response(scope, receive, timed)
        except ExportTimedOut as timeout:
            # The server closes the connection on a body left unfinished: the client sees a
            # truncated file (no final chunk), never one that looks complete.
            log.info("export %s cut off: %s timeout", request.url.path, timeout)
        finally:
            self._running -= 1
            # Whether the file was sent, the client went away or the server is stopping: give
            # the connection back now. Shielded, so that a cancellation cannot cut it short.
            await asyncio.shield(body.aclose())


def export_routes() -> list[BaseRoute]:
    """The export routes (a CSV of masks and hospitals compresses about tenfold: gzip when the
    client accepts it, chunk by chunk)."""
    files = ExportFiles()
    return [
        Route("/export", export_index, methods=["GET"], name="export_index"),
        Route(
            "/export/{file}",
            # An XLSX file is a ZIP already: compressing it again only costs CPU.
            GZipMiddleware(
                files,
                minimum_size=1024,
                exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, XLSX_MEDIA_TYPE),
            ),
            methods=["GET"],
            name="export_file",
        ),
    ]
