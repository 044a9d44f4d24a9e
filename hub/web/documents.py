"""The GraphQL documents the pages send: the same public API any client uses."""

from __future__ import annotations

ENTRY_ROW = """
fragment EntryRow on Entry {
  id kind status verificationStatus updatedAt providerName
  region { province city district }
  organization { name }
  verification { ageHours method }
  ... on Need { urgency items { name quantity quantityUnknown unit } }
  ... on Offer { items { name quantity quantityUnknown unit } }
  ... on LogisticsOffer { destination { province city } vehicleType }
  ... on Lodging { roomsAvailable eligibility }
  ... on DonationChannel { accountName bank accountNumber }
}
"""

# A pledge as the entry pages list it (its need's and its offer's pages).
PLEDGE_ROW = """
fragment PledgeRow on Pledge {
  id status donorName createdAt updatedAt
  donorOrganization { name }
  items { needItem quantity item { name unit } }
}
"""

HOME = (
    """
query Home {
  donationChannels(first: 0) { totalCount }
  needs(first: 10) { totalCount edges { node { ...EntryRow } } }
  offers(first: 0) { totalCount }
  logisticsOffers(first: 0) { totalCount }
  lodgings(first: 0) { totalCount }
}
"""
    + ENTRY_ROW
)

LISTS = {
    "needs": ("needs", "NeedFilter", "NEED"),
    "offers": ("offers", "EntryFilter", "OFFER"),
    "logistics": ("logisticsOffers", "LogisticsOfferFilter", "LOGISTICS_OFFER"),
    "lodging": ("lodgings", "EntryFilter", "LODGING"),
    "donation-channels": ("donationChannels", "EntryFilter", "DONATION_CHANNEL"),
}


def list_document(field: str, filter_type: str) -> str:
    """A page of one kind of entry."""
    return (
        f"""
query List($filter: {filter_type}, $after: String) {{
  list: {field}(filter: $filter, first: 20, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ ...EntryRow }} }}
  }}
  supplyCategories {{ code nameZh nameEn }}
}}
"""
        + ENTRY_ROW
    )


SEARCH = (
    """
query Search($q: String!, $kinds: [EntryKind!], $filter: SearchFilter, $after: String) {
  search(query: $q, kinds: $kinds, filter: $filter, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { highlights { field snippet } node { ... on Entry { ...EntryRow } } }
  }
  supplyCategories { code nameZh nameEn }
}
"""
    + ENTRY_ROW
)

ENTRY = (
    """
query Entry($id: ID!) {
  node(id: $id) {
    ... on Entry {
      id kind status verificationStatus createdAt updatedAt providerName address notes
      region { province city district }
      source { url note }
      contacts { id name phone redacted visibility }
      organization { id name kind }
      verification { status verifiedAt ageHours method flags { reason } }
      ... on Need { urgency items { name quantity quantityUnknown unit spec fulfilledQuantity
                                    remainingQuantity category { nameZh nameEn } }
                    priority { score urgency unmetShare waitingHours pledges }
                    pledges { ...PledgeRow } }
      ... on Offer { items { name quantity quantityUnknown unit spec fulfilledQuantity
                             category { nameZh nameEn } }
                     pledges { ...PledgeRow } }
      ... on LogisticsOffer { destination { province city } vehicleType capacityKg }
      ... on Lodging { roomsAvailable eligibility }
      ... on DonationChannel { accountName bank accountNumber remittanceNote purpose
                               officialNoticeUrl accountNumberChange { before after changedAt } }
    }
  }
  entryHistory(entryId: $id) { at action }
}
"""
    + PLEDGE_ROW
)

FLAG = """
mutation Flag($input: FlagEntryInput!) {
  flagEntry(input: $input) { userErrors { field code message } }
}
"""

FORM_DATA = """
query FormData { supplyCategories { code nameZh nameEn defaultUnit } units { unit nameZh nameEn } }
"""


def submit_document(type_name: str, field: str) -> str:
    """submit<Type>, asking back the new entry's id, its edit code, its reconfirmation link's
    secret and userErrors."""
    return (
        f"mutation Submit($input: Submit{type_name}Input!) {{ submit{type_name}(input: $input) "
        f"{{ {field} {{ id }} editToken reconfirmationToken "
        "userErrors { field code message } } }"
    )


SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { user { handle } userErrors { field code message } }
}
"""

SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { user { handle } userErrors { field code message } }
}
"""

SIGN_OUT = "mutation { signOut { signedOut } }"

ME = "query Me { me { handle role } }"

REVIEW_QUEUE = (
    """
query Queue {
  me { handle role }
  reviewQueue(first: 20) { totalCount edges { node { ...EntryRow } } }
}
"""
    + ENTRY_ROW
)

CLAIM = """
mutation Claim($id: ID!) { claimReview(entryId: $id) { userErrors { field code message } } }
"""

DECIDE = """
mutation Decide($input: ReviewEntryInput!) {
  reviewEntry(input: $input) { userErrors { field code message } }
}
"""

COORDINATE = (
    """
query Coordinate {
  me { handle role }
  reviewQueue(first: 50) {
    edges { node {
      ...EntryRow
      verification { flags { reason note flaggedAt } }
      possibleDuplicates { score entry { ...EntryRow } }
    } }
  }
}
"""
    + ENTRY_ROW
)

MERGE = """
mutation Merge($keep: ID!, $dupes: [ID!]!) {
  mergeEntries(keepId: $keep, duplicateIds: $dupes) { userErrors { field code message } }
}
"""

REVEAL = """
mutation Reveal($id: ID!) {
  revealContact(contactId: $id) { contact { id name phone } userErrors { field code message } }
}
"""

EDITABLE = """
query Editable($id: ID!) {
  node(id: $id) {
    ... on Entry {
      id kind version status notes providerName address organization { name }
      region { province city district }
      contacts { id name phone otherChannel visibility redacted }
    }
    ... on Need { urgency items { name categoryCode quantity quantityUnknown unit spec } }
    ... on Offer {
      items { name categoryCode quantity quantityUnknown unit spec }
      canDeliver isFree leadTimeDays priceNote
    }
    ... on LogisticsOffer {
      destination { province city district } vehicleType capacityKg capacityM3 coldChain isFree
      availableFrom availableUntil
    }
    ... on Lodging { roomsAvailable eligibility isFree priceNote availableFrom availableUntil }
    ... on DonationChannel {
      accountName bank remittanceNote purpose source { url note } verificationStatus
    }
  }
  supplyCategories { code nameZh nameEn }
  units { unit nameZh nameEn }
}
"""

# The update and close mutations of each kind (GraphQL type name, as in update<Type>).
MUTATION_TYPES = {
    "NEED": "Need",
    "OFFER": "Offer",
    "LOGISTICS_OFFER": "LogisticsOffer",
    "LODGING": "Lodging",
    "DONATION_CHANNEL": "DonationChannel",
}


def update_document(kind: str) -> str:
    """update<Type> for an entry of `kind`."""
    name = MUTATION_TYPES[kind]
    return (
        f"mutation Update($input: Update{name}Input!) {{ update{name}(input: $input) "
        "{ userErrors { field code message } } }"
    )


def close_document(kind: str) -> str:
    """close<Type> for an entry of `kind`."""
    name = MUTATION_TYPES[kind]
    return (
        f"mutation Close($input: CloseEntryInput!) {{ close{name}(input: $input) "
        "{ userErrors { field code message } } }"
    )


REGISTER_ORGANIZATION = """
mutation Register($input: OrganizationInput!) {
  registerOrganization(input: $input) {
    organization { id name } editToken userErrors { field code message }
  }
}
"""

ORGANIZATION = """
query Organization($id: ID!) {
  node(id: $id) {
    ... on Organization {
      id name kind version address website region { province city district }
    }
  }
}
"""

UPDATE_ORGANIZATION = """
mutation UpdateOrganization($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) { organization { id name } userErrors { field code message } }
}
"""

# The entry behind a poster's reconfirmation link (null for an unknown or expired one); the
# same query holds the messages left for the poster (see reconfirm.html's inbox block).
RECONFIRMATION = (
    """
query Reconfirmation($token: String!) {
  inbox(token: $token) { entry { ...EntryRow } messages { id body replyTo sentAt } }
}
"""
    + ENTRY_ROW
)

RECONFIRM = (
    """
mutation Reconfirm($input: ReconfirmEntryInput!) {
  reconfirmEntry(input: $input) {
    entry { ...EntryRow } userErrors { field code message }
  }
}
"""
    + ENTRY_ROW
)

IMPORT_ENTRIES = """
mutation ImportEntries($input: ImportEntriesInput!) {
  importEntries(input: $input) {
    imported valid skipped rows
    rejectedRows { row column value code message }
    warnings { row column value code message }
    userErrors { field code message }
  }
}
"""
