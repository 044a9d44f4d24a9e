"""Queries of the directory: organizations, the supply taxonomy and units."""

from __future__ import annotations

from functools import partial

import strawberry

from hub.domain.listing import OrganizationOrder, organization_key
from hub.domain.units import Unit
from hub.graphql.connections import Connection, after_key, build_connection, page_size
from hub.graphql.context import Info
from hub.graphql.filters import OrganizationFilterInput
from hub.graphql.organizations import Organization
from hub.graphql.taxonomy import SupplyCategory, SupplyCategoryGroup, UnitInfo
from hub.store import categories, organizations


@strawberry.type
class DirectoryQuery:
    @strawberry.field(description="Registered organizations.")
    async def organizations(
        self,
        info: Info,
        filter: OrganizationFilterInput | None = None,
        order_by: OrganizationOrder = OrganizationOrder.NAME,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Organization]:
        ctx = info.context
        size = page_size(first, ctx.settings.max_page_size)
        key = after_key(after, order_by)
        flt = filter.to_domain() if filter else OrganizationFilterInput().to_domain()
        async with ctx.db.connection() as conn:
            records = await organizations.list_organizations(conn, flt, order_by, key, size + 1)

        async def count() -> int:
            async with ctx.db.connection() as conn:
                return await organizations.count_organizations(conn, flt)

        return build_connection(
            records,
            size,
            order_by,
            partial(organization_key, order=order_by),
            lambda o: Organization.of(o, ctx.may_see_protected_contacts),
            count,
            has_previous=key is not None,
        )

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
            return [SupplyCategoryGroup.of(g) for g in await categories.list_groups(conn)]

    @strawberry.field(description="Units of supply and their conversions.")
    def units(self) -> list[UnitInfo]:
        return [UnitInfo.of(unit) for unit in Unit]
