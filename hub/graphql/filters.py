"""Filter inputs of the list queries, and their translation to the domain."""

from __future__ import annotations

from datetime import datetime

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain.enums import EntryStatus, OrganizationKind, Urgency, VerificationStatus
from hub.domain.listing import EntryFilter, OrganizationFilter
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id

MAX_FILTER_VALUES = 50
PUBLIC_DEFAULT = (VerificationStatus.VERIFIED,)


def _capped(values: list[str] | None, name: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if len(values) > MAX_FILTER_VALUES:
        raise hub_error(
            ErrorCode.BAD_USER_INPUT, f"{name} takes at most {MAX_FILTER_VALUES} values."
        )
    return tuple(values)


@strawberry.input(
    name="EntryFilter", description="Filters shared by every kind of entry; all given must hold."
)
class EntryFilterInput:
    province: str | None = None
    city: str | None = None
    district: str | None = None
    category_codes: list[str] | None = None
    statuses: list[EntryStatus] | None = None
    verification_statuses: list[VerificationStatus] | None = strawberry.field(
        default=None,
        description="Defaults to [VERIFIED]: public lists show verified entries unless asked.",
    )
    organization_kinds: list[OrganizationKind] | None = None
    organization_id: strawberry.ID | None = None
    updated_since: datetime | None = None

    def to_domain(self) -> EntryFilter:
        """The domain filter."""
        organization_id = None
        if self.organization_id is not None:
            organization_id = expect_global_id(self.organization_id, "Organization")
            if organization_id is None:
                raise hub_error(ErrorCode.INVALID_ID, "organizationId is not an Organization id.")
        return EntryFilter(
            province=self.province or None,
            city=self.city or None,
            district=self.district or None,
            category_codes=_capped(self.category_codes, "categoryCodes"),
            statuses=tuple(self.statuses or ()),
            verification_statuses=PUBLIC_DEFAULT
            if self.verification_statuses is None
            else tuple(self.verification_statuses),
            organization_kinds=tuple(self.organization_kinds or ()),
            organization_id=organization_id,
            updated_since=self.updated_since,
        )


@strawberry.input(description="Filters of needs.")
class NeedFilter(EntryFilterInput):
    urgencies: list[Urgency] | None = None

    def to_domain(self) -> EntryFilter:
        """The domain filter."""
        base = super().to_domain()
        return EntryFilter(**{**base.__dict__, "urgencies": tuple(self.urgencies or ())})


@strawberry.input(description="Filters of logistics offers; province and city are the origin.")
class LogisticsOfferFilter(EntryFilterInput):
    destination_province: str | None = None
    destination_city: str | None = None

    def to_domain(self) -> EntryFilter:
        """The domain filter."""
        base = super().to_domain()
        return EntryFilter(
            **{
                **base.__dict__,
                "destination_province": self.destination_province or None,
                "destination_city": self.destination_city or None,
            }
        )


@strawberry.input(name="OrganizationFilter", description="Filters of organizations.")
class OrganizationFilterInput:
    kinds: list[OrganizationKind] | None = None
    province: str | None = None
    city: str | None = None
    name_contains: str | None = None

    def to_domain(self) -> OrganizationFilter:
        """The domain filter."""
        if self.name_contains is not None and len(self.name_contains) > 200:
            raise hub_error(ErrorCode.BAD_USER_INPUT, "nameContains is at most 200 characters.")
        return OrganizationFilter(
            kinds=tuple(self.kinds or ()),
            province=self.province or None,
            city=self.city or None,
            name_contains=self.name_contains or None,
        )


# Each kind's list filter, by its GraphQL name (Kind.filter_type).
FILTERS: dict[str, type[EntryFilterInput]] = {
    "EntryFilter": EntryFilterInput,
    "NeedFilter": NeedFilter,
    "LogisticsOfferFilter": LogisticsOfferFilter,
}
