"""The entries' mutation inputs and their translation to domain drafts and patches.

Each kind's Submit<Type>Input and Update<Type>Input is derived from its declaration
(hub/domain/kinds/) by hub/graphql/entries/derive.py; this module holds what every kind shares.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.enums import EntryKind, EntryStatus
from hub.domain.kinds import Kind
from hub.graphql.common import (
    UNSET,
    ContactInput,
    RegionInput,
    SourceInput,
    blank_to_none,
    given,
    updated_contacts,
)
from hub.graphql.entries.derive import (
    ITEMS,
    PROVIDER_NAME,
    submit_input,
    submitted_details,
    update_input,
    updated_details,
)
from hub.graphql.entries.kinds import SHAPES
from hub.graphql.organizations.inputs import OrganizationInput


@strawberry.input(description="Closes an entry for good.")
class CloseEntryInput:
    id: strawberry.ID
    version: int
    edit_token: str | None = None
    reason: str | None = strawberry.field(default=None, description="Why, for the record.")


@strawberry.input(description="Fields every submission has.")
class SubmitEntryBase:
    # The kind the input is made for (derived inputs set it).
    declared: ClassVar[Kind]

    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="An existing organization; or give `organization`."
    )
    organization: OrganizationInput | None = strawberry.field(
        default=None, description="A new organization, registered with the entry."
    )
    address: str | None = None
    contacts: list[ContactInput] = strawberry.field(default_factory=list)
    notes: str | None = None
    source: SourceInput | None = None

    def to_domain(self) -> model.EntryDraft:
        """The domain draft (organizationId is resolved by the caller)."""
        kind = self.declared
        region: RegionInput = getattr(self, kind.region_name)
        draft: dict[str, Any] = {
            "region": region.to_domain(),
            "address": blank_to_none(self.address),
            "contacts": tuple(c.to_domain() for c in self.contacts),
            "notes": blank_to_none(self.notes),
            "source_url": blank_to_none(self.source.url) if self.source else None,
            "source_note": blank_to_none(self.source.note) if self.source else None,
            "details": submitted_details(kind, self),
        }
        if kind.individuals_may_post:
            draft["provider_name"] = blank_to_none(getattr(self, PROVIDER_NAME))
        if kind.has_items:
            draft["items"] = tuple(i.to_domain() for i in getattr(self, ITEMS))
        return model.EntryDraft(**draft)


@strawberry.input(description="Fields every update has; fields left out stay as they are.")
class UpdateEntryBase:
    # The kind the input is made for (derived inputs set it).
    declared: ClassVar[Kind]

    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a CONFLICT.")
    edit_token: str | None = strawberry.field(
        default=None, description="The token returned when the entry was submitted."
    )
    status: EntryStatus | None = strawberry.field(
        default=UNSET, description="OPEN, PARTIALLY_FULFILLED or FULFILLED; close with close*."
    )
    address: str | None = UNSET
    contacts: list[ContactInput] | None = UNSET
    notes: str | None = UNSET
    source: SourceInput | None = UNSET

    def patch(self, entry: model.Entry) -> tuple[model.EntryDraft, EntryStatus]:
        """The entry's new content and status."""
        draft = entry.draft
        changes: dict[str, Any] = {}
        region = getattr(self, self.declared.region_name, UNSET)
        if given(region) and region is not None:
            changes["region"] = region.to_domain()
        for name in ("address", "notes"):
            value = getattr(self, name)
            if given(value):
                changes[name] = blank_to_none(value)
        if given(self.source):
            changes["source_url"] = blank_to_none(self.source.url) if self.source else None
            changes["source_note"] = blank_to_none(self.source.note) if self.source else None
        if given(self.contacts) and self.contacts is not None:
            changes["contacts"] = updated_contacts(self.contacts, draft.contacts)
        items = getattr(self, ITEMS, UNSET)
        if given(items) and items is not None:
            changes["items"] = tuple(i.to_domain() for i in items)
        provider_name = getattr(self, PROVIDER_NAME, UNSET)
        if given(provider_name):
            changes["provider_name"] = blank_to_none(provider_name)
        changes["details"] = replace(draft.details, **updated_details(self.declared, self))
        status = self.status if given(self.status) and self.status is not None else entry.status
        return replace(draft, **changes), status


# Submit<Type>Input and Update<Type>Input of every kind, by kind.
SUBMIT_INPUTS: dict[EntryKind, type[SubmitEntryBase]] = {
    s.kind.kind: submit_input(s, SubmitEntryBase) for s in SHAPES
}
UPDATE_INPUTS: dict[EntryKind, type[UpdateEntryBase]] = {
    s.kind.kind: update_input(s, UpdateEntryBase) for s in SHAPES
}
