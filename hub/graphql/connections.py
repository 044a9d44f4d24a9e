"""Relay connections with keyset cursors and a lazily counted totalCount."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Generic, TypeVar

import strawberry

from hub.domain.listing import BadCursor, CursorKey, decode_cursor, encode_cursor
from hub.graphql.common import PageInfo
from hub.graphql.errors import ErrorCode, hub_error
from hub.store.db import Connection as DbConnection
from hub.store.db import Database

T = TypeVar("T")
R = TypeVar("R")
DEFAULT_PAGE_SIZE = 20


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many match the filter; counted only when asked for.")
    async def total_count(self) -> int:
        return await self.counter()


def page_size(first: int | None, maximum: int, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The page size asked for (`default` without `first`), refused with PAGE_SIZE_EXCEEDED
    outside 0..maximum."""
    size = default if first is None else first
    if not 0 <= size <= maximum:
        raise hub_error(ErrorCode.PAGE_SIZE_EXCEEDED, f"first must be between 0 and {maximum}.")
    return size


def after_key(after: str | None, order: Enum) -> CursorKey | None:
    """The key inside an `after` cursor; INVALID_CURSOR when it is not one of this list's."""
    if after is None:
        return None
    try:
        return decode_cursor(after, order)
    except BadCursor as error:
        raise hub_error(ErrorCode.INVALID_CURSOR, f"Invalid cursor: {error}.") from None


def number_cursor(after: str | None, refusal: str) -> int | None:
    """The number an `after` cursor of a numbered log is; INVALID_CURSOR (`refusal`) otherwise."""
    if after is None:
        return None
    if not after.isdigit() or len(after) > 18:
        raise hub_error(ErrorCode.INVALID_CURSOR, refusal)
    return int(after)


def counted(
    db: Database, count: Callable[[DbConnection], Awaitable[int]]
) -> Callable[[], Awaitable[int]]:
    """A totalCount counter: `count` on a connection of its own, run only when asked for."""

    async def counter() -> int:
        async with db.connection() as conn:
            return await count(conn)

    return counter


def page_of(
    edges: list[Edge[T]], has_next: bool, has_previous: bool, counter: Callable[[], Awaitable[int]]
) -> Connection[T]:
    """A connection of one page of edges."""
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        counter=counter,
    )


def build_connection(
    records: Sequence[R],
    size: int,
    order: Enum,
    key: Callable[[R], CursorKey],
    node: Callable[[R], T],
    counter: Callable[[], Awaitable[int]],
    has_previous: bool,
) -> Connection[T]:
    """A connection from one page fetched with `size + 1` rows (the extra one says more exist)."""
    edges = [Edge(cursor=encode_cursor(order, key(r)), node=node(r)) for r in records[:size]]
    return page_of(edges, len(records) > size, has_previous, counter)
