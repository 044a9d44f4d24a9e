"""The GraphQL layer of entries, derived from the registry of kinds (hub/domain/kinds/).

- kinds.py: each kind's GraphQL shape (the API's words for it beyond its declaration);
- derive.py: how a kind's type, inputs and values are made from its declaration;
- types.py: the Entry interface and the five types, with what is bespoke to each;
- inputs.py, payloads.py, mutations.py, queries.py: the derived inputs, payloads, mutations
  (submitNeed, updateLogisticsOffer, closeLodging...) and list fields (needs, lodgings...).
"""

from __future__ import annotations

from hub.graphql.entries.items import SupplyItem
from hub.graphql.entries.types import (
    TYPE_NAMES,
    AnyEntry,
    DonationChannel,
    Entry,
    Lodging,
    LogisticsOffer,
    Need,
    Offer,
    entry_id_of,
    entry_of,
)

__all__ = [
    "TYPE_NAMES",
    "AnyEntry",
    "DonationChannel",
    "Entry",
    "Lodging",
    "LogisticsOffer",
    "Need",
    "Offer",
    "SupplyItem",
    "entry_id_of",
    "entry_of",
]
