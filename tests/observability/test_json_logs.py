"""HUB_LOG_FORMAT=json: JSON lines carrying the request id, and no personal data or secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hub.app import create_app
from hub.observability.json_logs import QUIET_LOGGERS, json_handler, quiet_libraries
from hub.settings import Settings
from tests.helpers import NEED, SUBMIT_NEED, need_input

PROTECTED_PHONE = NEED["contacts"][0]["phone"]
REQUEST_ID = "req-0123456789-abcdef"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged at INFO and above during the test, as the JSON handler writes it."""
    stream = io.StringIO()
    handler = json_handler(stream)
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", *QUIET_LOGGERS)}
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # As configure_logging does (the test client's httpx would log its own URLs too).
    quiet_libraries()
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def _inside(request: Request) -> PlainTextResponse:
    logging.getLogger("hub.test").warning("logged while serving")
    return PlainTextResponse("ok")


@pytest.fixture
async def json_app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(replace(settings, log_format="json"))
    # A route of the test's that logs from inside a request.
    application.router.routes.insert(0, Route("/test-logs", _inside))
    async with application.router.lifespan_context(application):
        yield application


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert lines
    return [json.loads(line) for line in lines]  # every line is one JSON object


async def test_a_requests_lines_carry_its_request_id(
    json_app: Starlette, log_lines: io.StringIO
) -> None:
    transport = httpx.ASGITransport(app=json_app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        response = await http.get("/test-logs", headers={"x-request-id": REQUEST_ID})
        assert response.headers["x-request-id"] == REQUEST_ID
        other = await http.get("/test-logs")
    generated = other.headers["x-request-id"]
    assert generated != REQUEST_ID
    records = _records(log_lines)
    for record in records:
        assert {"timestamp", "level", "logger", "message"} <= set(record)
    mine = [r for r in records if r.get("request_id") == REQUEST_ID]
    assert {r["logger"] for r in mine} == {"hub.test", "hub.access"}
    inside = next(r for r in mine if r["logger"] == "hub.test")
    assert inside["message"] == "logged while serving"
    assert inside["level"] == "warning"
    access = next(r for r in mine if r["logger"] == "hub.access")
    assert access["status"] == 200
    assert access["operation"] == "GET /test-logs"
    assert access["duration_ms"] >= 0
    # The client is a keyed digest, never its address.
    assert access["client"]
    assert "203.0.113.9" not in json.dumps(records)
    assert any(r.get("request_id") == generated for r in records)


async def test_no_phone_token_or_query_string_reaches_the_logs(
    json_app: Starlette, log_lines: io.StringIO
) -> None:
    transport = httpx.ASGITransport(app=json_app, client=("203.0.113.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        written = await http.post(
            "/graphql", json={"query": SUBMIT_NEED, "variables": {"input": need_input()}}
        )
        payload = written.json()["data"]["submitNeed"]
        assert payload["userErrors"] == []
        edit_token = payload["editToken"]
        reconfirm_token = payload["reconfirmationToken"]
        need_id = payload["need"]["id"]
        # The edit token as a header, in a page's path and query string.
        await http.post(
            "/graphql",
            json={
                "query": "query Own($id: ID!) { node(id: $id) { id } }",
                "variables": {"id": need_id},
            },
            headers={"hub-edit-token": edit_token},
        )
        await http.get(f"/entries/{need_id}/edit", params={"token": edit_token})
        await http.get(f"/reconfirm/{reconfirm_token}")
        await http.get("/needs", params={"q": PROTECTED_PHONE})
    text = log_lines.getvalue()
    records = _records(log_lines)
    operations = {r.get("operation") for r in records if r["logger"] == "hub.access"}
    assert "GET /reconfirm/{token}" in operations
    assert "GET /entries/{entry_id}/edit" in operations
    assert any(op and op.startswith("mutation") for op in operations)
    for secret in (PROTECTED_PHONE, edit_token, reconfirm_token, "203.0.113.9"):
        assert secret not in text


def test_websocket_handshake_lines_lose_the_address_and_path() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("uvicorn.error.test-handshake")
    logger.propagate = False
    logger.addHandler(json_handler(stream))
    try:
        logger.warning(
            '%s - "WebSocket %s" %d', "203.0.113.5:51234", "/graphql?token=s3cret-t0ken", 403
        )
        logger.warning('%s - "WebSocket %s" 403', "203.0.113.5:51234", "/reconfirm/s3cret-t0ken")
    finally:
        logger.handlers.clear()
    messages = [json.loads(line)["message"] for line in stream.getvalue().splitlines()]
    assert messages == ["WebSocket handshake 403", "WebSocket handshake 403"]
