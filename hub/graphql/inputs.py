"""Mutation inputs and their translation to domain drafts and patches."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types.unset import UnsetType

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.enums import ContactVisibility, EntryStatus, OrganizationKind, Urgency, VehicleType
from hub.domain.units import Unit
from hub.graphql.ids import expect_global_id

UNSET: Any = strawberry.UNSET


def given(value: object) -> bool:
    """Whether an optional input field was sent (null counts as sent)."""
    return not isinstance(value, UnsetType)


def decimal(value: float | None) -> Decimal | None:
    """A float from JSON as an exact decimal, via its shortest text form (0.1 stays 0.1)."""
    return None if value is None else Decimal(str(value))


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


@strawberry.input(description="Where something is; province is required.")
class RegionInput:
    province: str
    city: str | None = None
    district: str | None = None
    admin_code: str | None = None

    def to_domain(self) -> model.Region:
        """The domain region."""
        return model.Region(
            province=self.province.strip(),
            city=_blank_to_none(self.city),
            district=_blank_to_none(self.district),
            admin_code=_blank_to_none(self.admin_code),
        )


@strawberry.input(description="A contact; a phone number or another channel is required.")
class ContactInput:
    name: str | None = None
    phone: str | None = None
    other_channel: str | None = None
    visibility: ContactVisibility = strawberry.field(
        default=ContactVisibility.PROTECTED,
        description="PROTECTED (the default) hides the details from the public.",
    )
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="In an update: keep this existing contact of the record (Contact.id) as it "
        "is, without sending its protected details again; name, phone and otherChannel must "
        "then be left out.",
    )

    def to_domain(self) -> model.Contact:
        """The domain contact."""
        return model.Contact(self.name, self.phone, self.other_channel, self.visibility)


def updated_contacts(
    inputs: list[ContactInput], current: tuple[model.Contact, ...]
) -> tuple[model.Contact, ...]:
    """The contacts an update sends: new ones as given, kept ones (by id) as stored.

    An id that is not one of the record's contacts keeps nothing: the line is then a contact
    with no details, which validation refuses at that line.
    """
    stored = {c.id: c for c in current if c.id is not None}
    contacts = []
    for contact in inputs:
        kept_id = expect_global_id(contact.id, "Contact") if contact.id else None
        details = contact.name or contact.phone or contact.other_channel
        if kept_id in stored and not details:
            contacts.append(stored[kept_id])
        else:
            contacts.append(contact.to_domain())
    return tuple(contacts)


@strawberry.input(description="Where the information came from (a notice, a post, a call).")
class SourceInput:
    url: str | None = None
    note: str | None = None


@strawberry.input(description="One line of a need or an offer.")
class SupplyItemInput:
    category_code: str = strawberry.field(description="A code from supplyCategories.")
    name: str
    unit: Unit
    quantity: float | None = strawberry.field(
        default=None, description="Required unless quantityUnknown is true."
    )
    quantity_unknown: bool = strawberry.field(
        default=False, description='True when the amount is unknown ("as many as possible").'
    )
    spec: str | None = None
    package_size: int | None = strawberry.field(
        default=None, description="Pieces per carton, box or pack."
    )
    fulfilled_quantity: float = 0
    certifications: list[str] = strawberry.field(default_factory=list)

    def to_domain(self) -> model.Item:
        """The domain item."""
        return model.Item(
            category_code=self.category_code.strip(),
            name=self.name,
            quantity=decimal(self.quantity),
            unit=self.unit,
            spec=_blank_to_none(self.spec),
            package_size=self.package_size,
            fulfilled_quantity=decimal(self.fulfilled_quantity) or Decimal(0),
            certifications=tuple(c.strip() for c in self.certifications),
            quantity_unknown=self.quantity_unknown,
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
            address=_blank_to_none(self.address),
            latitude=self.latitude,
            longitude=self.longitude,
            website=_blank_to_none(self.website),
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
                changes[name] = _blank_to_none(value)
        for name in ("latitude", "longitude"):
            value = getattr(self, name)
            if given(value):
                changes[name] = value
        if given(self.contacts) and self.contacts is not None:
            changes["contacts"] = updated_contacts(self.contacts, draft.contacts)
        return replace(draft, **changes)


@strawberry.input(description="Closes an entry for good.")
class CloseEntryInput:
    id: strawberry.ID
    version: int
    edit_token: str | None = None
    reason: str | None = strawberry.field(default=None, description="Why, for the record.")


# -- submissions -----------------------------------------------------------------------------


@strawberry.input(description="Fields every submission has.")
class SubmitEntryBase:
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

    def common(self, region: RegionInput) -> dict[str, Any]:
        """The draft fields shared by every kind (organizationId is resolved by the caller)."""
        return {
            "region": region.to_domain(),
            "address": _blank_to_none(self.address),
            "contacts": tuple(c.to_domain() for c in self.contacts),
            "notes": _blank_to_none(self.notes),
            "source_url": _blank_to_none(self.source.url) if self.source else None,
            "source_note": _blank_to_none(self.source.note) if self.source else None,
        }


@strawberry.input(description="A hospital's or clinic's need for supplies.")
class SubmitNeedInput(SubmitEntryBase):
    region: RegionInput
    urgency: Urgency
    items: list[SupplyItemInput]

    def to_domain(self) -> model.EntryDraft:
        """The domain draft."""
        return model.EntryDraft(
            **self.common(self.region),
            details=model.NeedDetails(urgency=self.urgency),
            items=tuple(i.to_domain() for i in self.items),
        )


@strawberry.input(description="A factory's or donor's offer of supplies.")
class SubmitOfferInput(SubmitEntryBase):
    region: RegionInput
    items: list[SupplyItemInput]
    can_deliver: bool
    is_free: bool
    provider_name: str | None = strawberry.field(
        default=None, description="An individual donor, when there is no organization."
    )
    lead_time_days: int | None = None
    price_note: str | None = None

    def to_domain(self) -> model.EntryDraft:
        """The domain draft."""
        return model.EntryDraft(
            **self.common(self.region),
            provider_name=_blank_to_none(self.provider_name),
            details=model.OfferDetails(
                can_deliver=self.can_deliver,
                is_free=self.is_free,
                lead_time_days=self.lead_time_days,
                price_note=_blank_to_none(self.price_note),
            ),
            items=tuple(i.to_domain() for i in self.items),
        )


@strawberry.input(description="A carrier's or driver's offer of transport.")
class SubmitLogisticsOfferInput(SubmitEntryBase):
    origin: RegionInput
    vehicle_type: VehicleType
    is_free: bool
    destination: RegionInput | None = strawberry.field(
        default=None, description="Leave out for any destination."
    )
    provider_name: str | None = None
    capacity_kg: float | None = None
    capacity_m3: float | None = None
    cold_chain: bool = False
    available_from: datetime | None = None
    available_until: datetime | None = None

    def to_domain(self) -> model.EntryDraft:
        """The domain draft."""
        return model.EntryDraft(
            **self.common(self.origin),
            provider_name=_blank_to_none(self.provider_name),
            details=model.LogisticsDetails(
                vehicle_type=self.vehicle_type,
                cold_chain=self.cold_chain,
                is_free=self.is_free,
                destination=self.destination.to_domain() if self.destination else None,
                capacity_kg=decimal(self.capacity_kg),
                capacity_m3=decimal(self.capacity_m3),
                available_from=self.available_from,
                available_until=self.available_until,
            ),
        )


@strawberry.input(description="A hotel's offer of rooms to medical staff.")
class SubmitLodgingInput(SubmitEntryBase):
    region: RegionInput
    rooms_available: int
    eligibility: str
    is_free: bool
    price_note: str | None = None
    available_from: datetime | None = None
    available_until: datetime | None = None

    def to_domain(self) -> model.EntryDraft:
        """The domain draft."""
        return model.EntryDraft(
            **self.common(self.region),
            details=model.LodgingDetails(
                rooms_available=self.rooms_available,
                eligibility=self.eligibility,
                is_free=self.is_free,
                price_note=_blank_to_none(self.price_note),
                available_from=self.available_from,
                available_until=self.available_until,
            ),
        )


@strawberry.input(
    description="An organization's official account for money donations. It is published only "
    "once verified; source.url must point at the official notice that publishes the account."
)
class SubmitDonationChannelInput(SubmitEntryBase):
    region: RegionInput
    account_name: str = strawberry.field(description="The account holder, as the bank has it.")
    bank: str = strawberry.field(description="Bank and branch, or the payment platform.")
    account_number: str
    remittance_note: str | None = strawberry.field(
        default=None, description="What donors write in the transfer's note (附言)."
    )
    purpose: str | None = None

    def to_domain(self) -> model.EntryDraft:
        """The domain draft."""
        return model.EntryDraft(
            **self.common(self.region),
            details=model.DonationChannelDetails(
                account_name=self.account_name,
                bank=self.bank,
                account_number=self.account_number,
                remittance_note=_blank_to_none(self.remittance_note),
                purpose=_blank_to_none(self.purpose),
            ),
        )


# -- updates ---------------------------------------------------------------------------------


def _detail_value(value: Any) -> Any:
    if isinstance(value, RegionInput):
        return value.to_domain()
    if isinstance(value, float):
        return decimal(value)
    if isinstance(value, str):
        return _blank_to_none(value)
    return value


# Detail fields that cannot be null: a null sent for them means "no change".
_REQUIRED_DETAILS = frozenset(
    {
        "urgency",
        "can_deliver",
        "is_free",
        "vehicle_type",
        "cold_chain",
        "rooms_available",
        "eligibility",
        "account_name",
        "bank",
        "account_number",
    }
)


@strawberry.input(description="Fields every update has; fields left out stay as they are.")
class UpdateEntryBase:
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
        region = (
            getattr(self, "origin", UNSET)
            if hasattr(self, "origin")
            else getattr(self, "region", UNSET)
        )
        if given(region) and region is not None:
            changes["region"] = region.to_domain()
        for name in ("address", "notes"):
            value = getattr(self, name)
            if given(value):
                changes[name] = _blank_to_none(value)
        if given(self.source):
            changes["source_url"] = _blank_to_none(self.source.url) if self.source else None
            changes["source_note"] = _blank_to_none(self.source.note) if self.source else None
        if given(self.contacts) and self.contacts is not None:
            changes["contacts"] = updated_contacts(self.contacts, draft.contacts)
        items = getattr(self, "items", UNSET)
        if given(items) and items is not None:
            changes["items"] = tuple(i.to_domain() for i in items)
        provider_name = getattr(self, "provider_name", UNSET)
        if given(provider_name):
            changes["provider_name"] = _blank_to_none(provider_name)
        detail_changes: dict[str, Any] = {}
        for f in fields(draft.details):
            value = getattr(self, f.name, UNSET)
            if not given(value) or (value is None and f.name in _REQUIRED_DETAILS):
                continue
            detail_changes[f.name] = _detail_value(value)
        changes["details"] = replace(draft.details, **detail_changes)
        status = self.status if given(self.status) and self.status is not None else entry.status
        return replace(draft, **changes), status


@strawberry.input(description="Changes to a need.")
class UpdateNeedInput(UpdateEntryBase):
    region: RegionInput | None = UNSET
    urgency: Urgency | None = UNSET
    items: list[SupplyItemInput] | None = strawberry.field(
        default=UNSET, description="Replaces the whole list."
    )


@strawberry.input(description="Changes to an offer.")
class UpdateOfferInput(UpdateEntryBase):
    region: RegionInput | None = UNSET
    provider_name: str | None = UNSET
    items: list[SupplyItemInput] | None = strawberry.field(
        default=UNSET, description="Replaces the whole list."
    )
    can_deliver: bool | None = UNSET
    is_free: bool | None = UNSET
    lead_time_days: int | None = UNSET
    price_note: str | None = UNSET


@strawberry.input(description="Changes to a logistics offer.")
class UpdateLogisticsOfferInput(UpdateEntryBase):
    origin: RegionInput | None = UNSET
    provider_name: str | None = UNSET
    destination: RegionInput | None = UNSET
    vehicle_type: VehicleType | None = UNSET
    capacity_kg: float | None = UNSET
    capacity_m3: float | None = UNSET
    cold_chain: bool | None = UNSET
    is_free: bool | None = UNSET
    available_from: datetime | None = UNSET
    available_until: datetime | None = UNSET


@strawberry.input(description="Changes to a lodging offer.")
class UpdateLodgingInput(UpdateEntryBase):
    region: RegionInput | None = UNSET
    rooms_available: int | None = UNSET
    eligibility: str | None = UNSET
    is_free: bool | None = UNSET
    price_note: str | None = UNSET
    available_from: datetime | None = UNSET
    available_until: datetime | None = UNSET


@strawberry.input(
    description="Changes to a donation channel. Any change to what reviewers vouched for (the "
    "account number above all) sends it back to PENDING."
)
class UpdateDonationChannelInput(UpdateEntryBase):
    region: RegionInput | None = UNSET
    account_name: str | None = UNSET
    bank: str | None = UNSET
    account_number: str | None = UNSET
    remittance_note: str | None = UNSET
    purpose: str | None = UNSET
