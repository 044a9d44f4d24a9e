"""Responses are UTF-8 JSON with Chinese text as itself."""

from __future__ import annotations

import httpx


async def test_chinese_is_sent_as_utf8_not_escapes(app_client: httpx.AsyncClient) -> None:
    response = await app_client.post(
        "/graphql",
        json={"query": '{ supplyCategories(groupCode: "face") { nameZh } }'},
    )
    assert response.status_code == 200
    assert "医用外科口罩".encode() in response.content
    assert b"\\u" not in response.content
    assert response.headers["content-type"].startswith("application/json")
