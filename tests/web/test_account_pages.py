"""Account administration on the pages: coordinators approve sign-ups and change roles."""

from __future__ import annotations

import re

import httpx

from hub.domain.accounts import Role
from hub.services.accounts import create_user
from hub.store.db import Database
from tests.graphql.test_accounts import PASSWORD, token_for


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def _sign_in(app_client: httpx.AsyncClient, email: str) -> None:
    page = (await app_client.get("/signin")).text
    fields = {"csrf": _csrf(page), "email": email, "password": PASSWORD}
    assert (await app_client.post("/signin", data=fields)).status_code == 303


def _user_id(page: str, handle: str) -> str:
    row = page.split(f'<span class="row-title">{handle}</span>', 1)[1]
    found = re.search(r'name="user" value="([^"]+)"', row)
    assert found, f"no form for {handle}"
    return found.group(1)


def _pending(page: str) -> str:
    """The section of accounts waiting for approval (the page is in English)."""
    return page.split("Waiting for approval", 1)[1].split("Every account", 1)[0]


async def test_a_coordinator_approves_a_sign_up_and_makes_it_a_reviewer(
    app_client: httpx.AsyncClient, db: Database
) -> None:
    created = await create_user(db, "newcomer@example.org", "newcomer", PASSWORD, Role.VOLUNTEER)
    assert created.value is not None
    # Volunteers see no account, only the sign-in hint.
    await token_for(db, Role.VOLUNTEER, "vol_wu")
    await _sign_in(app_client, "vol_wu@example.org")
    refused = (await app_client.get("/coordinate/accounts")).text
    assert "newcomer@example.org" not in refused
    assert 'href="/signin"' in refused.split("<main", 1)[1]

    await token_for(db, Role.COORDINATOR, "coord_he")
    await _sign_in(app_client, "coord_he@example.org")
    page = (await app_client.get("/coordinate/accounts", params={"lang": "en"})).text
    assert "newcomer@example.org" in _pending(page)
    # A coordinator is offered only the roles below their own.
    assert '<option value="ADMIN"' not in page and '<option value="REVIEWER"' in page
    user = _user_id(page, "newcomer")

    done = await app_client.post(
        "/coordinate/accounts/approve", data={"csrf": _csrf(page), "user": user}
    )
    assert done.status_code == 200 and 'role="status"' in done.text
    assert "newcomer@example.org" not in _pending(done.text)
    done = await app_client.post(
        "/coordinate/accounts/role", data={"csrf": _csrf(page), "user": user, "role": "REVIEWER"}
    )
    assert 'role="status"' in done.text
    # Asking for more than a coordinator may grant: the API's refusal, and no change.
    refused_role = await app_client.post(
        "/coordinate/accounts/role", data={"csrf": _csrf(page), "user": user, "role": "ADMIN"}
    )
    assert 'role="alert"' in refused_role.text
    # A forged form (no CSRF token) changes nothing.
    forged = await app_client.post(
        "/coordinate/accounts/role", data={"user": user, "role": "VOLUNTEER"}
    )
    assert 'role="alert"' in forged.text

    async with db.connection() as conn:
        row = await conn.fetchrow(
            "SELECT role, approved_at IS NOT NULL AS approved FROM app_user WHERE handle = $1",
            "newcomer",
        )
        trail = await conn.fetch(
            "SELECT action, actor_label FROM audit_log WHERE subject_id = $1 ORDER BY seq",
            created.value.id,
        )
    assert (row["role"], row["approved"]) == ("REVIEWER", True)
    assert [(r["action"], r["actor_label"]) for r in trail] == [
        ("user.created", "newcomer"),
        ("user.approved", "coord_he"),
        ("user.role_changed", "coord_he"),
    ]
