"""The entries' queries: node and nodes, and one list field per kind (needs, offers,
logisticsOffers, lodgings, donationChannels), made from the registry of kinds."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField, Selection
from strawberry.utils.str_converters import to_snake_case

from hub.domain.edit_tokens import token_matches
from hub.domain.enums import EntryKind
from hub.domain.listing import (
    EntryFilter,
    EntryOrder,
    entry_key,
    priority_key,
    read_priority_key,
)
from hub.domain.model import Entry as EntryRecord
from hub.domain.visibility import shown_to
from hub.graphql.connections import Connection, after_key, build_connection, counted, page_size
from hub.graphql.context import Info
from hub.graphql.entries.kinds import SHAPES, Shape
from hub.graphql.entries.types import ENTRY_TYPES, TYPE_NAMES, AnyEntry, entry_of
from hub.graphql.enums import ListOrder
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.filters import FILTERS
from hub.graphql.ids import require_global_id
from hub.graphql.node import Node
from hub.graphql.organizations.types import Organization
from hub.store import entries

MAX_NODES = 100


def _selects(selections: Sequence[Selection], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == name:
            return True
        if _selects(selection.selections, name):
            return True
    return False


def _selects_contacts(info: Info) -> bool:
    """Whether the list's selection names `contacts` anywhere (whatever its type, fragment or
    directive: loading them when unsure is only slower)."""
    return _selects(info.selected_fields, "contacts")


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
        ranked = await entries.list_needs_by_priority(
            conn, flt, as_of, start, size + 1, contacts_too=_selects_contacts(info)
        )
    scores = {entry.id: score for entry, score in ranked}

    return build_connection(
        [entry for entry, _ in ranked],
        size,
        EntryOrder.PRIORITY,
        lambda entry: priority_key(as_of, scores[entry.id], entry.id),
        lambda entry: entry_of(entry, ctx.may_see_protected_contacts),
        counted(ctx.db, lambda conn: entries.count_entries(conn, EntryKind.NEED, flt)),
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
        records = await entries.list_entries(
            conn, kind, flt, order, key, size + 1, contacts_too=_selects_contacts(info)
        )

    def node(record: EntryRecord) -> AnyEntry:
        return entry_of(record, ctx.may_see_protected_contacts)

    return build_connection(
        records,
        size,
        order,
        partial(entry_key, order=order),
        node,
        counted(ctx.db, lambda conn: entries.count_entries(conn, kind, flt)),
        has_previous=key is not None,
    )


def _list_field(shape: Shape) -> Any:
    """A kind's list: its filter, its order (needs: by priority), keyset pages."""
    kind = shape.kind.kind
    filter_type = FILTERS[shape.kind.filter_type]
    order_type: type[Any] = EntryOrder if shape.by_priority else ListOrder
    default_order = EntryOrder.PRIORITY if shape.by_priority else ListOrder.RECENTLY_UPDATED
    # The connection of the kind's own type (NeedConnection), chosen at run time.
    connection: Any = Connection

    async def resolve(
        self: Any,
        info: Info,
        filter: Any = None,
        order_by: Any = default_order,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[AnyEntry]:
        flt = (filter or filter_type()).to_domain()
        order = order_by.to_domain() if isinstance(order_by, ListOrder) else order_by
        return await _entries(info, kind, flt, order, first, after)

    resolve.__annotations__ = {
        "self": Any,
        "info": Info,
        "filter": filter_type | None,
        "order_by": order_type,
        "first": int | None,
        "after": str | None,
        "return": connection[ENTRY_TYPES[kind]],
    }
    return strawberry.field(resolver=resolve, description=shape.listed)


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
    if not shown_to(entry, ctx.viewer, await _holds_token(info, entry)):
        return None  # REJECTED or merged: not for the public (hub/domain/visibility.py)
    return entry_of(entry, ctx.may_see_protected_contacts)


async def _holds_token(info: Info, entry: EntryRecord) -> bool:
    """Whether the request carries the entry's edit token (the Hub-Edit-Token header)."""
    ctx = info.context
    if ctx.edit_token is None:
        return False
    async with ctx.db.connection() as conn:
        ownership = (await entries.ownerships(conn, [entry.id])).get(entry.id)
    return ownership is not None and token_matches(ctx.edit_token, ownership.token_hash)


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null when there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _node(info, id)

    @strawberry.field(description=f"Several objects by global id (at most {MAX_NODES}).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise hub_error(ErrorCode.PAGE_SIZE_EXCEEDED, f"ids takes at most {MAX_NODES} ids.")
        # Gathered, so that the DataLoaders fetch every id in one batch.
        return list(await asyncio.gather(*(_node(info, i) for i in ids)))


def _entry_query() -> type[Any]:
    namespace: dict[str, Any] = {"__module__": __name__}
    for shape in SHAPES:
        namespace[to_snake_case(shape.kind.list_field)] = _list_field(shape)
    return strawberry.type(type("EntryQuery", (NodeQuery,), namespace))


# node, nodes, then needs, offers, logisticsOffers... in the registry's order of kinds.
EntryQuery = _entry_query()
