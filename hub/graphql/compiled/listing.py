"""A kind's list field compiled: its arguments as strawberry takes them, one statement for its
page, and its connection (edges, cursors, pageInfo, totalCount) assembled from the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry
from graphql import FieldNode, GraphQLField, GraphQLSchema, get_named_type
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.types.arguments import convert_arguments

from hub.domain.listing import (
    CursorKey,
    EntryOrder,
    encode_cursor,
    priority_key,
    read_priority_key,
)
from hub.graphql.compiled.build import Builder, Getter, Maker, Run
from hub.graphql.compiled.selection import OutsideVocabulary
from hub.graphql.compiled.vocabulary import entry_vocabulary
from hub.graphql.connections import DEFAULT_PAGE_SIZE, after_key, page_size
from hub.graphql.context import Context
from hub.graphql.entries.kinds import Shape
from hub.graphql.enums import ListOrder
from hub.graphql.filters import FILTERS
from hub.store.compiled_reads import SCORE, PageRead, Row, read_page
from hub.store.db import Connection

# The columns each order's cursor is made of (PRIORITY: the score, read as SCORE).
_ORDER_COLUMNS = {
    EntryOrder.PRIORITY: ("id",),
    EntryOrder.URGENCY: ("urgency_rank", "updated_at", "id"),
    EntryOrder.RECENTLY_UPDATED: ("updated_at", "id"),
    EntryOrder.NEWEST: ("created_at", "id"),
    EntryOrder.OLDEST: ("created_at", "id"),
}


@dataclass
class Listing:
    """One page of a list: what a connection's getters read."""

    rows: list[Row]
    has_next: bool
    has_previous: bool
    total: int | None
    cursor: Callable[[Row], str]


@dataclass
class _Wants:
    page: bool = False
    count: bool = False


def _key_of(order: EntryOrder, as_of: datetime) -> Callable[[Row], CursorKey]:
    """The cursor key of a row, as hub.domain.listing.entry_key / priority_key make it."""
    if order is EntryOrder.PRIORITY:
        return lambda r: priority_key(as_of, r[SCORE], r["id"])
    if order is EntryOrder.URGENCY:
        return lambda r: (r["urgency_rank"], r["updated_at"].isoformat(), str(r["id"]))
    if order is EntryOrder.RECENTLY_UPDATED:
        return lambda r: (r["updated_at"].isoformat(), str(r["id"]))
    return lambda r: (r["created_at"].isoformat(), str(r["id"]))


class CompiledList:
    """One root list field (needs, offers, ...) of one document, ready to run."""

    needs_database = True

    def __init__(
        self, shape: Shape, nodes: list[FieldNode], builder: Builder, schema: strawberry.Schema
    ) -> None:
        self.shape = shape
        self.node = nodes[0]
        gql: GraphQLSchema = builder.schema
        query: Any = gql.query_type
        self.field_def: GraphQLField = query.fields[self.node.name.value]
        field = schema.get_field_for_type(self.node.name.value, "Query")
        if field is None:
            raise OutsideVocabulary(self.node.name.value)
        self.field = field
        self.schema = schema
        self.reads = builder.reads
        self.wants = _Wants()
        connection_type = get_named_type(self.field_def.type)
        edge_type = get_named_type(connection_type.fields["edges"].type)
        vocabulary = self._connection(edge_type.name, shape)
        self.connection = builder.obj(connection_type.name, vocabulary, nodes)

    def _connection(self, edge_type: str, shape: Shape) -> dict[str, Maker]:
        wants = self.wants
        entries = entry_vocabulary(shape.kind)
        type_name = shape.kind.type_name

        def total_count(_builder: Builder, _nodes: list[FieldNode]) -> Getter:
            wants.count = True
            return lambda listing, _run: listing.total

        def edges(builder: Builder, nodes: list[FieldNode]) -> Getter:
            wants.page = True

            def node(b: Builder, n: list[FieldNode]) -> Getter:
                entry = b.obj(type_name, entries, n)
                return lambda edge, run: entry(edge[0], run)

            edge_vocabulary: dict[str, Maker] = {
                "cursor": lambda _b, _n: lambda edge, _run: edge[1].cursor(edge[0]),
                "node": node,
            }
            edge = builder.obj(edge_type, edge_vocabulary, nodes)
            return lambda listing, run: [edge((row, listing), run) for row in listing.rows]

        def page_info(builder: Builder, nodes: list[FieldNode]) -> Getter:
            wants.page = True
            info: dict[str, Maker] = {
                "hasNextPage": lambda _b, _n: lambda listing, _run: listing.has_next,
                "hasPreviousPage": lambda _b, _n: lambda listing, _run: listing.has_previous,
                "startCursor": lambda _b, _n: (
                    lambda listing, _run: listing.cursor(listing.rows[0]) if listing.rows else None
                ),
                "endCursor": lambda _b, _n: (
                    lambda listing, _run: listing.cursor(listing.rows[-1]) if listing.rows else None
                ),
            }
            return builder.obj("PageInfo", info, nodes)

        return {"totalCount": total_count, "edges": edges, "pageInfo": page_info}

    def _arguments(self, variables: VariableValues) -> dict[str, Any]:
        raw = get_argument_values(self.field_def, self.node, variables)
        return convert_arguments(
            raw,
            self.field.arguments,
            scalar_registry=self.schema.schema_converter.scalar_registry,
            config=self.schema.config,
        )

    async def run(
        self, conn: Connection | None, context: Context, variables: VariableValues, run: Run
    ) -> dict[str, Any]:
        """The connection's value; hub errors (bad page size, cursor, filter) propagate, and the
        caller falls back to strawberry, which reports them."""
        args = self._arguments(variables)
        shape = self.shape
        filter_input = args.get("filter") or FILTERS[shape.kind.filter_type]()
        flt = filter_input.to_domain()
        order_by = args.get(
            "order_by", EntryOrder.PRIORITY if shape.by_priority else ListOrder.RECENTLY_UPDATED
        )
        order: EntryOrder = order_by.to_domain() if isinstance(order_by, ListOrder) else order_by
        size = page_size(args.get("first", DEFAULT_PAGE_SIZE), context.settings.max_page_size)
        key = after_key(args.get("after"), order)
        as_of, start = context.now, None
        if order is EntryOrder.PRIORITY and key is not None:
            as_of, score, entry_id = read_priority_key(key)
            start = (score, entry_id)
        wants = self.wants
        reads = self.reads
        read = PageRead(
            kind=shape.kind.kind,
            flt=flt,
            order=order,
            after=key if order is not EntryOrder.PRIORITY else None,
            limit=size + 1 if wants.page else 0,
            entry_columns=frozenset(reads.entry | set(_ORDER_COLUMNS[order])),
            detail_columns=frozenset(reads.details),
            organization_columns=frozenset(reads.organization),
            item_columns=frozenset(reads.items) if reads.with_items else None,
            count=wants.count,
            verify_method=reads.verify_method,
            as_of=as_of,
            priority_after=start,
        )
        if conn is not None and (wants.page or wants.count):
            page = await read_page(conn, read)
            rows, total = page.rows, page.total
        else:
            rows, total = [], None
        key_of = _key_of(order, as_of)
        listing = Listing(
            rows=rows[:size],
            has_next=len(rows) > size,
            has_previous=key is not None,
            total=total,
            cursor=lambda row: encode_cursor(order, key_of(row)),
        )
        return self.connection(listing, run)
