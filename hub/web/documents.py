"""The GraphQL documents the pages send: the same public API any client uses.

What each kind's details select is made from its declaration (hub/domain/kinds): every field by
its public name, a place by its parts; only what is not a details field is written out here.
"""

from __future__ import annotations

from collections.abc import Mapping

from hub.domain.enums import EntryKind
from hub.domain.kinds import KINDS, Kind
from hub.domain.kinds.spec import Disclosure

_PLACE = "{ province city district }"
_ROW_ITEMS = "items { name quantity quantityUnknown unit }"


def details_selection(kind: Kind, *, masked: bool = True) -> str:
    """The kind's details fields as a selection (`masked`: those masked until verified too)."""
    return " ".join(
        f"{spec.public_name} {_PLACE}" if spec.is_region else spec.public_name
        for spec in kind.fields
        if masked or spec.meta.disclosure is Disclosure.PLAIN
    )


def per_kind(extra: Mapping[EntryKind, str] = {}, *, masked: bool = True, items: str = "") -> str:
    """`... on <Type> { details }` for every kind, with `extra` of some kinds and `items` of
    those that list supplies."""
    return "\n".join(
        f"  ... on {kind.type_name} {{ "
        + " ".join(
            part
            for part in (
                details_selection(kind, masked=masked),
                items if kind.has_items else "",
                extra.get(kind.kind, ""),
            )
            if part
        )
        + " }"
        for kind in KINDS
    )


ENTRY_ROW = f"""
fragment EntryRow on Entry {{
  id kind status verificationStatus updatedAt providerName
  region {{ province city district }}
  organization {{ name }}
  verification {{ ageHours method }}
{per_kind(items=_ROW_ITEMS)}
}}
"""

# A pledge as the entry pages list it (its need's and its offer's pages).
PLEDGE_ROW = """
fragment PledgeRow on Pledge {
  id status donorName createdAt updatedAt
  donorOrganization { name }
  items { needItem quantity item { name unit } }
}
"""

# Every kind's count; the most urgent needs too.
HOME = (
    "query Home {\n"
    + "".join(
        f"  {kind.list_field}(first: 10) "
        "{ totalCount edges { cursor node { ...EntryRow } } }\n"
        if kind.kind is EntryKind.NEED
        else f"  {kind.list_field}(first: 0) {{ totalCount }}\n"
        for kind in KINDS
    )
    + "}\n"
    + ENTRY_ROW
)


# The counts the home page shows (home.html's _counts.html), alone: what its live counts fetch.
COUNTS = (
    "query Counts {\n"
    + "".join(f"  {kind.list_field}(first: 0) {{ totalCount }}\n" for kind in KINDS)
    + "}\n"
)

# One entry as a list row (_row.html): what a live page fetches when an event changes a row.
# A need's score places its row in a list ranked by priority (lists read it from cursors).
ROW = (
    """
query Row($id: ID!) {
  node(id: $id) { ... on Entry { ...EntryRow } ... on Need { priority { score } } }
}
"""
    + ENTRY_ROW
)


def list_document(kind: Kind) -> str:
    """A page of one kind of entry."""
    return (
        f"""
query List($filter: {kind.filter_type}, $after: String) {{
  list: {kind.list_field}(filter: $filter, first: 20, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ ...EntryRow }} }}
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
    totalCount totalCountIsExact pageInfo { hasNextPage endCursor }
    edges { highlights { field snippet } node { ... on Entry { ...EntryRow } } }
  }
  supplyCategories { code nameZh nameEn }
}
"""
    + ENTRY_ROW
)

_ENTRY_EXTRA = {
    EntryKind.NEED: """items { name quantity quantityUnknown unit spec fulfilledQuantity
                    remainingQuantity category { nameZh nameEn } }
                    priority { score urgency unmetShare waitingHours pledges }
                    pledges { ...PledgeRow }""",
    EntryKind.OFFER: """items { name quantity quantityUnknown unit spec fulfilledQuantity
                     category { nameZh nameEn } }
                     pledges { ...PledgeRow }""",
    EntryKind.DONATION_CHANNEL: "officialNoticeUrl accountNumberChange { before after changedAt }",
}

ENTRY = (
    f"""
query Entry($id: ID!) {{
  node(id: $id) {{
    ... on Entry {{
      id kind status verificationStatus createdAt updatedAt providerName address notes
      missingDetails region {{ province city district }}
      source {{ url note }}
      contacts {{ id name phone redacted visibility }}
      organization {{ id name kind }}
      verification {{ status verifiedAt ageHours method flags {{ reason }} }}
{per_kind(_ENTRY_EXTRA)}
    }}
  }}
  entryHistory(entryId: $id) {{ at action }}
}}
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


def submit_document(kind: Kind) -> str:
    """submit<Type>, asking back the new entry's id, its edit code, its reconfirmation link's
    secret, userErrors and warnings (what was stored differently from how it was typed)."""
    name = kind.type_name
    return (
        f"mutation Submit($input: Submit{name}Input!) {{ submit{name}(input: $input) "
        f"{{ {kind.payload_field} {{ id }} editToken reconfirmationToken "
        "userErrors { field code message } warnings { field code message } } }"
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
  reviewQueue(first: 20) { totalCount edges { node { ...EntryRow missingDetails } } }
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

MERGE_ORGANIZATIONS = """
mutation MergeOrganizations($from: ID!, $into: ID!) {
  mergeOrganizations(fromId: $from, intoId: $into) { userErrors { field code message } }
}
"""

REVEAL = """
mutation Reveal($id: ID!) {
  revealContact(contactId: $id) { contact { id name phone } userErrors { field code message } }
}
"""

# Masked fields are left out: the edit form never shows them back.
EDITABLE = f"""
query Editable($id: ID!) {{
  node(id: $id) {{
    ... on Entry {{
      id kind version status notes providerName address organization {{ name }}
      region {{ province city district }} source {{ url note }}
      contacts {{ id name phone otherChannel visibility redacted }}
    }}
{per_kind(masked=False, items="items { name categoryCode quantity quantityUnknown unit spec }")}
  }}
  supplyCategories {{ code nameZh nameEn }}
  units {{ unit nameZh nameEn }}
}}
"""


def update_document(kind: Kind) -> str:
    """update<Type> for an entry of `kind`."""
    return (
        f"mutation Update($input: Update{kind.type_name}Input!) "
        f"{{ update{kind.type_name}(input: $input) {{ userErrors {{ field code message }} }} }}"
    )


def close_document(kind: Kind) -> str:
    """close<Type> for an entry of `kind`."""
    return (
        f"mutation Close($input: CloseEntryInput!) {{ close{kind.type_name}(input: $input) "
        "{ userErrors { field code message } } }"
    )


REGISTER_ORGANIZATION = """
mutation Register($input: OrganizationInput!) {
  registerOrganization(input: $input) {
    organization { id name } editToken reusedExisting similarOrganizations { id name }
    userErrors { field code message }
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

ACCOUNTS = """
query Accounts {
  me { handle role }
  pending: accounts(pending: true, first: 100) { id handle email role approved createdAt }
  everyone: accounts(first: 100) { id handle email role approved createdAt }
}
"""

APPROVE_USER = """
mutation ApproveUser($id: ID!) {
  approveUser(userId: $id) { userErrors { field code message } }
}
"""

SET_USER_ROLE = """
mutation SetUserRole($id: ID!, $role: Role!) {
  setUserRole(userId: $id, role: $role) { userErrors { field code message } }
}
"""
