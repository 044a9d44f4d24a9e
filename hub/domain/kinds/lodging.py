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

    # Null: the source gives no count (most hotels' notices do not). 0 means full, so an
    # unknown count must not be published as 0.
    rooms_available: int | None = detail(
        "可用房间数",
        "Rooms available",
        hxl="#capacity+rooms",
        description="Null: not stated (0 means none left).",
        input_description="Leave out when the source does not say.",
        check=WholeNumber(0, MAX_ROOMS),
        default=None,
        may_be_unstated=True,
    )
    eligibility: str | None = detail(
        "入住条件",
        "Who may stay",
        hxl="#meta+eligibility",
        description="Who may stay, e.g. medical staff of Wuhan. Null: not stated.",
        input_description="Who may stay, e.g. medical staff of Wuhan. Leave out when the "
        "source does not say.",
        check=Text(MAX_NOTES),
        search=SearchUse.BODY,
        default=None,
        may_be_unstated=True,
    )
    is_free: bool | None = is_free()
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
