"""assignCarrier with an id that names no pledge or carrier: a user error, not a 500.

Found by the fuzz suite (tests/fuzz): the payload was built without its `shipment` field, so
every bad id raised a TypeError, answered as INTERNAL_SERVER_ERROR with a traceback in the log.
"""

from __future__ import annotations

from uuid import uuid4

import pytest

from hub.domain.global_ids import to_global_id
from tests.conftest import GraphQLClient
from tests.pledges.test_shipments import ASSIGN


@pytest.mark.parametrize(
    ("pledge_id", "carrier_id", "field"),
    [
        ("x", to_global_id("LogisticsOffer", uuid4()), "pledgeId"),
        (to_global_id("Pledge", uuid4()), "", "logisticsOfferId"),
    ],
)
async def test_a_bad_id_is_a_user_error(
    gql: GraphQLClient, pledge_id: str, carrier_id: str, field: str
) -> None:
    variables = {
        "input": {
            "pledgeId": pledge_id,
            "logisticsOfferId": carrier_id,
            "pickup": {"province": "河南省"},
            "dropoff": {"province": "湖北省"},
        }
    }
    body = await gql.post(ASSIGN, variables)
    assert "errors" not in body, body["errors"]
    answer = body["data"]["assignCarrier"]
    assert answer["shipment"] is None
    assert [(e["field"], e["code"]) for e in answer["userErrors"]] == [(field, "INVALID_ID")]
