"""Each kind's GraphQL shape: what the API says about it beyond its declaration.

Everything else of a kind's API (its type's fields, its submit and update inputs, its payloads,
its mutations and its list field) is derived from hub/domain/kinds/ by
hub/graphql/entries/derive.py; a kind with no line here gets the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.enums import EntryKind
from hub.domain.kinds import KINDS, Kind, kind_of


@dataclass(frozen=True)
class Shape:
    """The API's words for one kind, and where its bespoke parts go."""

    kind: Kind
    # The kind in a sentence ("logistics offer"); by default its English noun, in lower case.
    thing: str = ""
    # The descriptions of its list field and of its submit mutation.
    list_description: str = ""
    submit_description: str = ""
    update_description: str = ""
    # Listed by priority by default (needs); else by ListOrder, most recently updated first.
    by_priority: bool = False
    # The description of the poster's name (providerName) in its submit input, if any.
    provider_description: str | None = None

    def __post_init__(self) -> None:
        if not self.thing:
            object.__setattr__(self, "thing", self.kind.noun[1].lower())

    @property
    def a_thing(self) -> str:
        """The kind with its article ("an offer")."""
        return f"{'an' if self.thing[0] in 'aeiou' else 'a'} {self.thing}"

    @property
    def listed(self) -> str:
        """The list field's description."""
        return self.list_description or self.kind.description

    @property
    def submit(self) -> str:
        """The submit mutation's description."""
        return self.submit_description or f"Publish {self.a_thing}; it starts PENDING."

    @property
    def update(self) -> str:
        """The update mutation's description."""
        return self.update_description or f"Change {self.a_thing}."

    @property
    def close(self) -> str:
        """The close mutation's description."""
        return f"Close {self.a_thing} for good."

    @property
    def edit_token(self) -> str:
        """The description of the edit token a submission returns."""
        return f"Keep it: it is needed to change or close the {self.thing}. Shown only once."


_SHAPES = {
    shape.kind.kind: shape
    for shape in (
        Shape(
            kind_of(EntryKind.NEED),
            list_description="Supply needs; by default highest priority first (urgency raised by "
            "neglect: see Need.priority).",
            submit_description="Publish a need; it starts PENDING until reviewed.",
            update_description="Change a need; a stale version is a CONFLICT.",
            by_priority=True,
        ),
        Shape(
            kind_of(EntryKind.OFFER),
            list_description="Offers of supplies from factories and donors.",
            submit_description="Publish an offer of supplies; it starts PENDING.",
            provider_description="An individual donor, when there is no organization.",
        ),
        Shape(
            kind_of(EntryKind.LOGISTICS_OFFER),
            "logistics offer",
            list_description="Transport offered by carriers and drivers.",
            submit_description="Publish an offer of transport; it starts PENDING.",
        ),
        Shape(
            kind_of(EntryKind.LODGING),
            "lodging offer",
            list_description="Rooms hotels offer to medical staff.",
            submit_description="Publish an offer of rooms; it starts PENDING.",
        ),
        Shape(
            kind_of(EntryKind.DONATION_CHANNEL),
            list_description="Official accounts for money donations (VERIFIED ones unless the "
            "filter asks for others; unverified account numbers are masked).",
            submit_description="Publish an organization's donation account; it starts PENDING and "
            "its number stays masked until verified.",
            update_description="Change a donation channel; a changed account number sends it back "
            "to PENDING and is shown to reviewers before and after.",
        ),
    )
}


def shape_of(kind: EntryKind) -> Shape:
    """The GraphQL shape of a kind (the defaults when it has no line here)."""
    found = _SHAPES.get(kind)
    return found or Shape(kind_of(kind))


# Every kind's shape, in the registry's order.
SHAPES: tuple[Shape, ...] = tuple(shape_of(kind.kind) for kind in KINDS)
