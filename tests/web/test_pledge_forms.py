"""The pledge, shipment and message forms over HTTP (no browser): what they send, their
userErrors beside the inputs, refusals that save nothing, and CSRF."""

from __future__ import annotations

import re

import httpx
import pytest

from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import LOGISTICS, SUBMIT_LOGISTICS, verify_all
from tests.pledges.steps import pledge, post_need, post_offer, set_status
from tests.web.test_pages import _csrf

STATE = """query($id: ID!) { pledge(id: $id) { status shipments { status trackingNote } }
                            }"""
NEED_STATE = """query($id: ID!) { node(id: $id) { ... on Need {
  status items { fulfilledQuantity } pledges { id } } } }"""


@pytest.fixture
def settings(fresh_dsn: str) -> Settings:
    """One message per sender per hour, to reach the limit at once."""
    return Settings(database_url=fresh_dsn, default_language="en", messages_per_hour=1)


async def test_a_need_page_shows_priority_matches_and_pledges(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    offer = await post_offer(gql, quantity=5000)
    await verify_all(db)
    made = await pledge(gql, need, 200)
    assert made["userErrors"] == []
    page = (await app_client.get(f"/entries/{need.id}")).text
    assert "Priority score" in page and "still missing" in page and "Waiting for" in page
    assert "0 accepted pledges" in page  # a proposal does not lower the priority
    assert f'href="/entries/{offer.id}"' in page  # the matching offer, linked
    assert "Category and standard" in page and "Match " in page  # explained
    assert f'href="/pledges/{made["pledge"]["id"]}"' in page and "Proposed" in page
    assert 'action="/entries/' + need.id + '/pledge"' in page
    offer_page = (await app_client.get(f"/entries/{offer.id}")).text
    assert f'href="/entries/{need.id}"' in offer_page  # the need it could meet
    assert "Needs this offer could meet" in offer_page


async def test_pledging_shows_the_code_once_and_bad_input_beside_its_input(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    await verify_all(db)
    url = f"/entries/{need.id}"
    csrf = _csrf((await app_client.get(url)).text)
    for fields, where in (
        ({"donor_name": "王先生", "quantity0": "很多"}, 'id="pledge-items-0-quantity-error"'),
        ({"donor_name": "王先生", "quantity0": "5000"}, 'id="pledge-items-0-quantity-error"'),
        ({"donor_name": "", "quantity0": "10"}, 'id="pledge-donorName-error"'),
        ({"donor_name": "王先生"}, "Give a quantity for at least one item"),
    ):
        refused = await app_client.post(f"{url}/pledge", data={"csrf": csrf, **fields})
        assert refused.status_code == 400, fields
        assert where in refused.text, fields
    forged = await app_client.post(f"{url}/pledge", data={"donor_name": "x", "quantity0": "1"})
    assert forged.status_code == 400
    assert (await gql.data(NEED_STATE, {"id": need.id}))["node"]["pledges"] == []

    done = await app_client.post(
        f"{url}/pledge", data={"csrf": csrf, "donor_name": "王先生", "quantity0": "300"}
    )
    assert done.status_code == 200, done.text
    assert "Keep this pledge" in done.text
    link = re.search(r'href="/pledges/([^"]+)"', done.text)
    assert link is not None
    code = re.search(r"<code>([^<]+)</code>", done.text)
    assert code is not None
    again = (await app_client.get(url)).text
    assert code.group(1) not in again  # once
    pledge_page = await app_client.get(f"/pledges/{link.group(1)}")
    assert pledge_page.status_code == 200
    assert "王先生" in pledge_page.text and "300" in pledge_page.text
    assert (await app_client.get("/pledges/UGxlZGdlOm5vbmU=")).status_code == 404
    assert (await app_client.get("/pledges/nonsense")).status_code == 404


async def test_moves_carrier_and_progress_on_the_pledge_page(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    need = await post_need(gql, quantity=1000)
    carrier = (await gql.data(SUBMIT_LOGISTICS, {"input": LOGISTICS}))["submitLogisticsOffer"]
    await verify_all(db)
    made = await pledge(gql, need, 400)
    pledge_id, donor_code = made["pledge"]["id"], made["editToken"]
    url = f"/pledges/{pledge_id}"
    csrf = _csrf((await app_client.get(url)).text)

    # The donor's code cannot accept (that is the hospital's word): refused, nothing saved.
    refused = await app_client.post(
        f"{url}/status", data={"csrf": csrf, "status": "ACCEPTED", "edit_token": donor_code}
    )
    assert refused.status_code == 400
    assert "Not allowed, and nothing was changed" in refused.text
    assert (await gql.data(STATE, {"id": pledge_id}))["pledge"]["status"] == "PROPOSED"

    accepted = await app_client.post(
        f"{url}/status", data={"csrf": csrf, "status": "ACCEPTED", "edit_token": need.edit_token}
    )
    assert accepted.status_code == 200, accepted.text
    assert "Updated: Accepted" in accepted.text
    # The carrier heading to the need's province is on the short list.
    assert f'<option value="{carrier["logisticsOffer"]["id"]}"' in accepted.text

    fields = {"csrf": csrf, "logistics_offer": carrier["logisticsOffer"]["id"],
              "pickup_province": "广东省", "dropoff_province": "湖北省",
              "weight_kg": "2000", "edit_token": need.edit_token}  # fmt: skip
    too_heavy = await app_client.post(f"{url}/carrier", data=fields)
    assert too_heavy.status_code == 400
    assert 'id="carrier-weightKg-error"' in too_heavy.text
    not_a_number = await app_client.post(f"{url}/carrier", data={**fields, "weight_kg": "重"})
    assert 'id="carrier-weightKg-error"' in not_a_number.text
    assert (await gql.data(STATE, {"id": pledge_id}))["pledge"]["shipments"] == []
    assigned = await app_client.post(f"{url}/carrier", data={**fields, "weight_kg": "300"})
    assert assigned.status_code == 200, assigned.text
    assert "Transport arranged" in assigned.text
    shipment = re.search(rf'action="{url}/shipments/([^"]+)"', assigned.text)
    assert shipment is not None

    progress = await app_client.post(
        f"{url}/shipments/{shipment.group(1)}",
        data={
            "csrf": csrf,
            "status": "PICKED_UP",
            "tracking_note": "顺丰 SF123",
            "edit_token": donor_code,
        },
    )
    assert progress.status_code == 200, progress.text
    assert "顺丰 SF123" in progress.text and "Picked up" in progress.text
    state = (await gql.data(STATE, {"id": pledge_id}))["pledge"]
    assert state["status"] == "IN_TRANSIT"
    assert state["shipments"][0]["status"] == "PICKED_UP"

    delivered = await app_client.post(
        f"{url}/status", data={"csrf": csrf, "status": "DELIVERED", "edit_token": need.edit_token}
    )
    assert delivered.status_code == 200
    page = (await app_client.get(f"/entries/{need.id}")).text
    assert "400 items delivered" in page
    body = await set_status(gql, pledge_id, "CANCELLED", need.edit_token)
    assert body["data"]["setPledgeStatus"]["userErrors"]  # delivered stays delivered


async def test_a_message_from_an_entry_page_and_the_limit(
    gql: GraphQLClient, app_client: httpx.AsyncClient, db: Database
) -> None:
    need = await post_need(gql)
    await verify_all(db)
    url = f"/entries/{need.id}"
    csrf = _csrf((await app_client.get(url)).text)
    empty = await app_client.post(f"{url}/message", data={"csrf": csrf, "body": ""})
    assert empty.status_code == 400
    assert 'id="message-body-error"' in empty.text
    sent = await app_client.post(
        f"{url}/message", data={"csrf": csrf, "body": "有 500 只口罩", "reply_to": "微信 abc"}
    )
    assert sent.status_code == 200, sent.text
    assert "Your message was delivered" in sent.text
    limited = await app_client.post(f"{url}/message", data={"csrf": csrf, "body": "再问一次"})
    # A refusal by a rate limit is a 429, with the time to wait (issue 14).
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert "Too many messages: please try again in an hour." in limited.text
    assert "再问一次" in limited.text  # kept, to send later
    inbox = (await app_client.get(f"/reconfirm/{need.reconfirmation_token}")).text
    assert "有 500 只口罩" in inbox and "微信 abc" in inbox
    assert "再问一次" not in inbox
