"""Every mutation under every role: allowed, or refused with UNAUTHENTICATED / FORBIDDEN."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from hub.domain.accounts import Role, TokenScope
from hub.graphql.ids import to_global_id
from hub.graphql.permissions import MUTATION_RULES
from hub.graphql.schema import build_schema
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.graphql.test_accounts import token_for
from tests.helpers import CHANNEL, HOSPITAL, LODGING, LOGISTICS, OFFER, need_input

MISSING = "TmVlZDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"
CLOSE = {"input": {"id": MISSING, "version": 1}}
UPDATE = {"input": {"id": MISSING, "version": 1}}
USER = "VXNlcjowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"

# mutation -> (document, variables): shaped right, so that only access can refuse them.
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "registerOrganization": (
        "mutation($input: OrganizationInput!) { registerOrganization("
        "input: $input) { userErrors { code } } }",
        {"input": HOSPITAL},
    ),
    "updateOrganization": (
        "mutation($input: UpdateOrganizationInput!) { updateOrganization("
        "input: $input) { userErrors { code } } }",
        UPDATE,
    ),
    "submitNeed": (
        "mutation($input: SubmitNeedInput!) { submitNeed(input: $input) { userErrors { code } } }",
        {"input": need_input()},
    ),
    "updateNeed": (
        "mutation($input: UpdateNeedInput!) { updateNeed(input: $input) { userErrors { code } } }",
        UPDATE,
    ),
    "closeNeed": (
        "mutation($input: CloseEntryInput!) { closeNeed(input: $input) { userErrors { code } } }",
        CLOSE,
    ),
    "submitOffer": (
        "mutation($input: SubmitOfferInput!) { submitOffer(input: $input) "
        "{ userErrors { code } } }",
        {"input": OFFER},
    ),
    "updateOffer": (
        "mutation($input: UpdateOfferInput!) { updateOffer(input: $input) "
        "{ userErrors { code } } }",
        UPDATE,
    ),
    "closeOffer": (
        "mutation($input: CloseEntryInput!) { closeOffer(input: $input) { userErrors { code } } }",
        CLOSE,
    ),
    "submitLogisticsOffer": (
        "mutation($input: SubmitLogisticsOfferInput!) { "
        "submitLogisticsOffer(input: $input) { userErrors { code } } }",
        {"input": LOGISTICS},
    ),
    "updateLogisticsOffer": (
        "mutation($input: UpdateLogisticsOfferInput!) { "
        "updateLogisticsOffer(input: $input) { userErrors { code } } }",
        UPDATE,
    ),
    "closeLogisticsOffer": (
        "mutation($input: CloseEntryInput!) { closeLogisticsOffer("
        "input: $input) { userErrors { code } } }",
        CLOSE,
    ),
    "submitLodging": (
        "mutation($input: SubmitLodgingInput!) { submitLodging(input: $input) "
        "{ userErrors { code } } }",
        {"input": LODGING},
    ),
    "updateLodging": (
        "mutation($input: UpdateLodgingInput!) { updateLodging(input: $input) "
        "{ userErrors { code } } }",
        UPDATE,
    ),
    "closeLodging": (
        "mutation($input: CloseEntryInput!) { closeLodging(input: $input) "
        "{ userErrors { code } } }",
        CLOSE,
    ),
    "submitDonationChannel": (
        "mutation($input: SubmitDonationChannelInput!) { submitDonationChannel(input: $input) "
        "{ userErrors { code } } }",
        {"input": CHANNEL},
    ),
    "updateDonationChannel": (
        "mutation($input: UpdateDonationChannelInput!) { updateDonationChannel(input: $input) "
        "{ userErrors { code } } }",
        UPDATE,
    ),
    "closeDonationChannel": (
        "mutation($input: CloseEntryInput!) { closeDonationChannel(input: $input) "
        "{ userErrors { code } } }",
        CLOSE,
    ),
    "signUp": (
        'mutation { signUp(input: {email: "x@example.org", handle: "x_matrix", '
        'password: "short"}) { userErrors { code } } }',
        {},
    ),
    "signIn": (
        'mutation { signIn(input: {email: "x@example.org", password: "nope"}) '
        "{ userErrors { code } } }",
        {},
    ),
    "signOut": ("mutation { signOut { signedOut } }", {}),
    "signOutEverywhere": ("mutation { signOutEverywhere { sessionsEnded } }", {}),
    "createApiToken": (
        'mutation { createApiToken(input: {name: ""}) { userErrors { code } } }',
        {},
    ),
    "revokeApiToken": ('mutation { revokeApiToken(id: "nonsense") { userErrors { code } } }', {}),
    "setUserRole": (
        "mutation($u: ID!) { setUserRole(userId: $u, role: VOLUNTEER) { userErrors { code } } }",
        {"u": USER},
    ),
    "approveUser": (
        "mutation($u: ID!) { approveUser(userId: $u) { userErrors { code } } }",
        {"u": USER},
    ),
    "claimReview": (
        "mutation($e: ID!) { claimReview(entryId: $e) { userErrors { code } } }",
        {"e": MISSING},
    ),
    "releaseReview": (
        "mutation($e: ID!) { releaseReview(entryId: $e) { userErrors { code } } }",
        {"e": MISSING},
    ),
    "reviewEntry": (
        "mutation($e: ID!) { reviewEntry(input: {entryId: $e, decision: VERIFY, "
        "method: PHONE_CALL}) { userErrors { code } } }",
        {"e": MISSING},
    ),
}
CALLS["revealContact"] = (
    "mutation($c: ID!) { revealContact(contactId: $c) { userErrors { code } } }",
    {"c": "Q29udGFjdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"},
)
CALLS["flagEntry"] = (
    "mutation($e: ID!) { flagEntry(input: {entryId: $e, reason: FAKE}) { userErrors { code } } }",
    {"e": MISSING},
)
CALLS["claimOrganization"] = (
    'mutation($o: ID!) { claimOrganization(input: {organizationId: $o, evidence: ""}) '
    "{ userErrors { code } } }",
    {"o": "T3JnYW5pemF0aW9uOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"},
)
CALLS["decideOrganizationClaim"] = (
    'mutation { decideOrganizationClaim(input: {claimId: "x", approve: true}) '
    "{ userErrors { code } } }",
    {},
)
CALLS["verifyOrganization"] = (
    "mutation($o: ID!) { verifyOrganization(input: {id: $o, version: 1}) { userErrors { code } } }",
    {"o": "T3JnYW5pemF0aW9uOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"},
)
CALLS["reconfirmEntry"] = (
    'mutation { reconfirmEntry(input: {token: "nope", answer: STILL_CURRENT}) '
    "{ userErrors { code } } }",
    {},
)
CALLS["mergeEntries"] = (
    "mutation($e: ID!) { mergeEntries(keepId: $e, duplicateIds: [$e]) { userErrors { code } } }",
    {"e": MISSING},
)
PLEDGE = to_global_id("Pledge", UUID(int=0))
CALLS["mergeOrganizations"] = (
    "mutation($o: ID!) { mergeOrganizations(fromId: $o, intoId: $o) { userErrors { code } } }",
    {"o": "T3JnYW5pemF0aW9uOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA"},
)
CALLS["pledge"] = (
    'mutation($n: ID!) { pledge(input: {needId: $n, donorName: "x", '
    "items: [{needItem: 0, quantity: 1}]}) { userErrors { code } } }",
    {"n": MISSING},
)
CALLS["setPledgeStatus"] = (
    "mutation($p: ID!) { setPledgeStatus(input: {id: $p, status: ACCEPTED}) "
    "{ userErrors { code } } }",
    {"p": PLEDGE},
)
CALLS["assignCarrier"] = (
    "mutation($p: ID!, $c: ID!) { assignCarrier(input: {pledgeId: $p, logisticsOfferId: $c, "
    'pickup: {province: "湖北省"}, dropoff: {province: "湖北省"}}) { userErrors { code } } }',
    {"p": PLEDGE, "c": to_global_id("LogisticsOffer", UUID(int=0))},
)
CALLS["updateShipment"] = (
    "mutation($s: ID!) { updateShipment(input: {id: $s, status: PICKED_UP}) "
    "{ userErrors { code } } }",
    {"s": to_global_id("Shipment", UUID(int=0))},
)
CALLS["sendMessage"] = (
    'mutation($e: ID!) { sendMessage(input: {entryId: $e, body: "hi"}) { userErrors { code } } }',
    {"e": MISSING},
)
WEBHOOK = "V2ViaG9vazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA"
CALLS["createWebhook"] = (
    'mutation { createWebhook(input: {url: "ftp://x"}) { userErrors { code } } }',
    {},
)
CALLS["updateWebhook"] = (
    "mutation($w: ID!) { updateWebhook(input: {id: $w}) { userErrors { code } } }",
    {"w": WEBHOOK},
)
CALLS["deleteWebhook"] = (
    "mutation($w: ID!) { deleteWebhook(id: $w) { userErrors { code } } }",
    {"w": WEBHOOK},
)
CALLS["rotateWebhookSecret"] = (
    "mutation($w: ID!) { rotateWebhookSecret(id: $w) { userErrors { code } } }",
    {"w": WEBHOOK},
)
# Shaped right but without a file (JSON cannot carry one): a userError once access is granted.
CALLS["importEntries"] = (
    'mutation { importEntries(input: {kind: NEEDS, file: "none"}) { userErrors { code } } }',
    {},
)
ROLES: list[Role | None] = [None, *Role]


def test_every_mutation_has_a_rule_and_a_matrix_row() -> None:
    mutation_type = build_schema()._schema.mutation_type
    assert mutation_type is not None
    names = set(mutation_type.fields)
    assert names == set(MUTATION_RULES)
    assert names == set(CALLS)


def expected(mutation: str, role: Role | None) -> str | None:
    rule = MUTATION_RULES[mutation]
    if rule.role is None and not rule.signed_in:
        return None
    if role is None:
        return "UNAUTHENTICATED"
    if rule.role is not None and not role.includes(rule.role):
        return "FORBIDDEN"
    # The matrix's users are not approved: only coordinators and admins count as vouched for.
    if rule.approved and not role.includes(Role.COORDINATOR):
        return "FORBIDDEN"
    return None


async def test_role_matrix(gql: GraphQLClient, db: Database) -> None:
    tokens: dict[Role | None, dict[str, str]] = {None: {}}
    for role in Role:
        token, _ = await token_for(db, role, f"matrix_{role.value.lower()}")
        tokens[role] = {"Authorization": f"Bearer {token}"}
    table = []
    for mutation, (document, variables) in sorted(CALLS.items()):
        row = [mutation]
        for role in ROLES:
            body = await gql.post(document, variables, **tokens[role])
            codes = {e["extensions"]["code"] for e in body.get("errors", [])}
            access = codes & {"UNAUTHENTICATED", "FORBIDDEN"}
            got = access.pop() if access else None
            assert got == expected(mutation, role), (mutation, role, body)
            assert codes <= {"UNAUTHENTICATED", "FORBIDDEN"}, (mutation, role, body)
            row.append(got or "allowed")
        table.append(row)
    # The matrix, for the record (pytest -s shows it).
    print("\n" + "\n".join(" | ".join(f"{c:<22}" for c in row) for row in table))


@pytest.mark.parametrize("mutation", sorted(CALLS))
async def test_read_tokens_may_not_write(gql: GraphQLClient, db: Database, mutation: str) -> None:
    token, _ = await token_for(db, Role.ADMIN, "reader", TokenScope.READ)
    document, variables = CALLS[mutation]
    body = await gql.post(document, variables, Authorization=f"Bearer {token}")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


QUERIES = {
    "reviewQueue": "{ reviewQueue { totalCount } }",
    "organizationClaims": "{ organizationClaims { status } }",
    "accounts": "{ accounts(pending: true) { id } }",
    "webhooks": "{ webhooks { id } }",
    "webhook": f'{{ webhook(id: "{WEBHOOK}") {{ id }} }}',
}


def test_every_guarded_query_has_a_matrix_row() -> None:
    from hub.graphql.permissions import QUERY_RULES

    assert set(QUERY_RULES) == set(QUERIES)


async def test_query_matrix(gql: GraphQLClient, db: Database) -> None:
    from hub.graphql.permissions import QUERY_RULES

    tokens: dict[Role | None, dict[str, str]] = {None: {}}
    for role in Role:
        token, _ = await token_for(db, role, f"qmatrix_{role.value.lower()}")
        tokens[role] = {"Authorization": f"Bearer {token}"}
    for name, document in QUERIES.items():
        rule = QUERY_RULES[name]
        for role in ROLES:
            body = await gql.post(document, **tokens[role])
            got = body["errors"][0]["extensions"]["code"] if "errors" in body else None
            want = None
            if role is None:
                want = "UNAUTHENTICATED"
            elif rule.role is not None and not role.includes(rule.role):
                want = "FORBIDDEN"
            assert got == want, (name, role, body)
