"""Organizations submitted again are reused, near ones offered, copies merged (issue 17)."""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from hub.domain.accounts import Role
from hub.graphql.ids import expect_global_id
from hub.services.audit import verify_chain
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.graphql.test_reviews import auth
from tests.helpers import NEED, OFFER

SUBMIT = """mutation($input: SubmitNeedInput!) { submitNeed(input: $input) {
    need { id organization { id name } contacts { name phone } }
    editToken organizationReused userErrors { field code } } }"""
REGISTER = """mutation($input: OrganizationInput!) { registerOrganization(input: $input) {
    organization { id name version } editToken reusedExisting
    similarOrganizations { id name } userErrors { field code } } }"""
UPDATE = """mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
    organization { id name } userErrors { field code } } }"""
COUNT = """query($name: String) { organizations(filter: { nameContains: $name }) {
    totalCount edges { node { id name } } } }"""
SIMILAR = """query($name: String!, $province: String!, $city: String) {
    similarOrganizations(name: $name, province: $province, city: $city) { id name } }"""
MERGE = """mutation($from: ID!, $into: ID!) { mergeOrganizations(fromId: $from, intoId: $into) {
    organization { id name contacts { phone } } userErrors { field code } } }"""
ORG = """query($id: ID!) { node(id: $id) { ... on Organization { id mergedInto } } }"""
DUPES = """query($id: ID!) { node(id: $id) { ... on Offer {
    possibleDuplicates { score entry { id } } } } }"""

HOSPITAL: dict[str, Any] = {
    "name": "武汉市汉口医院",
    "kind": "HOSPITAL",
    "region": {"province": "湖北省", "city": "武汉市"},
    "contacts": [{"name": "总值班", "phone": "027-80000001", "visibility": "PUBLIC"}],
}


def need_with(organization: dict[str, Any]) -> dict[str, Any]:
    need = copy.deepcopy(NEED)
    need["organization"] = organization
    return need


async def submit(gql: GraphQLClient, organization: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(SUBMIT, {"input": need_with(organization)}))[
        "submitNeed"
    ]
    assert result["userErrors"] == []
    return result


async def count(gql: GraphQLClient, name: str) -> int:
    found: int = (await gql.data(COUNT, {"name": name}))["organizations"]["totalCount"]
    return found


async def test_twelve_submissions_of_one_organization_make_one(gql: GraphQLClient) -> None:
    """The probe of issue 17 made 12 copies; spacing, full-width brackets and case are the
    same name."""
    spellings = ["武汉市汉口医院", " 武汉市汉口医院 ", "武汉市 汉口医院", "武汉市汉口医院。"]
    results = [
        await submit(gql, {**HOSPITAL, "name": spellings[n % len(spellings)]}) for n in range(12)
    ]
    ids = {r["need"]["organization"]["id"] for r in results}
    assert len(ids) == 1
    assert [r["organizationReused"] for r in results] == [False] + [True] * 11
    assert await count(gql, "汉口医院") == 1


async def test_reuse_gives_the_submitter_no_rights_over_the_organization(
    gql: GraphQLClient,
) -> None:
    first = await submit(gql, HOSPITAL)
    organization = first["need"]["organization"]["id"]
    # The one who registered it (with the first entry) may still edit it with that token.
    again = await submit(
        gql,
        {**HOSPITAL, "contacts": [{"name": "李医生", "phone": "13800009999"}]},
    )
    assert again["organizationReused"] is True
    # The second submitter's token opens the entry, not the organization it reused.
    result = await gql.post(
        UPDATE,
        {"input": {"id": organization, "version": 1, "editToken": again["editToken"],
                   "name": "被改掉的名字"}},
    )  # fmt: skip
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # What the second submitter said that the organization lacks is on their entry: not lost.
    carried = [(c["name"], c["phone"]) for c in again["need"]["contacts"]]
    assert ("李**", "138****9999") in carried  # (protected: masked for the public)
    owner = await gql.data(
        UPDATE,
        {"input": {"id": organization, "version": 1, "editToken": first["editToken"],
                   "address": "汉口"}},
    )  # fmt: skip
    assert owner["updateOrganization"]["userErrors"] == []


async def test_register_organization_reuses_the_exact_match_and_offers_near_ones(
    gql: GraphQLClient,
) -> None:
    refused = (await gql.data(REGISTER, {"input": {**HOSPITAL, "name": " "}}))[
        "registerOrganization"
    ]
    assert refused["userErrors"] and refused["organization"] is None
    assert (refused["reusedExisting"], refused["similarOrganizations"]) == (False, [])
    first = (await gql.data(REGISTER, {"input": HOSPITAL}))["registerOrganization"]
    assert (first["reusedExisting"], first["similarOrganizations"]) == (False, [])
    assert first["editToken"]
    again = (await gql.data(REGISTER, {"input": HOSPITAL}))["registerOrganization"]
    assert again["reusedExisting"] is True
    assert again["editToken"] is None
    assert again["organization"]["id"] == first["organization"]["id"]
    # A near match (武汉X for 武汉市X) is registered, and the first one offered.
    near = (await gql.data(REGISTER, {"input": {**HOSPITAL, "name": "武汉汉口医院"}}))[
        "registerOrganization"
    ]
    assert near["reusedExisting"] is False
    assert [o["id"] for o in near["similarOrganizations"]] == [first["organization"]["id"]]
    # Another city's hospital of the same name is another hospital.
    elsewhere = {**HOSPITAL, "region": {"province": "湖北省", "city": "孝感市"}}
    other = (await gql.data(REGISTER, {"input": elsewhere}))["registerOrganization"]
    assert other["reusedExisting"] is False
    assert other["similarOrganizations"] == []
    offered = await gql.data(
        SIMILAR, {"name": "武汉市汉口医院", "province": "湖北", "city": "武汉市"}
    )
    assert {o["name"] for o in offered["similarOrganizations"]} == {
        "武汉市汉口医院",
        "武汉汉口医院",
    }
    assert (await gql.data(SIMILAR, {"name": "武汉市第四医院", "province": "湖北省"}))[
        "similarOrganizations"
    ] == []


async def test_a_coordinator_merges_an_organization_registered_twice(
    gql: GraphQLClient, db: Database
) -> None:
    coordinator, _ = await token_for(db, Role.COORDINATOR, "cora")
    reviewer, _ = await token_for(db, Role.REVIEWER, "rex")
    kept = await submit(gql, HOSPITAL)
    copy_ = await submit(
        gql,
        {**HOSPITAL, "name": "武汉汉口医院",
         "contacts": [{"name": "院办", "phone": "027-80000002", "visibility": "PUBLIC"}]},
    )  # fmt: skip
    into = kept["need"]["organization"]["id"]
    merged = copy_["need"]["organization"]["id"]
    assert into != merged
    variables = {"from": merged, "into": into}
    _, staff_id = await token_for(db, Role.VOLUNTEER, "stan")
    staff = str(expect_global_id(staff_id, "User"))
    merged_uuid = expect_global_id(merged, "Organization")
    into_uuid = expect_global_id(into, "Organization")
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO organization_member (organization_id, user_id) VALUES ($1, $2)",
            merged_uuid,
            UUID(staff),
        )

    anonymous = await gql.post(MERGE, variables)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    by_reviewer = await gql.post(MERGE, variables, **auth(reviewer))
    assert by_reviewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    result = (await gql.data(MERGE, variables, **auth(coordinator)))["mergeOrganizations"]
    assert result["userErrors"] == []
    assert result["organization"]["id"] == into
    # The copy's phone the kept one lacked moved with it.
    assert {c["phone"] for c in result["organization"]["contacts"]} >= {
        "027-8000 0001",
        "027-8000 0002",
    }
    assert (await gql.data(ORG, {"id": merged}))["node"]["mergedInto"] == into
    moved = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Need { organization { id } } } }",
        {"id": copy_["need"]["id"]},
        **auth(coordinator),
    )
    assert moved["node"]["organization"]["id"] == into
    assert await count(gql, "汉口医院") == 1  # the copy leaves the directory
    async with db.connection() as conn:
        staff_of = await conn.fetch(
            "SELECT organization_id FROM organization_member WHERE user_id = $1", UUID(staff)
        )
        kept_audit = await conn.fetchval(
            "SELECT changes FROM audit_log WHERE action = 'organization.merge_kept'"
        )
    assert [r["organization_id"] for r in staff_of] == [into_uuid]
    assert staff in str(kept_audit)  # the staff who moved are named on the trail
    # A new entry naming the copy by id is posted under the one kept.
    later = await gql.data(SUBMIT, {"input": {**copy.deepcopy(NEED), "organizationId": merged}})
    assert later["submitNeed"]["need"]["organization"]["id"] == into

    async def errors(variables: dict[str, str]) -> list[tuple[str, str]]:
        answer = (await gql.data(MERGE, variables, **auth(coordinator)))["mergeOrganizations"]
        return [(e["field"], e["code"]) for e in answer["userErrors"]]

    assert await errors(variables) == [("fromId", "INVALID_STATE")]
    assert await errors({"from": into, "into": into}) == [("fromId", "INVALID_COMBINATION")]
    assert await errors({"from": "junk", "into": into}) == [("fromId", "INVALID_ID")]

    # On the audit trail, and the trail still verifies.
    async with db.connection() as conn:
        actions = await conn.fetch(
            "SELECT action, subject_id FROM audit_log WHERE action LIKE '%merge%' ORDER BY seq"
        )
    merged_uuid, into_uuid = (
        expect_global_id(merged, "Organization"),
        expect_global_id(into, "Organization"),
    )
    assert [(a["action"], a["subject_id"]) for a in actions] == [
        ("entry.organization_merged", UUID(str(expect_global_id(copy_["need"]["id"], "Need")))),
        ("organization.merged", merged_uuid),
        ("organization.merge_kept", into_uuid),
    ]
    assert (await verify_chain(db)).intact


async def test_the_same_phone_finds_a_repeat_with_a_mistyped_province(
    gql: GraphQLClient, db: Database
) -> None:
    reviewer, _ = await token_for(db, Role.REVIEWER, "vera")
    factory = {"name": "仙桃振德医疗用品有限公司", "kind": "FACTORY"}
    first_input = {
        **copy.deepcopy(OFFER),
        "providerName": None,
        "organization": {**factory, "region": {"province": "湖北省", "city": "仙桃市"}},
        "region": {"province": "湖北省", "city": "仙桃市"},
        "contacts": [{"phone": "13800001213"}],
    }
    mistyped = {
        **first_input,
        "organization": {**factory, "region": {"province": "湖南省"}},
        "region": {"province": "湖南省"},
        "contacts": [{"phone": "+86 138 0000 1213"}],
    }
    offer = """mutation($input: SubmitOfferInput!) { submitOffer(input: $input) {
        offer { id } userErrors { field code } } }"""
    first = (await gql.data(offer, {"input": first_input}))["submitOffer"]
    second = (await gql.data(offer, {"input": mistyped}))["submitOffer"]
    assert first["userErrors"] == second["userErrors"] == []
    seen = (await gql.data(DUPES, {"id": second["offer"]["id"]}, **auth(reviewer)))["node"]
    assert [d["entry"]["id"] for d in seen["possibleDuplicates"]] == [first["offer"]["id"]]
