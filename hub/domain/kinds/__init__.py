"""The kinds of entry, each declared once (one module per kind), and the registry of them.

To add a kind: declare it in a module of its own, list it in KINDS, and add its migration
(CONTRIBUTING.md has the whole recipe).
"""

from __future__ import annotations

from hub.domain.enums import EntryKind
from hub.domain.kinds.donation_channel import DONATION_CHANNEL, DonationChannelDetails
from hub.domain.kinds.lodging import LODGING, LodgingDetails
from hub.domain.kinds.logistics import LOGISTICS, LogisticsDetails
from hub.domain.kinds.need import NEED, NeedDetails
from hub.domain.kinds.offer import OFFER, OfferDetails
from hub.domain.kinds.spec import FieldSpec, Kind

# Every kind, in the order the API, the pages and the open data list them.
KINDS: tuple[Kind, ...] = (NEED, OFFER, LOGISTICS, LODGING, DONATION_CHANNEL)

Details = NeedDetails | OfferDetails | LogisticsDetails | LodgingDetails | DonationChannelDetails

_BY_KIND = {k.kind: k for k in KINDS}
_BY_DETAILS: dict[type, Kind] = {k.details: k for k in KINDS}
_BY_SLUG = {k.slug: k for k in KINDS}
_BY_TYPE_NAME = {k.type_name: k for k in KINDS}


def kind_of(kind: EntryKind) -> Kind:
    """The declaration of a kind of entry."""
    return _BY_KIND[kind]


def kind_of_details(details: object) -> Kind:
    """The declaration of the kind whose details these are."""
    return _BY_DETAILS[type(details)]


def kind_by_slug(slug: str) -> Kind | None:
    """The kind named so in URLs and open data ("needs", "donation-channels"), if any."""
    return _BY_SLUG.get(slug)


def kind_by_type_name(type_name: str) -> Kind | None:
    """The kind whose GraphQL type has this name ("LogisticsOffer"), if any."""
    return _BY_TYPE_NAME.get(type_name)


__all__ = [
    "KINDS",
    "Details",
    "DonationChannelDetails",
    "FieldSpec",
    "Kind",
    "LodgingDetails",
    "LogisticsDetails",
    "NeedDetails",
    "OfferDetails",
    "kind_by_slug",
    "kind_by_type_name",
    "kind_of",
    "kind_of_details",
]
