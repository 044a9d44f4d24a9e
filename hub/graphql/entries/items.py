"""Supply items: the lines of a need (what is asked) or an offer (what is available)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import model
from hub.domain.units import UNITS, Unit, to_base
from hub.graphql.common import blank_to_none, decimal
from hub.graphql.context import Info
from hub.graphql.taxonomy.types import SupplyCategory


def as_float(value: Decimal | None) -> float | None:
    """A decimal as the API's Float (None stays None)."""
    return None if value is None else float(value)


@strawberry.type(description="One line of a need (what is asked) or an offer (what is available).")
class SupplyItem:
    category_code: str
    name: str
    spec: str | None = strawberry.field(description="Specification or standard, e.g. GB 19083.")
    quantity: float | None = strawberry.field(
        description="Null when the submitter said the quantity is unknown (as many as possible)."
    )
    quantity_unknown: bool
    unit: Unit
    package_size: int | None = strawberry.field(description="Pieces per carton, box or pack.")
    fulfilled_quantity: float = strawberry.field(
        description="For a need, how much has arrived; for an offer, how much was given out."
    )
    remaining_quantity: float | None
    base_quantity: float | None = strawberry.field(
        description="The quantity in baseUnit (pieces, pairs, kilograms...), when convertible."
    )
    base_unit: Unit
    certifications: list[str]

    @strawberry.field
    def category(self, info: Info) -> SupplyCategory | None:
        # Synchronous on purpose: an async field costs an event-loop task per item.
        category = info.context.categories.get(self.category_code)
        return SupplyCategory.of(category) if category else None

    @classmethod
    def of(cls, item: model.Item) -> SupplyItem:
        """The GraphQL view of an item."""
        base = to_base(item.quantity, item.unit, item.package_size) if item.quantity else None
        remaining = (
            None
            if item.quantity is None
            else max(item.quantity - item.fulfilled_quantity, Decimal(0))
        )
        return cls(
            category_code=item.category_code,
            name=item.name,
            spec=item.spec,
            quantity=as_float(item.quantity),
            quantity_unknown=item.quantity is None,
            unit=item.unit,
            package_size=item.package_size,
            fulfilled_quantity=float(item.fulfilled_quantity),
            remaining_quantity=as_float(remaining),
            base_quantity=as_float(base[0]) if base else None,
            base_unit=UNITS[item.unit].base,
            certifications=list(item.certifications),
        )


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
            spec=blank_to_none(self.spec),
            package_size=self.package_size,
            fulfilled_quantity=decimal(self.fulfilled_quantity) or Decimal(0),
            certifications=tuple(c.strip() for c in self.certifications),
            quantity_unknown=self.quantity_unknown,
        )
