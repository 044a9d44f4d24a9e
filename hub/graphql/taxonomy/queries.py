"""Queries of the supply taxonomy and units."""

from __future__ import annotations

import strawberry

from hub.domain.units import Unit
from hub.graphql.context import Info
from hub.graphql.taxonomy.types import SupplyCategory, SupplyCategoryGroup, UnitInfo
from hub.graphql.views import view_of
from hub.store import categories


@strawberry.type
class TaxonomyQuery:
    @strawberry.field(description="The supply taxonomy, in display order.")
    async def supply_categories(
        self, info: Info, group_code: str | None = None, include_deprecated: bool = False
    ) -> list[SupplyCategory]:
        # The cache keeps the display order the store reads them in.
        return [
            SupplyCategory.of(c)
            for c in info.context.categories.values()
            if (group_code is None or c.group_code == group_code)
            and (include_deprecated or not c.deprecated)
        ]

    @strawberry.field(description="Groups of the supply taxonomy.")
    async def supply_category_groups(self, info: Info) -> list[SupplyCategoryGroup]:
        async with info.context.db.connection() as conn:
            return [view_of(SupplyCategoryGroup, g) for g in await categories.list_groups(conn)]

    @strawberry.field(description="Units of supply and their conversions.")
    def units(self) -> list[UnitInfo]:
        return [UnitInfo.of(unit) for unit in Unit]
