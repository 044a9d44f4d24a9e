"""Queries of organizations: the directory of those registered."""

from __future__ import annotations

from functools import partial

import strawberry

from hub.domain.listing import OrganizationOrder, organization_key
from hub.graphql.connections import Connection, after_key, build_connection, counted, page_size
from hub.graphql.context import Info
from hub.graphql.filters import OrganizationFilterInput
from hub.graphql.organizations.types import Organization
from hub.store import organizations


@strawberry.type
class OrganizationQuery:
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

        return build_connection(
            records,
            size,
            order_by,
            partial(organization_key, order=order_by),
            lambda o: Organization.of(o, ctx.may_see_protected_contacts),
            counted(ctx.db, lambda conn: organizations.count_organizations(conn, flt)),
            has_previous=key is not None,
        )
