"""A logistics offer: transport a carrier or driver offers, from its region (the origin)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from hub.domain.enums import EntryKind, OrganizationKind, VehicleType
from hub.domain.kinds.common import available_from, available_until, is_free
from hub.domain.kinds.spec import (
    Kind,
    Period,
    Place,
    PositiveAmount,
    SearchUse,
    detail,
    details_class,
)
from hub.domain.region import Region


def _refrigerated(read: Mapping[str, Any]) -> bool:
    # A sheet that says "冷藏车" and nothing about cold chain means cold chain.
    return read.get("vehicle_type") is VehicleType.REFRIGERATED_TRUCK


def _capacity(zh: str, en: str, *, hxl: str, export_zh: str) -> Any:
    # How much a vehicle takes, in one measure: optional, above zero when given.
    return detail(zh, en, hxl=hxl, export_zh=export_zh, check=PositiveAmount(), default=None)


@details_class
class LogisticsDetails:
    """What only a logistics offer has; the entry's region is the origin."""

    destination: Region | None = detail(
        "目的地",
        "To",
        hxl="+dest",
        export_zh="目的",
        description="Null: any destination.",
        input_description="Leave out for any destination.",
        check=Place(),
        search=SearchUse.BODY,
        default=None,
    )
    vehicle_type: VehicleType | None = detail(
        "车型",
        "Vehicle",
        hxl="#meta+vehicle",
        export_zh="车辆类型",
        description="Null: not stated.",
        input_description="Leave out when the source does not say.",
        search=SearchUse.BODY,
        default=None,
        may_be_unstated=True,
    )
    capacity_kg: Decimal | None = _capacity(
        "载重（千克，选填）", "Capacity (kg, optional)", hxl="#capacity+kg", export_zh="载重千克"
    )
    capacity_m3: Decimal | None = _capacity(
        "容积（立方米，选填）",
        "Capacity (m³, optional)",
        hxl="#capacity+m3",
        export_zh="容积立方米",
    )
    cold_chain: bool = detail(
        "冷链",
        "Cold chain",
        hxl="#meta+cold_chain",
        input_default=False,
        import_default=_refrigerated,
    )
    is_free: bool | None = is_free()
    available_from: datetime | None = available_from()
    available_until: datetime | None = available_until()


LOGISTICS = Kind(
    EntryKind.LOGISTICS_OFFER,
    type_name="LogisticsOffer",
    details=LogisticsDetails,
    description="Transport a carrier or driver offers; region is the origin.",
    submit_description="A carrier's or driver's offer of transport.",
    update_description="Changes to a logistics offer.",
    slug="logistics",
    noun=("物流", "Logistics"),
    table="logistics_offer",
    region_name="origin",
    individuals_may_post=True,
    organization_kinds=(
        OrganizationKind.LOGISTICS,
        OrganizationKind.COMMUNITY,
        OrganizationKind.CHARITY,
        OrganizationKind.OTHER,
    ),
    filter_type="LogisticsOfferFilter",
    search_words="物流 运输 logistics transport",
    checks=(Period("available_from", "available_until"),),
)
