"""Who a field's answer is for: the policy the read cache trusts before storing a response.

Every field of every object type and interface of the schema is PUBLIC (the same answer for
every viewer, moving only with the data version), VIEWER (it depends on who asks: their account,
their role, their tokens) or UNVERSIONED (the same for everyone, but it changes without the data
version moving: the live events' position). A document is cacheable only when every field it
selects is PUBLIC. The policy FAILS CLOSED: a field nobody classified makes a document
uncacheable, and tests/graphql/test_audience.py fails until the field is classified.

To classify a new field: when its whole type is for everyone, add the type to PUBLIC_TYPES; when
its type is only ever shown to the viewer it belongs to, to VIEWER_TYPES; when one field of a
public type depends on the viewer (a role check in its resolver), add it to FIELD_AUDIENCE.
"""

from __future__ import annotations

from collections import OrderedDict
from enum import Enum

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)

from hub.domain.kinds import KINDS
from hub.domain.kinds.spec import Disclosure


class Audience(Enum):
    """Whom a field's answer is for (see the module's docstring)."""

    PUBLIC = "PUBLIC"
    VIEWER = "VIEWER"
    UNVERSIONED = "UNVERSIONED"


ENTRY_TYPES = ("Entry", *(kind.type_name for kind in KINDS))

# Types every field of which answers the same to everyone (anonymous reads show them).
PUBLIC_TYPES = frozenset(
    {
        *ENTRY_TYPES,
        *(f"{kind.type_name}{suffix}" for kind in KINDS for suffix in ("Connection", "Edge")),
        "EntryConnection",
        "EntryEdge",
        "Node",
        "PageInfo",
        "Contact",  # masked for everyone, the editor included; reveals are a mutation
        "Region",
        "Source",
        "SupplyItem",
        "SupplyCategory",
        "SupplyCategoryGroup",
        "UnitInfo",
        "Organization",
        "OrganizationConnection",
        "OrganizationEdge",
        "Verification",
        "PublicReview",
        "EntryFlag",
        "HistoryEvent",
        "NeedPriority",
        "PossibleDuplicate",
        "AccountNumberChange",
        "NeedMatch",
        "OfferMatch",
        "MatchFactorScore",
        "MatchLine",
        "Pledge",
        "PledgeItem",
        "PledgeStep",
        "Shipment",
        "TrackingUpdate",
        "SearchResults",
        "SearchEdge",
        "SearchHighlight",
        "SearchFacets",
        "FacetCount",
        # Subscriptions are never cached; their event type is public all the same.
        "EntryEvent",
    }
)

# Types only ever shown to the viewer they belong to, or only reachable from mutations
# (payloads carry edit codes and secrets shown once).
VIEWER_TYPES = frozenset(
    {
        "Mutation",
        "Subscription",
        "User",
        "ApiToken",
        "Webhook",
        "WebhookFilter",
        "WebhookDelivery",
        "WebhookDeliveryConnection",
        "WebhookDeliveryEdge",
        "OrganizationClaim",
        "Inbox",
        "InboxMessage",
        "UserError",
        "UserWarning",
        "ImportRowProblem",
    }
)

# The roots, one by one: a new root is where viewer-specific data usually comes in, so none is
# cacheable before someone said so here.
QUERY_FIELDS: dict[str, Audience] = {
    **dict.fromkeys(
        (
            "node",
            "nodes",
            "needs",
            "offers",
            "logisticsOffers",
            "lodgings",
            "donationChannels",
            "organizations",
            "similarOrganizations",
            "supplyCategories",
            "supplyCategoryGroups",
            "units",
            "entryHistory",
            "search",
            "matchingOffers",
            "matchingNeeds",
            "pledge",
        ),
        Audience.PUBLIC,
    ),
    **dict.fromkeys(
        ("me", "reviewQueue", "organizationClaims", "inbox", "webhooks", "webhook", "accounts"),
        Audience.VIEWER,
    ),
    # Moves with every live event, which the relay stamps after the data version moved.
    "latestEventId": Audience.UNVERSIONED,
}

# Fields that answer differently from their type: role checks in resolvers (hub.graphql.
# permissions' for_reviewers, sees_*), the viewer's own data, and the live position.
FIELD_AUDIENCE: dict[tuple[str, str], Audience] = {
    **{("Query", field): audience for field, audience in QUERY_FIELDS.items()},
    ("PublicReview", "note"): Audience.VIEWER,
    ("PublicReview", "evidenceUrl"): Audience.VIEWER,
    ("EntryFlag", "note"): Audience.VIEWER,
    ("HistoryEvent", "recordedAction"): Audience.VIEWER,
    ("Verification", "recheckRequestedAt"): Audience.VIEWER,
    **{(name, "possibleDuplicates"): Audience.VIEWER for name in ENTRY_TYPES},
    **{(name, "unconfirmedOrganization"): Audience.VIEWER for name in ENTRY_TYPES},
    ("DonationChannel", "accountNumberChange"): Audience.VIEWER,
    # Fields the kind declarations mask until verified, except for reviewers.
    **{
        (kind.type_name, spec.public_name): Audience.VIEWER
        for kind in KINDS
        for spec in kind.fields
        if spec.meta.disclosure is Disclosure.MASKED_UNTIL_VERIFIED
    },
}


def field_audience(type_name: str, field_name: str) -> Audience | None:
    """The field's audience; None when nobody classified it (which means: not cacheable)."""
    if field_name.startswith("__") or type_name.startswith("__"):
        # Introspection: the schema is the same for everyone.
        return Audience.PUBLIC
    found = FIELD_AUDIENCE.get((type_name, field_name))
    if found is not None:
        return found
    if type_name in VIEWER_TYPES or type_name.endswith("Payload"):
        return Audience.VIEWER
    if type_name in PUBLIC_TYPES:
        return Audience.PUBLIC
    return None


def unclassified_fields(schema: GraphQLSchema) -> list[str]:
    """`Type.field` for every field of the schema the policy does not classify."""
    missing: list[str] = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            missing.extend(
                f"{name}.{field}"
                for field in graphql_type.fields
                if field_audience(name, field) is None
            )
    return sorted(missing)


class _Selected(Visitor):
    """Collects the audience of every field a document selects."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.cacheable = True

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
        if node.operation is not OperationType.QUERY:
            self.cacheable = False

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        parent = self.type_info.get_parent_type()
        name = node.name.value
        if (
            parent is None
            or (self.type_info.get_field_def() is None and name != "__typename")
            or field_audience(parent.name, name) is not Audience.PUBLIC
        ):
            self.cacheable = False


def is_public_document(schema: GraphQLSchema, document: DocumentNode) -> bool:
    """Whether every operation of `document` is a query selecting only PUBLIC fields (fields
    of fragments included). Unknown fields, mutations and subscriptions: False."""
    type_info = TypeInfo(schema)
    selected = _Selected(type_info)
    visit(document, TypeInfoVisitor(type_info, selected))
    return selected.cacheable


class DocumentPolicy:
    """`is_public_document` remembered per document text (a bounded number of them)."""

    def __init__(self, schema: GraphQLSchema, size: int = 1024) -> None:
        self._schema = schema
        self._size = size
        self._known: OrderedDict[str, bool] = OrderedDict()

    def is_public(self, text: str, document: DocumentNode) -> bool:
        """Whether the document `text` (parsed as `document`) may be cached."""
        known = self._known.get(text)
        if known is None:
            known = is_public_document(self._schema, document)
            self._known[text] = known
            if len(self._known) > self._size:
                self._known.popitem(last=False)
        return known


class _EventSelection(_Selected):
    """As _Selected, for a subscription: the root field stands for its event type, which is
    classified like any other; only what is selected inside it decides."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
        if node.operation is not OperationType.SUBSCRIPTION:
            self.cacheable = False

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        parent = self.type_info.get_parent_type()
        if parent is not None and parent.name == "Subscription":
            return
        super().enter_field(node)


def is_public_event_selection(schema: GraphQLSchema, document: DocumentNode) -> bool:
    """Whether `document` is a subscription whose events select only PUBLIC fields: then every
    viewer is sent the same bytes for an event, and subscribers may share one execution."""
    type_info = TypeInfo(schema)
    selected = _EventSelection(type_info)
    visit(document, TypeInfoVisitor(type_info, selected))
    return selected.cacheable
