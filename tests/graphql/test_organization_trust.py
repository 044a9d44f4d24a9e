"""Issue 14: nobody changes a verified organization under its badge, or borrows the badge.

Before, the organization shared the edit token of the entry that first named it, so whoever
first typed a hospital's name could later change its name, website and phone while it showed
VERIFIED; and any anonymous entry attached to it by id showed the verified organization.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.domain.accounts import Role
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_members import CLAIM as CLAIM_ORGANIZATION
from tests.graphql.test_members import DECIDE
from tests.graphql.test_reviews import CLAIM, auth, verify
from tests.helpers import need_input

SUBMIT = """mutation($input: SubmitNeedInput!) { submitNeed(input: $input) {
    need { id organization { id } } editToken userErrors { field code } } }"""
UPDATE = """mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
    organization { name website verificationStatus version } userErrors { field code } } }"""
VERIFY = """mutation($input: VerifyOrganizationInput!) { verifyOrganization(input: $input) {
    organization { verificationStatus } userErrors { field code } } }"""
ORGANIZATION = """query($id: ID!) { node(id: $id) { ... on Organization {
    name website verificationStatus version } } }"""
# Compiled (organization only) and strawberry (with the reviewer-only field).
ENTRY_ORGANIZATION = [
    "query($id: ID!) { node(id: $id) { ... on Need { organization { name verificationStatus } "
    "} } }",
    "query($id: ID!) { node(id: $id) { ... on Need { organization { name verificationStatus } "
    "unconfirmedOrganization { name } } } }",
]


async def _verified_hospital(gql: GraphQLClient, db: Database) -> tuple[str, str, str]:
    """An anonymous first entry registers the hospital; its staff get it verified. Returns the
    organization's id, the first entry's edit token and a staff member's bearer token."""
    first = (await gql.data(SUBMIT, {"input": need_input()}))["submitNeed"]
    organization_id = first["need"]["organization"]["id"]
    staff, _ = await token_for(db, Role.VOLUNTEER, "hospital_staff")
    coordinator, _ = await token_for(db, Role.COORDINATOR, "org_coordinator")
    claim = (
        await gql.data(
            CLAIM_ORGANIZATION,
            {"input": {"organizationId": organization_id, "evidence": "医务科，工号 1024"}},
            **auth(staff),
        )
    )["claimOrganization"]["claim"]
    await gql.data(
        DECIDE, {"input": {"claimId": claim["id"], "approve": True}}, **auth(coordinator)
    )
    return organization_id, first["editToken"], staff


async def _organization(gql: GraphQLClient, organization_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(ORGANIZATION, {"id": organization_id}))["node"]
    return found


async def test_the_first_entrys_token_no_longer_opens_a_verified_organization(
    gql: GraphQLClient, db: Database
) -> None:
    first = (await gql.data(SUBMIT, {"input": need_input()}))["submitNeed"]
    organization_id = first["need"]["organization"]["id"]
    # While unverified, the token that registered it still corrects it.
    change = {"id": organization_id, "version": 1, "editToken": first["editToken"]}
    fixed = await gql.data(UPDATE, {"input": {**change, "name": "武汉市第七医院（本部）"}})
    assert fixed["updateOrganization"]["userErrors"] == []

    organization_id, token, _staff = await _verified_hospital(gql, db)
    before = await _organization(gql, organization_id)
    assert before["verificationStatus"] == "VERIFIED"
    hijack = {
        "id": organization_id,
        "version": before["version"],
        "editToken": token,
        "name": "武汉市第七医院",
        "website": "https://scam.example.com",
    }
    refused = await gql.post(UPDATE, {"input": hijack})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await _organization(gql, organization_id) == before


async def test_a_staff_edit_of_a_verified_organization_goes_back_to_review(
    gql: GraphQLClient, db: Database
) -> None:
    organization_id, _token, staff = await _verified_hospital(gql, db)
    reviewer, _ = await token_for(db, Role.REVIEWER, "org_reviewer")
    version = (await _organization(gql, organization_id))["version"]
    edit = {"id": organization_id, "version": version, "website": "https://new.example.cn"}
    edited = (await gql.data(UPDATE, {"input": edit}, **auth(staff)))["updateOrganization"]
    assert edited["userErrors"] == []
    assert edited["organization"]["verificationStatus"] == "PENDING"
    public = await _organization(gql, organization_id)
    assert public["website"] == "https://new.example.cn"
    assert public["verificationStatus"] == "PENDING"

    # A reviewer vouches for it again, for the version they checked.
    verify_input = {"id": organization_id, "version": public["version"]}
    stale = (await gql.data(VERIFY, {"input": {**verify_input, "version": 1}}, **auth(reviewer)))[
        "verifyOrganization"
    ]
    assert [e["code"] for e in stale["userErrors"]] == ["CONFLICT"]
    done = (await gql.data(VERIFY, {"input": verify_input}, **auth(reviewer)))["verifyOrganization"]
    assert done == {"organization": {"verificationStatus": "VERIFIED"}, "userErrors": []}
    again = (await gql.data(VERIFY, {"input": verify_input}, **auth(reviewer)))[
        "verifyOrganization"
    ]
    assert [e["code"] for e in again["userErrors"]] == ["INVALID_STATE"]
    refused = await gql.post(VERIFY, {"input": verify_input}, **auth(staff))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # not a reviewer at all


async def test_staff_who_review_may_not_verify_their_own_organization(
    gql: GraphQLClient, db: Database
) -> None:
    organization_id, _token, staff = await _verified_hospital(gql, db)
    staff_reviewer, _ = await token_for(db, Role.REVIEWER, "staff_reviewer")
    coordinator, _ = await token_for(db, Role.COORDINATOR, "second_coordinator")
    claim = (
        await gql.data(
            CLAIM_ORGANIZATION,
            {"input": {"organizationId": organization_id, "evidence": "信息科"}},
            **auth(staff_reviewer),
        )
    )["claimOrganization"]["claim"]
    await gql.data(
        DECIDE, {"input": {"claimId": claim["id"], "approve": True}}, **auth(coordinator)
    )
    version = (await _organization(gql, organization_id))["version"]
    edit = {"id": organization_id, "version": version, "name": "武汉市第七医院（新院区）"}
    edited = (await gql.data(UPDATE, {"input": edit}, **auth(staff)))["updateOrganization"]
    assert edited["organization"]["verificationStatus"] == "PENDING"
    own = (
        await gql.data(
            VERIFY,
            {"input": {"id": organization_id, "version": version + 1}},
            **auth(staff_reviewer),
        )
    )["verifyOrganization"]
    assert [e["code"] for e in own["userErrors"]] == ["NOT_INDEPENDENT"]
    assert (await _organization(gql, organization_id))["verificationStatus"] == "PENDING"


@pytest.mark.parametrize("document", ENTRY_ORGANIZATION, ids=["compiled", "strawberry"])
async def test_an_entry_attached_by_id_does_not_borrow_the_badge(
    gql: GraphQLClient, db: Database, document: str
) -> None:
    organization_id, _token, staff = await _verified_hospital(gql, db)
    reviewer, _ = await token_for(db, Role.REVIEWER, "badge_reviewer")
    attached = need_input(organization=None, organizationId=organization_id)
    scam = (await gql.data(SUBMIT, {"input": attached}))["submitNeed"]["need"]
    public = (await gql.data(document, {"id": scam["id"]}))["node"]
    assert public["organization"] is None
    if "unconfirmedOrganization" in document:
        assert public["unconfirmedOrganization"] is None
        seen = (await gql.data(document, {"id": scam["id"]}, **auth(reviewer)))["node"]
        assert seen["unconfirmedOrganization"] == {"name": "武汉市第七医院"}
        assert seen["organization"] is None

    # Posted by the organization's own staff, or verified by a reviewer: it shows.
    own = (await gql.data(SUBMIT, {"input": attached}, **auth(staff)))["submitNeed"]["need"]
    shown = {"name": "武汉市第七医院", "verificationStatus": "VERIFIED"}
    assert (await gql.data(document, {"id": own["id"]}))["node"]["organization"] == shown
    await gql.data(CLAIM, {"e": scam["id"]}, **auth(reviewer))
    await verify(gql, reviewer, scam["id"])
    assert (await gql.data(document, {"id": scam["id"]}))["node"]["organization"] == shown
