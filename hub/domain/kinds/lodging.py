"""Lodging: rooms a hotel offers to medical staff."""

from __future__ import annotations

from datetime import datetime

from hub.domain.enums import EntryKind, OrganizationKind
from hub.domain.kinds.common import MAX_NOTES, available_from, available_until, is_free, price_note
from hub.domain.kinds.spec import (
    Kind,
    Period,
    SearchUse,
    Text,
    WholeNumber,
    detail,
    details_class,
)

MAX_ROOMS = 100_000


@details_class
class LodgingDetails:
    """What only a lodging offer has."""

    rooms_available: int = detail(
        "可用房间数", "Rooms available", hxl="#capacity+rooms", check=WholeNumber(0, MAX_ROOMS)
    )
    eligibility: str = detail(
        "入住条件",
        "Who may stay",
        hxl="#meta+eligibility",
        description="Who may stay, e.g. medical staff of Wuhan.",
        check=Text(MAX_NOTES, required=True),
        search=SearchUse.BODY,
        import_default="",
    )
    is_free: bool = is_free()
    price_note: str | None = price_note()
    available_from: datetime | None = available_from()
    available_until: datetime | None = available_until()


LODGING = Kind(
    EntryKind.LODGING,
    type_name="Lodging",
    details=LodgingDetails,
    description="Rooms a hotel offers to medical staff.",
    submit_description="A hotel's offer of rooms to medical staff.",
    update_description="Changes to a lodging offer.",
    slug="lodging",
    noun=("住宿", "Lodging"),
    table="lodging",
    organization_kinds=(
        OrganizationKind.HOTEL,
        OrganizationKind.COMMUNITY,
        OrganizationKind.CHARITY,
        OrganizationKind.OTHER,
    ),
    search_words="住宿 酒店 lodging hotel",
    checks=(Period("available_from", "available_until"),),
    row_fields=("rooms_available", "eligibility"),
)
