"""Test setup: a real PostgreSQL (the embedded one unless HUB_TEST_DATABASE_URL is set).

A migrated template database is built once per session; every test that touches the database
gets its own copy (CREATE DATABASE ... TEMPLATE), so tests may commit freely.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from hub.app import create_app
from hub.settings import Settings
from hub.store.db import Database
from hub.store.migrate import migrate

TEMPLATE = "hub_test_template"
# The source link checker is tested on its own against a local server; elsewhere (hub serve
# started by a test, worker rounds) it stays off, so that no test reaches outside this machine.
os.environ["HUB_LINKCHECK_ENABLED"] = "false"
_counter = itertools.count()


def with_database(dsn: str, name: str) -> str:
    """`dsn` pointing at database `name`."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def pg_server_dsn() -> Iterator[str]:
    """URL of a PostgreSQL server the tests may create databases on."""
    external = os.environ.get("HUB_TEST_DATABASE_URL")
    if external:
        yield external
        return
    try:
        from hub.embedded import EmbeddedPostgres, EmbeddedPostgresError
    except ImportError as error:  # pragma: no cover - depends on the machine
        pytest.skip(f"no PostgreSQL for the tests: {error}")
    folder = tempfile.mkdtemp(prefix="hub-test-pg-")
    os.chmod(folder, 0o755)  # the server may run as another user (when tests run as root)
    server = EmbeddedPostgres(Path(folder), durable=False)
    try:
        dsn = server.start()
    except EmbeddedPostgresError as error:  # pragma: no cover - depends on the machine
        pytest.skip(f"could not start the embedded PostgreSQL: {error}")
    try:
        yield dsn
    finally:
        server.stop()


@pytest.fixture(scope="session")
async def template_dsn(pg_server_dsn: str) -> str:
    """A database with every migration applied, used as the template of each test's database."""
    admin = await asyncpg.connect(pg_server_dsn)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    dsn = with_database(pg_server_dsn, TEMPLATE)
    conn = await asyncpg.connect(dsn)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return dsn


@asynccontextmanager
async def scratch_database(
    server_dsn: str, prefix: str, template: str | None
) -> AsyncIterator[str]:
    """A new database (a copy of `template`, or empty) for the block, dropped afterwards."""
    name = f"{prefix}_{os.getpid()}_{next(_counter)}"
    clause = f" TEMPLATE {template}" if template else ""
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f"CREATE DATABASE {name}{clause}")
    finally:
        await admin.close()
    try:
        yield with_database(server_dsn, name)
    finally:
        admin = await asyncpg.connect(server_dsn)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()


@pytest.fixture
async def fresh_dsn(pg_server_dsn: str, template_dsn: str) -> AsyncIterator[str]:
    """A new migrated database for one test, dropped afterwards."""
    async with scratch_database(pg_server_dsn, "hub_test", TEMPLATE) as dsn:
        yield dsn


@pytest.fixture
async def empty_dsn(pg_server_dsn: str) -> AsyncIterator[str]:
    """A new database with no migrations applied."""
    async with scratch_database(pg_server_dsn, "hub_empty", None) as dsn:
        yield dsn


@pytest.fixture
def shared_tmp_dir() -> Iterator[Path]:
    """A temporary folder others may traverse: as root, the embedded server runs as another
    user, and pytest's own tmp_path is private to its user."""
    folder = Path(tempfile.mkdtemp(prefix="hub-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def db(fresh_dsn: str) -> AsyncIterator[Database]:
    """A pool on this test's database."""
    database = await Database.connect(fresh_dsn, min_size=1, max_size=4)
    yield database
    await database.close()


# Every test's requests come from one address (127.0.0.1): tests that are not about rate limits
# get limits this many times the defaults, so that many writes in a row pass. The tests of the
# limits (tests/limits) override `settings` with the real ones.
TEST_RATE_LIMIT_SCALE = 1000.0


@pytest.fixture
def settings(fresh_dsn: str) -> Settings:
    """Settings pointing at this test's database (English messages unless asked otherwise),
    with generous rate limits (TEST_RATE_LIMIT_SCALE)."""
    """Settings pointing at this test's database (English messages unless asked otherwise).

    Every in-process client comes from one address, as behind a proxy the hub does not trust:
    reviewers are not refused for sharing it with submitters (tests of that turn it on).
    """
    return Settings(
        database_url=fresh_dsn,
        default_language="en",
        max_body_bytes=64 * 1024,
        review_link_by_address=False,
        rate_limit_scale=TEST_RATE_LIMIT_SCALE,
    )


class GraphQLClient:
    """Posts operations to the app and returns the decoded response."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        """The whole response body; asserts HTTP 200."""
        # json.dumps escapes non-ASCII, as many clients do; it can also carry lone surrogates.
        body = json.dumps({"query": query, "variables": variables or {}})
        response = await self.http.post(
            "/graphql", content=body, headers={"content-type": "application/json", **headers}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        """The `data` of a response that must have no errors."""
        body = await self.post(query, variables, **headers)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    """The app with its lifespan running (pool open, migrations applied)."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def app_client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client


@pytest.fixture
def gql(app_client: httpx.AsyncClient) -> GraphQLClient:
    """A GraphQL client for this test's app."""
    return GraphQLClient(app_client)
