"""The domain's vocabularies as GraphQL enums (the same names: they are the public contract)."""

from __future__ import annotations

from enum import Enum

import strawberry

from hub.domain import enums as domain
from hub.domain.errors import ErrorCode
from hub.domain.listing import EntryOrder, OrganizationOrder
from hub.domain.units import Unit
from hub.domain.user_warnings import WarningCode

# strawberry.enum registers the domain classes themselves, so resolvers and the domain share
# one type; the GraphQL names given here are the public contract.
strawberry.enum(domain.OrganizationKind, name="OrganizationKind")
strawberry.enum(domain.EntryKind, name="EntryKind")
strawberry.enum(domain.Urgency, name="Urgency")
strawberry.enum(domain.EntryStatus, name="EntryStatus")
strawberry.enum(domain.VerificationStatus, name="VerificationStatus")
strawberry.enum(domain.ContactVisibility, name="ContactVisibility")
strawberry.enum(domain.VehicleType, name="VehicleType")
strawberry.enum(
    domain.MissingDetail,
    name="MissingDetail",
    description="What an entry was accepted without, for a reviewer to complete before "
    "verifying it. ITEMS: no supply items listed (ask for the list). CONTACT: no contact "
    "given (find a phone).",
)
strawberry.enum(Unit, name="Unit")
strawberry.enum(ErrorCode, name="UserErrorCode")
strawberry.enum(
    WarningCode,
    name="UserWarningCode",
    description="What was stored differently from how it was sent, or could not be read.",
)
strawberry.enum(
    EntryOrder,
    name="NeedOrder",
    description="Orders of needs. PRIORITY (the default): highest Need.priority score first. "
    "URGENCY: most urgent first, then most recently updated.",
)
strawberry.enum(OrganizationOrder, name="OrganizationOrder")


@strawberry.enum(name="EntryOrder", description="Orders of offers, logistics offers and lodging.")
class ListOrder(Enum):
    """EntryOrder without URGENCY, which only needs have."""

    RECENTLY_UPDATED = "RECENTLY_UPDATED"
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"

    def to_domain(self) -> EntryOrder:
        """The domain order of the same name."""
        return EntryOrder(self.value)
