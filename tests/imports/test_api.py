"""importEntries: coordinators upload a spreadsheet; others are refused; uploads are limited in
size and guarded against cross-site forms."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.app import create_app
from hub.domain.accounts import Role
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.fixtures.make_import_fixtures import GOOD_ENTRIES
from tests.graphql.test_accounts import PASSWORD, SIGN_IN, token_for
from tests.helpers import table_counts
from tests.imports.helpers import BAD_XLSX_ROWS, XLSX

IMPORT = """mutation($input: ImportEntriesInput!) { importEntries(input: $input) {
    imported valid skipped rows
    rejectedRows { row column value code message }
    warnings { row code }
    userErrors { field code message } } }"""
QUEUE = "{ reviewQueue(first: 50) { totalCount } }"
PUBLIC_NEEDS = """{ needs(filter: {verificationStatuses: [PENDING]}, first: 50) {
    edges { node { organization { name } contacts { phone redacted } } } } }"""


async def upload(
    client: httpx.AsyncClient,
    path: Path,
    headers: dict[str, str],
    **options: Any,
) -> httpx.Response:
    """A GraphQL multipart request (the spec apollo-upload-client follows) with one file."""
    operations = {
        "query": IMPORT,
        "variables": {"input": {"kind": "NEEDS", "file": None, **options}},
    }
    return await client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (path.name, path.read_bytes(), "application/octet-stream")},  # noqa: ASYNC240
        headers=headers,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_coordinator_imports_a_spreadsheet(
    app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coordinator_li")
    dry = await upload(app_client, XLSX, bearer(coordinator), dryRun=True, skipInvalid=True)
    assert dry.status_code == 200, dry.text
    checked = dry.json()["data"]["importEntries"]
    assert (checked["imported"], checked["valid"]) == (0, GOOD_ENTRIES)
    assert (await table_counts(db))["entry"] == 0

    done = await upload(
        app_client, XLSX, {**bearer(coordinator), "Accept-Language": "zh"}, skipInvalid=True
    )
    result = done.json()["data"]["importEntries"]
    assert result["userErrors"] == []
    assert result["imported"] == GOOD_ENTRIES
    rejected = {r["row"]: (r["column"], r["code"]) for r in result["rejectedRows"]}
    assert {row: rejected[row] for row in BAD_XLSX_ROWS} == BAD_XLSX_ROWS
    assert "火星省" in next(r["message"] for r in result["rejectedRows"] if r["row"] == 33)
    # In the review queue like any submission; contacts protected in public lists.
    reviewer, _ = await token_for(db, Role.REVIEWER, "reviewer_wang")
    queue = (await gql.data(QUEUE, Authorization=f"Bearer {reviewer}"))["reviewQueue"]
    assert queue["totalCount"] == GOOD_ENTRIES
    needs = (await gql.data(PUBLIC_NEEDS))["needs"]["edges"]
    contacts = [c for edge in needs for c in edge["node"]["contacts"]]
    assert contacts and all(c["redacted"] for c in contacts)
    assert not any(c["phone"] and "138" in c["phone"] and "*" not in c["phone"] for c in contacts)
    async with db.connection() as conn:
        actor = await conn.fetchval(
            "SELECT actor_label FROM audit_log WHERE action = 'import.completed'"
        )
    assert actor == "coordinator_li"


async def test_all_or_nothing_over_the_api(app_client: httpx.AsyncClient, db: Database) -> None:
    coordinator, _ = await token_for(db, Role.ADMIN, "admin_zhao")
    before = await table_counts(db)
    done = await upload(app_client, XLSX, bearer(coordinator))
    result = done.json()["data"]["importEntries"]
    assert (result["imported"], result["valid"]) == (0, GOOD_ENTRIES)
    assert {r["row"] for r in result["rejectedRows"]} >= set(BAD_XLSX_ROWS)
    assert await table_counts(db) == before


async def test_volunteers_and_reviewers_are_forbidden(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    before = await table_counts(db)
    for role in (Role.VOLUNTEER, Role.REVIEWER):
        token, _ = await token_for(db, role, f"plain_{role.value.lower()}")
        done = await upload(app_client, XLSX, bearer(token), skipInvalid=True)
        body = done.json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await upload(app_client, XLSX, {"Apollo-Require-Preflight": "true"})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await table_counts(db) == before


async def test_a_cross_site_form_cannot_import(
    app_client: httpx.AsyncClient, gql: GraphQLClient, db: Database
) -> None:
    await token_for(db, Role.COORDINATOR, "coordinator_cookie")
    signed_in = await gql.data(
        SIGN_IN, {"input": {"email": "coordinator_cookie@example.org", "password": PASSWORD}}
    )
    assert signed_in["signIn"]["userErrors"] == []
    assert app_client.cookies.get("hub_session")
    before = await table_counts(db)
    # What an HTML form on another site sends: multipart, the session cookie, no custom header.
    refused = await upload(app_client, XLSX, {"Origin": "https://evil.example"}, skipInvalid=True)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_REFUSED"
    assert await table_counts(db) == before
    # The hub's own pages and API clients send the header (browsers preflight it cross-site).
    allowed = await upload(app_client, XLSX, {"Apollo-Require-Preflight": "true"}, skipInvalid=True)
    assert allowed.json()["data"]["importEntries"]["imported"] == GOOD_ENTRIES


async def test_a_json_request_carries_no_file(gql: GraphQLClient, db: Database) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coordinator_json")
    body = await gql.data(
        IMPORT,
        {"input": {"kind": "NEEDS", "file": "not a file"}},
        Authorization=f"Bearer {coordinator}",
    )
    errors = body["importEntries"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("file", "INVALID_FORMAT")]


async def test_an_unreadable_file_is_a_user_error(
    app_client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coordinator_xls")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    done = await upload(app_client, old, bearer(coordinator))
    errors = done.json()["data"]["importEntries"]["userErrors"]
    assert errors[0]["field"] == "file"
    assert errors[0]["code"] == "INVALID_FORMAT"
    assert ".xlsx" in errors[0]["message"]


@pytest.fixture
async def small_upload_client(fresh_dsn: str) -> AsyncIterator[httpx.AsyncClient]:
    """An app taking uploads of at most 4 KiB."""
    app = create_app(Settings(database_url=fresh_dsn, default_language="en", max_import_bytes=4096))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


async def test_a_too_big_upload_is_refused_with_a_code(
    small_upload_client: httpx.AsyncClient, db: Database
) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coordinator_big")
    before = await table_counts(db)
    done = await upload(small_upload_client, XLSX, bearer(coordinator), skipInvalid=True)
    assert done.status_code == 413
    assert done.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert await table_counts(db) == before


def test_the_upload_limit_is_a_setting() -> None:
    assert Settings.from_env({}).max_import_bytes == 8 * 1024 * 1024
    assert Settings.from_env({"HUB_MAX_IMPORT_BYTES": "100000"}).max_import_bytes == 100_000
