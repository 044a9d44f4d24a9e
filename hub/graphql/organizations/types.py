"""The Organization type."""

from __future__ import annotations

from datetime import datetime

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.enums import OrganizationKind, VerificationStatus
from hub.graphql.common import Contact, Region
from hub.graphql.ids import node_id
from hub.graphql.node import Node


@strawberry.type(description="A hospital, clinic, hotel, factory, carrier, charity, ...")
class Organization(Node):
    name: str
    kind: OrganizationKind
    region: Region
    address: str | None
    latitude: float | None
    longitude: float | None
    website: str | None
    contacts: list[Contact]
    verification_status: VerificationStatus
    created_at: datetime
    updated_at: datetime
    version: int = strawberry.field(description="Pass it back when updating (optimistic locking).")
    merged_into: strawberry.ID | None = strawberry.field(
        default=None,
        description="The organization a coordinator merged this copy into (mergeOrganizations).",
    )

    @classmethod
    def of(cls, organization: model.Organization, may_see_protected: bool) -> Organization:
        """The GraphQL view of an organization for one reader."""
        draft = organization.draft
        return cls(
            id=node_id("Organization", organization.id),
            name=draft.name,
            kind=draft.kind,
            region=Region.of(draft.region),
            address=draft.address,
            latitude=draft.latitude,
            longitude=draft.longitude,
            website=draft.website,
            contacts=Contact.list_of(draft.contacts, may_see_protected),
            verification_status=organization.verification_status,
            created_at=organization.created_at,
            updated_at=organization.updated_at,
            version=organization.version,
            merged_into=(
                node_id("Organization", organization.merged_into)
                if organization.merged_into
                else None
            ),
        )
