"""The GraphQL documents of the pages from listing to delivery: matching suggestions, pledges,
shipments and messages to posters (the same public API any client uses)."""

from __future__ import annotations

from hub.domain.enums import EntryKind
from hub.domain.kinds import kind_of
from hub.web.documents import details_selection

# A carrier as the pledge page shows it: who, and its details (hub.web.facts.choices).
_CARRIER = "id kind providerName organization { name } " + details_selection(
    kind_of(EntryKind.LOGISTICS_OFFER)
)

_MATCHED_ENTRY = """
  id kind verificationStatus providerName organization { name } region { province city }
  items { name quantity quantityUnknown unit }
"""
_MATCH = "score factors { factor value weight explanation } lines { needItem offerItem quantity }"

# The best offers for a need and the best needs for an offer, each score explained.
NEED_MATCHES = f"""
query NeedMatches($id: ID!) {{
  matches: matchingOffers(needId: $id, first: 5) {{ {_MATCH} entry: offer {{ {_MATCHED_ENTRY} }} }}
}}
"""
OFFER_MATCHES = f"""
query OfferMatches($id: ID!) {{
  matches: matchingNeeds(offerId: $id, first: 5) {{ {_MATCH} entry: need {{ {_MATCHED_ENTRY} }} }}
}}
"""

PLEDGE = """
mutation Pledge($input: PledgeInput!) {
  pledge(input: $input) { pledge { id } editToken userErrors { field code message } }
}
"""

_PARTY = "id kind providerName organization { name } region { province city district }"
PLEDGE_PAGE = f"""
query PledgePage($id: ID!) {{
  pledge(id: $id) {{
    id status donorName note cancelReason createdAt updatedAt
    donorOrganization {{ name }}
    items {{ needItem offerItem quantity item {{ name unit }} }}
    need {{ {_PARTY} status items {{ name unit quantity quantityUnknown fulfilledQuantity }} }}
    offer {{ {_PARTY} }}
    shipments {{
      id status weightKg volumeM3 trackingNote createdAt updatedAt
      pickup {{ province city district }} dropoff {{ province city district }}
      updates {{ status note at }}
      carrier {{ {_CARRIER} }}
    }}
  }}
}}
"""

# Transport that goes where the need is: the short list to pick a carrier from.
CARRIERS = f"""
query Carriers($province: String) {{
  logisticsOffers(filter: {{destinationProvince: $province}}, first: 10) {{
    edges {{ node {{ {_CARRIER} origin {{ province city }} }} }}
  }}
}}
"""

SET_PLEDGE_STATUS = """
mutation SetPledgeStatus($input: SetPledgeStatusInput!) {
  setPledgeStatus(input: $input) { pledge { id status } userErrors { field code message } }
}
"""

ASSIGN_CARRIER = """
mutation AssignCarrier($input: AssignCarrierInput!) {
  assignCarrier(input: $input) { shipment { id } userErrors { field code message } }
}
"""

UPDATE_SHIPMENT = """
mutation UpdateShipment($input: UpdateShipmentInput!) {
  updateShipment(input: $input) { shipment { id status } userErrors { field code message } }
}
"""

SEND_MESSAGE = """
mutation SendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) { sent userErrors { field code message } }
}
"""
