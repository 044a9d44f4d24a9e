"""The root Query type."""

from __future__ import annotations

import asyncio
from functools import partial

import strawberry

from hub.domain.enums import EntryKind
from hub.domain.listing import (
    EntryFilter,
    EntryOrder,
    OrganizationOrder,
    entry_key,
    organization_key,
    priority_key,
    read_priority_key,
)
from hub.domain.model import Entry as EntryRecord
from hub.domain.units import Unit
from hub.graphql.connections import Connection, after_key, build_connection, page_size
from hub.graphql.context import Info
from hub.graphql.entries import (
    TYPE_NAMES,
    AnyEntry,
    DonationChannel,
    Lodging,
    LogisticsOffer,
    Need,
    Offer,
    entry_of,
)
from hub.graphql.enums import ListOrder
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.filters import (
    EntryFilterInput,
    LogisticsOfferFilter,
    NeedFilter,
    OrganizationFilterInput,
)
from hub.graphql.ids import require_global_id
from hub.graphql.node import Node
from hub.graphql.organizations.types import Organization
from hub.graphql.taxonomy.types import SupplyCategory, SupplyCategoryGroup, UnitInfo
from hub.store import categories, entries, organizations

MAX_NODES = 100


async def _by_priority(
    info: Info, flt: EntryFilter, first: int | None, after: str | None
) -> Connection[AnyEntry]:
    """Needs by priority: the cursor carries its first page's clock, so that every page of one
    listing ranks by the same time."""
    ctx = info.context
    size = page_size(first, ctx.settings.max_page_size)
    key = after_key(after, EntryOrder.PRIORITY)
    as_of, start = ctx.now, None
    if key is not None:
        as_of, score, entry_id = read_priority_key(key)
        start = (score, entry_id)
    async with ctx.db.connection() as conn:
        ranked = await entries.list_needs_by_priority(conn, flt, as_of, start, size + 1)
    scores = {entry.id: score for entry, score in ranked}

    async def count() -> int:
        async with ctx.db.connection() as conn:
            return await entries.count_entries(conn, EntryKind.NEED, flt)

    return build_connection(
        [entry for entry, _ in ranked],
        size,
        EntryOrder.PRIORITY,
        lambda entry: priority_key(as_of, scores[entry.id], entry.id),
        lambda entry: entry_of(entry, ctx.may_see_protected_contacts),
        count,
        has_previous=key is not None,
    )


async def _entries(
    info: Info,
    kind: EntryKind,
    flt: EntryFilter,
    order: EntryOrder,
    first: int | None,
    after: str | None,
) -> Connection[AnyEntry]:
    ctx = info.context
    if order is EntryOrder.PRIORITY:
        return await _by_priority(info, flt, first, after)
    size = page_size(first, ctx.settings.max_page_size)
    key = after_key(after, order)
    async with ctx.db.connection() as conn:
        records = await entries.list_entries(conn, kind, flt, order, key, size + 1)

    async def count() -> int:
        async with ctx.db.connection() as conn:
            return await entries.count_entries(conn, kind, flt)

    def node(record: EntryRecord) -> AnyEntry:
        return entry_of(record, ctx.may_see_protected_contacts)

    return build_connection(
        records,
        size,
        order,
        partial(entry_key, order=order),
        node,
        count,
        has_previous=key is not None,
    )


async def _node(info: Info, global_id: str) -> Node | None:
    type_name, local_id = require_global_id(global_id)
    ctx = info.context
    if type_name == "Organization":
        organization = await ctx.loaders.organization.load(local_id)
        if organization is None:
            return None
        return Organization.of(organization, ctx.may_see_protected_contacts)
    if type_name not in TYPE_NAMES.values():
        return None  # users and tokens have global ids but are not public nodes
    entry = await ctx.loaders.entry.load(local_id)
    if entry is None or TYPE_NAMES[entry.kind] != type_name:
        return None
    return entry_of(entry, ctx.may_see_protected_contacts)


@strawberry.type
class EntryQuery:
    @strawberry.field(description="Any object by its global id; null when there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _node(info, id)

    @strawberry.field(description=f"Several objects by global id (at most {MAX_NODES}).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise hub_error(ErrorCode.PAGE_SIZE_EXCEEDED, f"ids takes at most {MAX_NODES} ids.")
        # Gathered, so that the DataLoaders fetch every id in one batch.
        return list(await asyncio.gather(*(_node(info, i) for i in ids)))

    @strawberry.field(
        description="Supply needs; by default highest priority first (urgency raised by "
        "neglect: see Need.priority)."
    )
    async def needs(
        self,
        info: Info,
        filter: NeedFilter | None = None,
        order_by: EntryOrder = EntryOrder.PRIORITY,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Need]:
        flt = (filter or NeedFilter()).to_domain()
        return await _entries(info, EntryKind.NEED, flt, order_by, first, after)  # type: ignore[return-value]

    @strawberry.field(description="Offers of supplies from factories and donors.")
    async def offers(
        self,
        info: Info,
        filter: EntryFilterInput | None = None,
        order_by: ListOrder = ListOrder.RECENTLY_UPDATED,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Offer]:
        flt = (filter or EntryFilterInput()).to_domain()
        return await _entries(info, EntryKind.OFFER, flt, order_by.to_domain(), first, after)  # type: ignore[return-value]

    @strawberry.field(description="Transport offered by carriers and drivers.")
    async def logistics_offers(
        self,
        info: Info,
        filter: LogisticsOfferFilter | None = None,
        order_by: ListOrder = ListOrder.RECENTLY_UPDATED,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[LogisticsOffer]:
        flt = (filter or EntryFilterInput()).to_domain()
        return await _entries(  # type: ignore[return-value]
            info, EntryKind.LOGISTICS_OFFER, flt, order_by.to_domain(), first, after
        )

    @strawberry.field(description="Rooms hotels offer to medical staff.")
    async def lodgings(
        self,
        info: Info,
        filter: EntryFilterInput | None = None,
        order_by: ListOrder = ListOrder.RECENTLY_UPDATED,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Lodging]:
        flt = (filter or EntryFilterInput()).to_domain()
        return await _entries(info, EntryKind.LODGING, flt, order_by.to_domain(), first, after)  # type: ignore[return-value]

    @strawberry.field(
        description="Official accounts for money donations (VERIFIED ones unless the filter "
        "asks for others; unverified account numbers are masked)."
    )
    async def donation_channels(
        self,
        info: Info,
        filter: EntryFilterInput | None = None,
        order_by: ListOrder = ListOrder.RECENTLY_UPDATED,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[DonationChannel]:
        flt = (filter or EntryFilterInput()).to_domain()
        return await _entries(  # type: ignore[return-value]
            info, EntryKind.DONATION_CHANNEL, flt, order_by.to_domain(), first, after
        )

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
