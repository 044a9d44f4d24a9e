"""Organization staff: claim with evidence, a coordinator decides, staff post as their own."""

from __future__ import annotations

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import auth
from tests.helpers import HOSPITAL, REGISTER_ORGANIZATION, SUBMIT_NEED, UPDATE_NEED, need_input

CLAIM = """mutation($input: ClaimOrganizationInput!) { claimOrganization(input: $input) {
    claim { id status claimant } userErrors { field code } } }"""
DECIDE = """mutation($input: DecideOrganizationClaimInput!) {
    decideOrganizationClaim(input: $input) { claim { status decisionNote }
    userErrors { field code } } }"""
CLAIMS = "{ organizationClaims { claimant evidence status } }"


async def test_staff_claim_approval_and_self_reported_entries(
    gql: GraphQLClient, db: Database
) -> None:
    nurse, _ = await token_for(db, Role.VOLUNTEER, "head_nurse")
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coord_claims")
    org = (await gql.data(REGISTER_ORGANIZATION, {"input": HOSPITAL}))["registerOrganization"]
    org_id = org["organization"]["id"]

    empty = (
        await gql.data(CLAIM, {"input": {"organizationId": org_id, "evidence": " "}}, **auth(nurse))
    )["claimOrganization"]
    assert [(e["field"], e["code"]) for e in empty["userErrors"]] == [("evidence", "REQUIRED")]
    filed = (
        await gql.data(
            CLAIM,
            {
                "input": {
                    "organizationId": org_id,
                    "evidence": "护士长，可致电医务科 027-87654321 核实",
                }
            },
            **auth(nurse),
        )
    )["claimOrganization"]
    assert filed["claim"]["status"] == "PENDING"
    twice = (
        await gql.data(
            CLAIM, {"input": {"organizationId": org_id, "evidence": "again"}}, **auth(nurse)
        )
    )["claimOrganization"]
    assert [e["code"] for e in twice["userErrors"]] == ["NOT_ALLOWED"]
    listed = (await gql.data(CLAIMS, **auth(coordinator)))["organizationClaims"]
    assert [c["claimant"] for c in listed] == ["head_nurse"]

    approved = (
        await gql.data(
            DECIDE,
            {"input": {"claimId": filed["claim"]["id"], "approve": True, "note": "电话核实"}},
            **auth(coordinator),
        )
    )["decideOrganizationClaim"]
    assert approved["claim"]["status"] == "APPROVED"
    again = await gql.data(
        DECIDE, {"input": {"claimId": filed["claim"]["id"], "approve": False}}, **auth(coordinator)
    )
    assert [e["code"] for e in again["decideOrganizationClaim"]["userErrors"]] == ["INVALID_STATE"]

    # Staff post as their organization, and may edit its entries without the edit token.
    posted = (
        await gql.data(
            SUBMIT_NEED + "",
            {"input": need_input(organization=None, organizationId=org_id)},
            **auth(nurse),
        )
    )["submitNeed"]["need"]
    self_reported = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Need { selfReported } } }", {"id": posted["id"]}
    )
    assert self_reported["node"]["selfReported"] is True
    other = await gql.data(
        SUBMIT_NEED, {"input": need_input(organization=None, organizationId=org_id)}
    )
    other_id = other["submitNeed"]["need"]["id"]
    edited = await gql.data(
        UPDATE_NEED, {"input": {"id": other_id, "version": 1, "urgency": "LOW"}}, **auth(nurse)
    )
    assert edited["updateNeed"]["need"]["urgency"] == "LOW"
    org_now = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Organization { verificationStatus } } }",
        {"id": org_id},
    )
    assert org_now["node"]["verificationStatus"] == "VERIFIED"


async def test_refused_claims_make_no_member(gql: GraphQLClient, db: Database) -> None:
    stranger, _ = await token_for(db, Role.VOLUNTEER, "stranger")
    coordinator, _ = await token_for(db, Role.COORDINATOR, "coord_refuse")
    org_id = (await gql.data(REGISTER_ORGANIZATION, {"input": HOSPITAL}))["registerOrganization"][
        "organization"
    ]["id"]
    need = await gql.data(
        SUBMIT_NEED, {"input": need_input(organization=None, organizationId=org_id)}
    )
    claim = (
        await gql.data(
            CLAIM, {"input": {"organizationId": org_id, "evidence": "trust me"}}, **auth(stranger)
        )
    )["claimOrganization"]["claim"]
    await gql.data(
        DECIDE, {"input": {"claimId": claim["id"], "approve": False}}, **auth(coordinator)
    )
    refused = await gql.post(
        UPDATE_NEED,
        {"input": {"id": need["submitNeed"]["need"]["id"], "version": 1, "urgency": "LOW"}},
        **auth(stranger),
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
