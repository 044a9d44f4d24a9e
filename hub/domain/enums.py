"""The closed vocabularies of the hub; their names are part of the public API."""

from __future__ import annotations

from enum import Enum


class OrganizationKind(Enum):
    """What an organization is."""

    HOSPITAL = "HOSPITAL"
    CLINIC = "CLINIC"
    HOTEL = "HOTEL"
    FACTORY = "FACTORY"
    LOGISTICS = "LOGISTICS"
    CHARITY = "CHARITY"
    COMMUNITY = "COMMUNITY"
    GOVERNMENT = "GOVERNMENT"
    OTHER = "OTHER"


class EntryKind(Enum):
    """The kinds of entry anyone can publish."""

    NEED = "NEED"
    OFFER = "OFFER"
    LOGISTICS_OFFER = "LOGISTICS_OFFER"
    LODGING = "LODGING"
    # An organization's official account for money donations.
    DONATION_CHANNEL = "DONATION_CHANNEL"


class Urgency(Enum):
    """How soon a need must be met; CRITICAL first."""

    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class EntryStatus(Enum):
    """How far an entry has been met (a need) or given out (an offer)."""

    OPEN = "OPEN"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED"
    FULFILLED = "FULFILLED"
    CLOSED = "CLOSED"


class VerificationStatus(Enum):
    """How far an entry can be trusted."""

    PENDING = "PENDING"
    IN_REVIEW = "IN_REVIEW"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    NEEDS_CHANGES = "NEEDS_CHANGES"
    EXPIRED = "EXPIRED"


class ContactVisibility(Enum):
    """PUBLIC: an official hotline anyone may see. PROTECTED: a person's own number."""

    PUBLIC = "PUBLIC"
    PROTECTED = "PROTECTED"


class MissingDetail(Enum):
    """What an entry was accepted without and a reviewer must complete before verifying it
    (hub/domain/completeness.py)."""

    # No supply items listed: ask the poster for the list.
    ITEMS = "ITEMS"
    # No contact: find a phone (the notice, the organization's switchboard).
    CONTACT = "CONTACT"


class VehicleType(Enum):
    """What a carrier drives."""

    CAR = "CAR"
    VAN = "VAN"
    TRUCK = "TRUCK"
    REFRIGERATED_TRUCK = "REFRIGERATED_TRUCK"
    MOTORCYCLE = "MOTORCYCLE"
    OTHER = "OTHER"


class EventType(Enum):
    """What an outbox event says happened to an entry or organization."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    STATUS_CHANGED = "STATUS_CHANGED"
    FULFILLED = "FULFILLED"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    FLAGGED = "FLAGGED"
    # A pledge to or from the entry was made or moved on (accepted, shipped, delivered...).
    PLEDGE_CHANGED = "PLEDGE_CHANGED"


class PledgeStatus(Enum):
    """Where a donor's commitment of supply to a need stands."""

    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class ShipmentStatus(Enum):
    """Where a carrier's leg of transport for a pledge stands."""

    ASSIGNED = "ASSIGNED"
    PICKED_UP = "PICKED_UP"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
