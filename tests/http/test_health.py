"""/healthz and /readyz."""

from __future__ import annotations

import httpx

from hub.app import create_app
from hub.settings import Settings


async def test_healthz_and_readyz(app_client: httpx.AsyncClient) -> None:
    health = (await app_client.get("/healthz")).json()
    assert health["status"] == "ok"
    assert health["live"]["broker"] == "postgres"
    assert health["live"]["subscribers"] == 0
    ready = await app_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


async def test_readyz_reports_pending_migrations(empty_dsn: str) -> None:
    app = create_app(Settings(database_url=empty_dsn), run_migrations=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["reason"] == "migrations pending"
    assert "0001_core" in body["pending"]


async def test_graphiql_is_served(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    # The volunteers' pages own "/", and link developers to the explorer.
    assert 'href="/graphql"' in (await app_client.get("/")).text
