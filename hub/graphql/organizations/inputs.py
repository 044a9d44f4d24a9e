"""The inputs that register and change an organization."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.enums import OrganizationKind
from hub.graphql.common import (
    UNSET,
    ContactInput,
    RegionInput,
    blank_to_none,
    given,
    updated_contacts,
)


@strawberry.input(description="A new organization.")
class OrganizationInput:
    name: str
    kind: OrganizationKind
    region: RegionInput
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    website: str | None = None
    contacts: list[ContactInput] = strawberry.field(default_factory=list)

    def to_domain(self) -> model.OrganizationDraft:
        """The domain draft."""
        return model.OrganizationDraft(
            name=self.name,
            kind=self.kind,
            region=self.region.to_domain(),
            address=blank_to_none(self.address),
            latitude=self.latitude,
            longitude=self.longitude,
            website=blank_to_none(self.website),
            contacts=tuple(c.to_domain() for c in self.contacts),
        )


@strawberry.input(description="Changes to an organization; fields left out stay as they are.")
class UpdateOrganizationInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a CONFLICT.")
    edit_token: str | None = strawberry.field(
        default=None, description="The token returned when the organization was registered."
    )
    name: str | None = UNSET
    kind: OrganizationKind | None = UNSET
    region: RegionInput | None = UNSET
    address: str | None = UNSET
    latitude: float | None = UNSET
    longitude: float | None = UNSET
    website: str | None = UNSET
    contacts: list[ContactInput] | None = UNSET

    def apply(self, draft: model.OrganizationDraft) -> model.OrganizationDraft:
        """The draft with the sent fields changed."""
        changes: dict[str, Any] = {}
        for name in ("name", "kind"):
            value = getattr(self, name)
            if given(value) and value is not None:
                changes[name] = value
        if given(self.region) and self.region is not None:
            changes["region"] = self.region.to_domain()
        for name in ("address", "website"):
            value = getattr(self, name)
            if given(value):
                changes[name] = blank_to_none(value)
        for name in ("latitude", "longitude"):
            value = getattr(self, name)
            if given(value):
                changes[name] = value
        if given(self.contacts) and self.contacts is not None:
            changes["contacts"] = updated_contacts(self.contacts, draft.contacts)
        return replace(draft, **changes)


@strawberry.input(description="A reviewer's verification of an organization as it now is.")
class VerifyOrganizationInput:
    id: strawberry.ID
    version: int = strawberry.field(
        description="The version you checked; a newer one (edited since) is a CONFLICT."
    )
