"""Accounts under abuse (issue 14): sessions idle out and are capped, everyone's sessions can be
ended at once, API tokens expire, and sign-up does the same work whether or not the e-mail
address is taken."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

import hub.services.passwords as passwords
from hub.settings import Settings
from hub.store.db import Database
from hub.store.migrate import load_migrations, migrate
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import ME, PASSWORD, SIGN_IN, SIGN_UP, sign_up_input

SIGN_IN_NURSE = {"input": {"email": "nurse@example.org", "password": PASSWORD}}
CREATE_TOKEN_EXPIRING = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
    token apiToken { id expiresAt } userErrors { field code } } }"""


@pytest.fixture
def settings(fresh_dsn: str) -> Settings:
    """Two sessions per user at most, so that the cap shows in a short test."""
    return Settings(
        database_url=fresh_dsn, default_language="en", max_body_bytes=64 * 1024, max_sessions=2
    )


async def _sign_in(gql: GraphQLClient, app_client: httpx.AsyncClient) -> str:
    """A new session's cookie (the client's jar is emptied first)."""
    app_client.cookies.clear()
    signed = await gql.data(SIGN_IN, SIGN_IN_NURSE)
    assert signed["signIn"]["userErrors"] == []
    cookie = app_client.cookies.get("hub_session")
    assert cookie
    return cookie


async def _me(gql: GraphQLClient, app_client: httpx.AsyncClient, cookie: str) -> str | None:
    app_client.cookies.clear()
    app_client.cookies.set("hub_session", cookie)
    me = (await gql.data(ME))["me"]
    return None if me is None else str(me["handle"])


async def test_a_session_unused_for_the_idle_time_ends(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    await gql.data(SIGN_UP, sign_up_input())
    cookie = app_client.cookies.get("hub_session")
    assert cookie
    assert await _me(gql, app_client, cookie) == "nurse_li"
    # Used 23 hours ago: still alive, and marked used again.
    async with db.connection() as conn:
        await conn.execute("UPDATE user_session SET last_seen_at = now() - interval '23 hours'")
    assert await _me(gql, app_client, cookie) == "nurse_li"
    async with db.connection() as conn:
        seen = await conn.fetchval("SELECT last_seen_at FROM user_session")
    assert datetime.now(UTC) - seen < timedelta(minutes=5)
    # The hole: a session lived its whole 30 days however long it lay unused.
    async with db.connection() as conn:
        await conn.execute("UPDATE user_session SET last_seen_at = now() - interval '25 hours'")
    assert await _me(gql, app_client, cookie) is None


async def test_signing_in_ends_the_least_recently_used_sessions_beyond_the_cap(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    await gql.data(SIGN_UP, sign_up_input())
    first = app_client.cookies.get("hub_session")
    assert first
    second = await _sign_in(gql, app_client)
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE user_session SET last_seen_at = now() - interval '1 hour' "
            "WHERE created_at = (SELECT min(created_at) FROM user_session)"
        )
    third = await _sign_in(gql, app_client)
    # At most two sessions: the one used longest ago ended.
    assert await _me(gql, app_client, first) is None
    assert await _me(gql, app_client, second) == "nurse_li"
    assert await _me(gql, app_client, third) == "nurse_li"
    async with db.connection() as conn:
        assert await conn.fetchval("SELECT count(*) FROM user_session") == 2


async def test_sign_out_everywhere_ends_every_session(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    anonymous = await gql.post("mutation { signOutEverywhere { sessionsEnded } }")
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await gql.data(SIGN_UP, sign_up_input())
    phone = app_client.cookies.get("hub_session")
    assert phone
    laptop = await _sign_in(gql, app_client)
    ended = await gql.data("mutation { signOutEverywhere { sessionsEnded } }")
    assert ended["signOutEverywhere"]["sessionsEnded"] == 2
    assert await _me(gql, app_client, phone) is None
    assert await _me(gql, app_client, laptop) is None
    async with db.connection() as conn:
        action = await conn.fetchval(
            "SELECT action FROM audit_log WHERE action = 'user.signed_out_everywhere'"
        )
    assert action == "user.signed_out_everywhere"


async def test_api_tokens_expire(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    await gql.data(SIGN_UP, sign_up_input())
    default = (await gql.data(CREATE_TOKEN_EXPIRING, {"input": {"name": "dashboard"}}))[
        "createApiToken"
    ]
    expires = datetime.fromisoformat(default["apiToken"]["expiresAt"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=90))) < timedelta(minutes=5)
    too_long = (
        await gql.data(CREATE_TOKEN_EXPIRING, {"input": {"name": "x", "expiresInDays": 91}})
    )["createApiToken"]
    assert too_long["token"] is None
    assert [(e["field"], e["code"]) for e in too_long["userErrors"]] == [
        ("expiresInDays", "OUT_OF_RANGE")
    ]
    zero = (await gql.data(CREATE_TOKEN_EXPIRING, {"input": {"name": "x", "expiresInDays": 0}}))[
        "createApiToken"
    ]
    assert zero["userErrors"][0]["code"] == "OUT_OF_RANGE"
    short = (
        await gql.data(CREATE_TOKEN_EXPIRING, {"input": {"name": "script", "expiresInDays": 1}})
    )["createApiToken"]
    assert short["userErrors"] == []
    app_client.cookies.clear()
    bearer = {"Authorization": f"Bearer {short['token']}"}
    assert (await gql.data(ME, **bearer))["me"]["handle"] == "nurse_li"
    # The hole: a token worked forever. Past its expiry it is refused.
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE api_token SET expires_at = now() - interval '1 second' WHERE name = 'script'"
        )
    expired = await gql.post(ME, **bearer)
    assert expired["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await gql.data(ME, Authorization=f"Bearer {default['token']}"))["me"] is not None


async def test_tokens_issued_before_the_migration_expire_ninety_days_after_it(
    empty_dsn: str,
) -> None:
    migrations = load_migrations()
    before = [m for m in migrations if m.version < 24]
    conn = await asyncpg.connect(empty_dsn)
    try:
        await migrate(conn, before)
        await conn.execute(
            "INSERT INTO app_user (id, email, handle, password_hash) "
            "VALUES ('00000000-0000-0000-0000-000000000001', 'a@example.org', 'a', 'x')"
        )
        await conn.execute(
            "INSERT INTO api_token (id, user_id, name, token_hash, scope) VALUES "
            "('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', "
            "'old', '\\x00', 'READ')"
        )
        await migrate(conn, migrations)
        left = await conn.fetchval("SELECT expires_at - now() FROM api_token")
    finally:
        await conn.close()
    assert timedelta(days=89) < left <= timedelta(days=90)


async def test_sign_up_does_the_same_work_whether_or_not_the_email_is_taken(
    gql: GraphQLClient, app_client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await gql.data(SIGN_UP, sign_up_input())
    app_client.cookies.clear()
    hashed: list[str] = []
    real = passwords.hash_password

    def counting(password: str) -> str:
        hashed.append(password)
        return real(password)

    # Hashes run on the hashing pool, which calls the module's function.
    monkeypatch.setattr(passwords, "hash_password", counting)
    fresh = (await gql.data(SIGN_UP, sign_up_input(email="new@example.org", handle="new_one")))[
        "signUp"
    ]
    assert fresh["userErrors"] == []
    app_client.cookies.clear()
    taken = (await gql.data(SIGN_UP, sign_up_input(handle="another_one")))["signUp"]
    assert taken["user"] is None
    # Both paths pay for one argon2 hash before the database is asked about the address.
    assert len(hashed) == 2
