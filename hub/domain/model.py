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
    VerificationStatus,
)
from hub.domain.kinds import (
    Details,
    DonationChannelDetails,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    kind_of_details,
)
from hub.domain.region import Region
from hub.domain.units import Unit

# The details of each kind are declared with the kind (hub/domain/kinds/); these names stay
# importable from here, where the rest of an entry is.
__all__ = [
    "Contact",
    "Details",
    "DonationChannelDetails",
    "Entry",
    "EntryDraft",
    "Item",
    "LodgingDetails",
    "LogisticsDetails",
    "NeedDetails",
    "OfferDetails",
    "Organization",
    "OrganizationDraft",
    "Region",
    "ReviewState",
]


@dataclass(frozen=True)
class Contact:
    """A way to reach a person or a desk."""

    name: str | None
    phone: str | None
    other_channel: str | None = None
    visibility: ContactVisibility = ContactVisibility.PROTECTED
    # Set once stored; not part of what the contact says, so it takes no part in comparisons.
    id: UUID | None = field(default=None, compare=False)
    # Read from `phone` (hub/domain/contacts.py), which holds the display form with the
    # extension: derived, so no part of comparisons either. None for numbers that cannot be
    # dialled from abroad (120, 400 numbers, local numbers without area code).
    phone_e164: str | None = field(default=None, compare=False)
    phone_extension: str | None = field(default=None, compare=False)


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
    # The organization this copy was merged into by a coordinator (issue 17).
    merged_into: UUID | None = None


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
        return kind_of_details(self.details).kind


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
    # Reports asked a reviewer to recheck this verified entry (hub/domain/flags.py) at this time.
    recheck_requested_at: datetime | None = None

    def claimed_at(self, now: datetime) -> bool:
        """Whether a reviewer's lease is running at `now`."""
        return (
            self.claimed_by is not None and self.lease_until is not None and self.lease_until > now
        )
