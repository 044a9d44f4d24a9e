"""An offer: supplies a factory or donor has to give."""

from __future__ import annotations

from hub.domain.enums import EntryKind, OrganizationKind
from hub.domain.kinds.common import is_free, price_note
from hub.domain.kinds.spec import Kind, WholeNumber, detail, details_class

MAX_LEAD_TIME_DAYS = 365


@details_class
class OfferDetails:
    """What only an offer of supplies has (besides its supply items)."""

    can_deliver: bool | None = detail(
        "可以自行送达",
        "We can deliver",
        hxl="#meta+delivery",
        export_zh="可配送",
        description="False: pickup only. Null: not stated.",
        input_description="False: pickup only. Leave out when the source does not say.",
        default=None,
        may_be_unstated=True,
    )
    lead_time_days: int | None = detail(
        "几天内可发货（选填）",
        "Ships within (days, optional)",
        hxl="#meta+lead_days",
        export_zh="供货周期天数",
        check=WholeNumber(0, MAX_LEAD_TIME_DAYS),
        default=None,
    )
    is_free: bool | None = is_free()
    price_note: str | None = price_note()


OFFER = Kind(
    EntryKind.OFFER,
    type_name="Offer",
    details=OfferDetails,
    description="Supplies a factory or donor has to give.",
    submit_description="A factory's or donor's offer of supplies.",
    update_description="Changes to an offer.",
    slug="offers",
    noun=("捐赠", "Offer"),
    table="offer",
    has_items=True,
    items_first=True,
    individuals_may_post=True,
    organization_kinds=(
        OrganizationKind.FACTORY,
        OrganizationKind.CHARITY,
        OrganizationKind.COMMUNITY,
        OrganizationKind.LOGISTICS,
        OrganizationKind.OTHER,
    ),
    search_words="捐赠 供应 offer donation",
    # The open data files were published with this column order before the API's settled.
    export_order=("can_deliver", "is_free", "lead_time_days", "price_note"),
)
