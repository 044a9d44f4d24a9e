"""The Meilisearch server that scripts/test starts (scripts/meilisearch-for-tests) is usable.

It checks what the search tests rely on: the server answers, indexes and finds Chinese text,
and refuses requests without the master key. Skipped when no server was started for the run.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import httpx
import pytest
from meilisearch_python_sdk import AsyncClient

INDEX = "harness_check"
DOCUMENTS = [
    {"id": 1, "name": "医用防护口罩 N95"},
    {"id": 2, "name": "饮用水 5 升装"},
]


def _server() -> tuple[str, str]:
    url = os.environ.get("HUB_TEST_MEILI_URL", "")
    if not url:
        pytest.skip("HUB_TEST_MEILI_URL is not set: no Meilisearch server for this run")
    return url, os.environ.get("HUB_TEST_MEILI_KEY", "")


@pytest.fixture
async def client() -> AsyncIterator[AsyncClient]:
    url, key = _server()
    async with AsyncClient(url, key) as meili:
        yield meili


async def test_indexes_and_finds_chinese_text(client: AsyncClient) -> None:
    health = await client.health()
    assert health.status == "available"

    await client.delete_index_if_exists(INDEX)
    index = await client.create_index(INDEX, primary_key="id")
    try:
        task = await index.add_documents(DOCUMENTS)
        result = await client.wait_for_task(task.task_uid, timeout_in_ms=30_000)
        assert result.status == "succeeded", result.error

        found = await index.search("口罩")
        assert [hit["id"] for hit in found.hits] == [1]
        assert found.hits[0]["name"] == "医用防护口罩 N95"
    finally:
        await client.delete_index_if_exists(INDEX)


async def test_requests_without_the_key_are_refused() -> None:
    url, key = _server()
    assert key, "HUB_TEST_MEILI_KEY must be set with HUB_TEST_MEILI_URL"
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        assert (await http.get("/indexes")).status_code == 401
        wrong = await http.get("/indexes", headers={"Authorization": "Bearer not-the-key"})
        assert wrong.status_code == 403
        right = await http.get("/indexes", headers={"Authorization": f"Bearer {key}"})
        assert right.status_code == 200
