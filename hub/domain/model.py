"""The hub's records: what organizations and entries hold, independent of storage and API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from hub.domain.enums import (
    ContactVisibility,
    EntryKind,
    EntryStatus,
    OrganizationKind,
    Urgency,
    VehicleType,
    VerificationStatus,
)
from hub.domain.units import Unit


@dataclass(frozen=True)
class Region:
    """Where something is: province, city, district and an optional administrative code."""

    province: str
    city: str | None = None
    district: str | None = None
    admin_code: str | None = None


@dataclass(frozen=True)
class Contact:
    """A way to reach a person or a desk."""

    name: str | None
    phone: str | None
    other_channel: str | None = None
    visibility: ContactVisibility = ContactVisibility.PROTECTED
    # Set once stored; not part of what the contact says, so it takes no part in comparisons.
    id: UUID | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Item:
    """One line of a need or an offer. `quantity` None means "as many as possible"/unknown."""

    category_code: str
    name: str
    quantity: Decimal | None
    unit: Unit
    spec: str | None = None
    package_size: int | None = None
    fulfilled_quantity: Decimal = Decimal(0)
    certifications: tuple[str, ...] = ()
    # Said explicitly by the submitter; an item with neither a quantity nor this is invalid.
    quantity_unknown: bool = False


@dataclass(frozen=True)
class OrganizationDraft:
    """What someone registering an organization provides."""

    name: str
    kind: OrganizationKind
    region: Region
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    website: str | None = None
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class Organization:
    """A registered organization."""

    id: UUID
    draft: OrganizationDraft
    verification_status: VerificationStatus
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class NeedDetails:
    """What only a need has."""

    urgency: Urgency


@dataclass(frozen=True)
class OfferDetails:
    """What only an offer of supplies has."""

    can_deliver: bool
    is_free: bool
    lead_time_days: int | None = None
    price_note: str | None = None


@dataclass(frozen=True)
class LogisticsDetails:
    """What only a logistics offer has; the entry's region is the origin."""

    vehicle_type: VehicleType
    cold_chain: bool
    is_free: bool
    destination: Region | None = None
    capacity_kg: Decimal | None = None
    capacity_m3: Decimal | None = None
    available_from: datetime | None = None
    available_until: datetime | None = None


@dataclass(frozen=True)
class LodgingDetails:
    """What only a lodging offer has."""

    rooms_available: int
    eligibility: str
    is_free: bool
    price_note: str | None = None
    available_from: datetime | None = None
    available_until: datetime | None = None


@dataclass(frozen=True)
class DonationChannelDetails:
    """What only a donation channel has; the entry's source URL is the official notice."""

    account_name: str
    bank: str
    account_number: str
    remittance_note: str | None = None
    purpose: str | None = None


Details = NeedDetails | OfferDetails | LogisticsDetails | LodgingDetails | DonationChannelDetails

KIND_OF_DETAILS: dict[type[Details], EntryKind] = {
    NeedDetails: EntryKind.NEED,
    OfferDetails: EntryKind.OFFER,
    LogisticsDetails: EntryKind.LOGISTICS_OFFER,
    LodgingDetails: EntryKind.LODGING,
    DonationChannelDetails: EntryKind.DONATION_CHANNEL,
}


@dataclass(frozen=True)
class EntryDraft:
    """What a submitter provides for any kind of entry; `details` says which kind."""

    region: Region
    details: Details
    organization_id: UUID | None = None
    provider_name: str | None = None
    address: str | None = None
    notes: str | None = None
    source_url: str | None = None
    source_note: str | None = None
    items: tuple[Item, ...] = ()
    contacts: tuple[Contact, ...] = field(default=())

    @property
    def kind(self) -> EntryKind:
        """The kind of entry, read from its details."""
        return KIND_OF_DETAILS[type(self.details)]


@dataclass(frozen=True)
class Entry:
    """A published need, offer, logistics offer or lodging."""

    id: UUID
    draft: EntryDraft
    status: EntryStatus
    verification_status: VerificationStatus
    created_at: datetime
    updated_at: datetime
    version: int
    verified_at: datetime | None = None
    expires_at: datetime | None = None
    close_reason: str | None = None
    review: ReviewState | None = None
    # Posted by a member of its (verified) organization.
    self_reported: bool = False
    merged_into: UUID | None = None

    @property
    def kind(self) -> EntryKind:
        """The kind of entry."""
        return self.draft.kind


@dataclass(frozen=True)
class ReviewState:
    """Where an entry stands in the review queue."""

    round: int
    queued_at: datetime
    claimed_by: UUID | None = None
    lease_until: datetime | None = None
    rejection_reason: str | None = None
    submitted_by: UUID | None = None

    def claimed_at(self, now: datetime) -> bool:
        """Whether a reviewer's lease is running at `now`."""
        return (
            self.claimed_by is not None and self.lease_until is not None and self.lease_until > now
        )
