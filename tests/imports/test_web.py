"""The coordinators' import page: an upload form, a dry run, the report as a table."""

from __future__ import annotations

import re

import httpx

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.fixtures.make_import_fixtures import GOOD_ENTRIES
from tests.graphql.test_accounts import PASSWORD, token_for
from tests.helpers import table_counts
from tests.imports.helpers import XLSX


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


async def _sign_in(client: httpx.AsyncClient, db: Database, role: Role, name: str) -> None:
    await token_for(db, role, name)
    page = (await client.get("/signin")).text
    fields = {"csrf": _csrf(page), "email": f"{name}@example.org", "password": PASSWORD}
    assert (await client.post("/signin", data=fields)).status_code in (200, 303)


def _form(page: str, **fields: str) -> dict[str, str]:
    return {"csrf": _csrf(page), "kind": "needs", **fields}


def _file() -> dict[str, tuple[str, bytes, str]]:
    return {"file": (XLSX.name, XLSX.read_bytes(), "application/octet-stream")}


async def test_a_coordinator_dry_runs_then_imports_from_the_page(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    await _sign_in(app_client, db, Role.COORDINATOR, "coordinator_web")
    page = (await app_client.get("/coordinate/import?lang=zh")).text
    assert 'enctype="multipart/form-data"' in page
    dry = await app_client.post(
        "/coordinate/import", data=_form(page, dry_run="1", skip_invalid="1"), files=_file()
    )
    assert dry.status_code == 200, dry.text
    assert "<td>33</td>" in dry.text and "火星省" in dry.text
    assert "UNREADABLE_QUANTITY" in dry.text
    assert (await table_counts(db))["entry"] == 0
    done = await app_client.post(
        "/coordinate/import", data=_form(page, skip_invalid="1"), files=_file()
    )
    assert done.status_code == 200
    assert (await table_counts(db))["entry"] == GOOD_ENTRIES


async def test_the_page_refuses_a_form_without_its_token(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    await _sign_in(app_client, db, Role.COORDINATOR, "coordinator_forged")
    page = (await app_client.get("/coordinate/import")).text
    forged = {**_form(page), "csrf": "x" * 43}
    refused = await app_client.post("/coordinate/import", data=forged, files=_file())
    assert refused.status_code == 400
    assert (await table_counts(db))["entry"] == 0


async def test_a_volunteer_cannot_import_from_the_page(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    await _sign_in(app_client, db, Role.VOLUNTEER, "volunteer_web")
    page = (await app_client.get("/coordinate/import")).text
    assert 'type="file"' not in page
    refused = await app_client.post(
        "/coordinate/import", data=_form(page, skip_invalid="1"), files=_file()
    )
    assert refused.status_code == 400
    assert (await table_counts(db))["entry"] == 0
