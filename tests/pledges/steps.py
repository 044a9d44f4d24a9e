"""Shared steps of the pledge tests: a hospital's need and a factory's offer, verified."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from tests.conftest import GraphQLClient
from tests.helpers import OFFER, SUBMIT_NEED, SUBMIT_OFFER, need_input

PLEDGE_FIELDS = """
    id status donorName note cancelReason version
    items { needItem offerItem quantity item { name } }
    need { id status items { quantity fulfilledQuantity remainingQuantity } }
    offer { id status items { quantity fulfilledQuantity } }
    shipments { id status trackingNote updates { status note } }
"""
PLEDGE = f"""
mutation($input: PledgeInput!) {{
  pledge(input: $input) {{
    pledge {{ {PLEDGE_FIELDS} }} editToken userErrors {{ field code message }}
  }}
}}"""
SET_STATUS = f"""
mutation($input: SetPledgeStatusInput!) {{
  setPledgeStatus(input: $input) {{
    pledge {{ {PLEDGE_FIELDS} }} userErrors {{ field code message }}
  }}
}}"""


@dataclass
class Posted:
    """An entry posted by the test, with the secrets its poster got."""

    id: str
    edit_token: str
    reconfirmation_token: str | None = None


async def post_need(
    gql: GraphQLClient, quantity: int = 1000, spec: str = "GB 19083-2010", **overrides: Any
) -> Posted:
    """A hospital's need for medical respirators (and nothing else)."""
    need = need_input(**overrides)
    need["items"] = [
        {
            "categoryCode": "face.medical_respirator",
            "name": "医用防护口罩",
            "spec": spec,
            "quantity": quantity,
            "unit": "ITEM",
        }
    ]
    data = (await gql.data(SUBMIT_NEED, {"input": need}))["submitNeed"]
    assert data["userErrors"] == []
    return Posted(data["need"]["id"], data["editToken"], data["reconfirmationToken"])


async def post_offer(
    gql: GraphQLClient,
    quantity: int = 5000,
    category: str = "face.medical_respirator",
    spec: str = "GB 19083-2010",
    **overrides: Any,
) -> Posted:
    """A donor's offer of respirators, counted in items."""
    offer = copy.deepcopy(OFFER)
    offer["items"] = [
        {
            "categoryCode": category,
            "name": "口罩",
            "spec": spec,
            "quantity": quantity,
            "unit": "ITEM",
        }
    ]
    offer.update(overrides)
    data = (await gql.data(SUBMIT_OFFER, {"input": offer}))["submitOffer"]
    assert data["userErrors"] == []
    return Posted(data["offer"]["id"], data["editToken"])


async def pledge(gql: GraphQLClient, need: Posted, quantity: float, **extra: Any) -> dict[str, Any]:
    """A donor's pledge (by name, no offer) of `quantity` respirators."""
    payload = {
        "needId": need.id,
        "donorName": "爱心人士",
        "items": [{"needItem": 0, "quantity": quantity}],
        **extra,
    }
    result: dict[str, Any] = (await gql.data(PLEDGE, {"input": payload}))["pledge"]
    return result


async def set_status(
    gql: GraphQLClient, pledge_id: str, status: str, token: str | None, **extra: Any
) -> dict[str, Any]:
    """Move a pledge on with `token`."""
    body = await gql.post(
        SET_STATUS, {"input": {"id": pledge_id, "status": status, "editToken": token, **extra}}
    )
    return body
