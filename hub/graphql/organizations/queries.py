"""Queries of organizations: the directory of those registered."""

from __future__ import annotations

from functools import partial

import strawberry

from hub.domain.listing import OrganizationOrder, organization_key
from hub.graphql.connections import Connection, after_key, build_connection, counted, page_size
from hub.graphql.context import Info
from hub.graphql.filters import OrganizationFilterInput
from hub.graphql.organizations.types import Organization
from hub.services import organizations as organization_service
from hub.store import organizations

# A name or place longer than this names nothing registered (and costs only a refusal).
_MAX_QUERY = 200


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

    @strawberry.field(
        description="Registered organizations that likely are the one named: the same name as "
        "written (武汉汉口医院 for 武汉市汉口医院, 湖北省X for X, a name or its alias in "
        "parentheses, 第1 for 第一) first, then names differing only by left-out characters; "
        "never one of another city. Offered before registering, so as not to make a copy."
    )
    async def similar_organizations(
        self, info: Info, name: str, province: str, city: str | None = None
    ) -> list[Organization]:
        ctx = info.context
        if len(name) > _MAX_QUERY or len(province) > _MAX_QUERY or len(city or "") > _MAX_QUERY:
            return []
        found = await organization_service.similar_to(ctx.db, name, province, city)
        return [Organization.of(o, ctx.may_see_protected_contacts) for o in found]
