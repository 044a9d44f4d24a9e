"""Requests /graphql cannot read are refused with a JSON error and a code, never a 500.

Found by the fuzz suite (tests/fuzz): strawberry answered a JSON body that is not an object
(`null`, a number, a string) and one that is not UTF-8 with 500 and a traceback in the log,
and its other refusals (not JSON, an unsupported content type, a batch) with plain text.
"""

from __future__ import annotations

import httpx
import pytest

JSON = {"content-type": "application/json"}


def _refusal(response: httpx.Response) -> str:
    """The code of a refusal's only error; asserts it is a JSON error."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    errors = response.json()["errors"]
    assert len(errors) == 1
    code: str = errors[0]["extensions"]["code"]
    return code


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b"42",
        b'"{ latestEventId }"',
        b"true",
        b'{"query": "{ latestEventId }\xff\xfe"}',
        b'{"query": "{ latestEventId }"',
        b"[]",
        b'[{"query": "{ latestEventId }"}]',
        b'{"query": "{ latestEventId }", "variables": [1]}',
        b'{"query": 5}',
        # Nested deeper than the JSON parser recurses: a RecursionError, once a 500.
        b'{"query": "{ latestEventId }", "variables": {"x": '
        + b"[" * 20_000
        + b"]" * 20_000
        + b"}}",
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_bad_request(
    app_client: httpx.AsyncClient, body: bytes
) -> None:
    response = await app_client.post("/graphql", content=body, headers=JSON)
    assert response.status_code == 400
    assert _refusal(response) == "BAD_REQUEST"


async def test_an_unsupported_content_type_is_a_bad_request(app_client: httpx.AsyncClient) -> None:
    response = await app_client.post(
        "/graphql",
        content=b'{"query": "{ latestEventId }"}',
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 400
    assert _refusal(response) == "BAD_REQUEST"


async def test_multipart_operations_that_are_not_an_object_are_a_bad_request(
    app_client: httpx.AsyncClient,
) -> None:
    response = await app_client.post(
        "/graphql",
        data={"operations": "null", "map": "{}"},
        files={"0": ("a.csv", b"x")},
        headers={"apollo-require-preflight": "true"},
    )
    assert response.status_code == 400
    assert _refusal(response) == "BAD_REQUEST"


async def test_a_mutation_over_get_is_refused_with_a_code(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get(
        "/graphql", params={"query": "mutation { signOut { userErrors { code } } }"}
    )
    assert response.status_code == 400
    assert _refusal(response) == "BAD_REQUEST"
    assert "GET" in response.json()["errors"][0]["message"]


async def test_get_variables_nested_too_deep_are_a_bad_request(
    app_client: httpx.AsyncClient,
) -> None:
    deep = "[" * 5_000 + "]" * 5_000
    for params in ({"variables": deep}, {"extensions": deep}):
        response = await app_client.get("/graphql", params={"query": "{ latestEventId }", **params})
        assert response.status_code == 400
        assert _refusal(response) == "BAD_REQUEST"


async def test_get_variables_of_null_still_work(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get(
        "/graphql", params={"query": "{ latestEventId }", "variables": "null"}
    )
    assert response.status_code == 200
    assert "errors" not in response.json()
