"""Sign-up, sign-in, sessions, API tokens and roles over GraphQL."""

from __future__ import annotations

import httpx
import pytest

from hub.domain.accounts import Role, TokenScope, Viewer
from hub.services.accounts import create_api_token, create_user
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, UPDATE_NEED, need_input

SIGN_UP = """mutation($input: SignUpInput!) { signUp(input: $input) {
    user { id handle email role approved } userErrors { field code message } } }"""
SIGN_IN = """mutation($input: SignInInput!) { signIn(input: $input) {
    user { handle role } userErrors { field code } } }"""
ME = "{ me { handle role email } }"
CREATE_TOKEN = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
    token apiToken { id name scope revokedAt } userErrors { field code } } }"""
SET_ROLE = """mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) {
    user { handle role } userErrors { field code } } }"""
PASSWORD = "correct horse battery"


def sign_up_input(**changes: str) -> dict[str, dict[str, str]]:
    value = {"email": "nurse@example.org", "handle": "nurse_li", "password": PASSWORD}
    value.update(changes)
    return {"input": value}


async def token_for(
    db: Database, role: Role, name: str, scope: TokenScope = TokenScope.WRITE
) -> tuple[str, str]:
    """A user of `role` and a bearer token for them; returns (token, user id)."""
    outcome = await create_user(db, f"{name}@example.org", name, PASSWORD, role)
    assert outcome.value is not None
    user = outcome.value
    viewer = Viewer(user.id, user.handle, user.role, user.approved)
    issued = await create_api_token(db, viewer, "test", scope)
    assert issued.value is not None
    from hub.graphql.ids import to_global_id

    return issued.value[0], to_global_id("User", user.id)


async def test_sign_up_sign_out_and_sign_in_with_a_cookie(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    signed_up = (await gql.data(SIGN_UP, sign_up_input()))["signUp"]
    assert signed_up["userErrors"] == []
    assert signed_up["user"]["role"] == "VOLUNTEER"
    assert signed_up["user"]["approved"] is False
    cookie = app_client.cookies.get("hub_session")
    assert cookie
    assert (await gql.data(ME))["me"]["handle"] == "nurse_li"

    await gql.data("mutation { signOut { signedOut } }")
    assert (await gql.data(ME))["me"] is None
    # The old session is gone on the server too, not only in this browser.
    app_client.cookies.set("hub_session", cookie)
    assert (await gql.data(ME))["me"] is None
    app_client.cookies.clear()

    wrong = (
        await gql.data(
            SIGN_IN, {"input": {"email": "nurse@example.org", "password": "not it at all"}}
        )
    )["signIn"]
    assert [(e["field"], e["code"]) for e in wrong["userErrors"]] == [
        ("email", "INVALID_CREDENTIALS")
    ]
    unknown = (
        await gql.data(SIGN_IN, {"input": {"email": "who@example.org", "password": PASSWORD}})
    )["signIn"]
    assert unknown["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    right = (
        await gql.data(SIGN_IN, {"input": {"email": "NURSE@example.org", "password": PASSWORD}})
    )["signIn"]
    assert right["user"]["handle"] == "nurse_li"
    assert (await gql.data(ME))["me"]["email"] == "nurse@example.org"


async def test_session_cookie_is_http_only(app_client: httpx.AsyncClient) -> None:
    response = await app_client.post(
        "/graphql", json={"query": SIGN_UP, "variables": sign_up_input()}
    )
    header = response.headers["set-cookie"].lower()
    assert "httponly" in header
    assert "samesite=lax" in header


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"email": "nurse@example.org"}, "email", "EMAIL_TAKEN"),
        ({"email": "other@example.org", "handle": "NURSE_LI"}, "handle", "HANDLE_TAKEN"),
        (
            {"email": "other@example.org", "handle": "x2", "password": "short"},
            "password",
            "WEAK_PASSWORD",
        ),
        ({"email": "not-an-address", "handle": "x3"}, "email", "INVALID_FORMAT"),
    ],
)
async def test_sign_up_user_errors(
    gql: GraphQLClient, changes: dict[str, str], field: str, code: str
) -> None:
    await gql.data(SIGN_UP, sign_up_input())
    await gql.data("mutation { signOut { signedOut } }")
    result = (await gql.data(SIGN_UP, sign_up_input(**changes)))["signUp"]
    assert result["user"] is None
    assert (field, code) in [(e["field"], e["code"]) for e in result["userErrors"]]


async def test_api_tokens_read_write_and_revoked(gql: GraphQLClient, db: Database) -> None:
    await gql.data(SIGN_UP, sign_up_input())
    made = (await gql.data(CREATE_TOKEN, {"input": {"name": "dashboard", "scope": "READ"}}))[
        "createApiToken"
    ]
    read_token = made["token"]
    assert read_token.startswith("hub_")
    assert made["apiToken"]["scope"] == "READ"
    await gql.data("mutation { signOut { signedOut } }")

    bearer = {"Authorization": f"Bearer {read_token}"}
    assert (await gql.data(ME, **bearer))["me"]["handle"] == "nurse_li"
    refused = await gql.post(SUBMIT_NEED, {"input": need_input()}, **bearer)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    await gql.data(SIGN_IN, {"input": {"email": "nurse@example.org", "password": PASSWORD}})
    revoked = await gql.data(
        "mutation($id: ID!) { revokeApiToken(id: $id) { revoked userErrors { code } } }",
        {"id": made["apiToken"]["id"]},
    )
    assert revoked["revokeApiToken"]["revoked"] is True
    await gql.data("mutation { signOut { signedOut } }")
    after = await gql.post(ME, **bearer)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    garbage = await gql.post(ME, Authorization="Bearer hub_nonsense")
    assert garbage["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_roles_are_granted_by_those_above(gql: GraphQLClient, db: Database) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coord")
    admin, _ = await token_for(db, Role.ADMIN, "admin")
    _, volunteer_id = await token_for(db, Role.VOLUNTEER, "vol")
    as_coordinator = {"Authorization": f"Bearer {coordinator}"}
    made_reviewer = (
        await gql.data(SET_ROLE, {"u": volunteer_id, "r": "REVIEWER"}, **as_coordinator)
    )["setUserRole"]
    assert made_reviewer["user"]["role"] == "REVIEWER"
    refused = (await gql.data(SET_ROLE, {"u": volunteer_id, "r": "COORDINATOR"}, **as_coordinator))[
        "setUserRole"
    ]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("role", "NOT_ALLOWED")]
    made_coordinator = (
        await gql.data(
            SET_ROLE, {"u": volunteer_id, "r": "COORDINATOR"}, Authorization=f"Bearer {admin}"
        )
    )["setUserRole"]
    assert made_coordinator["user"]["role"] == "COORDINATOR"
    approved = await gql.data(
        "mutation($u: ID!) { approveUser(userId: $u) { user { approved } } }",
        {"u": volunteer_id},
        **as_coordinator,
    )
    assert approved["approveUser"]["user"]["approved"] is True


async def test_signed_in_author_and_coordinators_may_edit_without_the_token(
    gql: GraphQLClient, db: Database
) -> None:
    author, _ = await token_for(db, Role.VOLUNTEER, "author")
    other, _ = await token_for(db, Role.REVIEWER, "other")
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coordinator2")
    need = (await gql.data(SUBMIT_NEED, {"input": need_input()}, Authorization=f"Bearer {author}"))[
        "submitNeed"
    ]["need"]
    change = {"input": {"id": need["id"], "version": 1, "urgency": "LOW"}}
    by_author = await gql.data(UPDATE_NEED, change, Authorization=f"Bearer {author}")
    assert by_author["updateNeed"]["need"]["version"] == 2
    by_other = await gql.post(
        UPDATE_NEED, {"input": {**change["input"], "version": 2}}, Authorization=f"Bearer {other}"
    )
    assert by_other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    by_coordinator = await gql.data(
        UPDATE_NEED,
        {"input": {**change["input"], "version": 2}},
        Authorization=f"Bearer {coordinator}",
    )
    assert by_coordinator["updateNeed"]["need"]["version"] == 3
