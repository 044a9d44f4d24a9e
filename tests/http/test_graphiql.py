"""GraphiQL is served with every asset from the hub itself (no CDN at run time)."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx


async def test_graphiql_loads_only_local_assets_with_matching_integrity(
    app_client: httpx.AsyncClient,
) -> None:
    page = await app_client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert "unpkg.com" not in html
    assets = re.findall(r'(?:src|href)="(/static/graphiql/[^"]+)"\s+integrity="([^"]+)"', html)
    assert len(assets) == 7, "strawberry's page changed: run scripts/vendor-graphiql"
    for url, integrity in assets:
        response = await app_client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert integrity == f"sha384-{digest}", url
    js = await app_client.get(assets[0][0], headers={"accept-encoding": "gzip"})
    assert js.headers.get("content-encoding") == "gzip"
