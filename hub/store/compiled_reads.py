"""One statement per page of a list, reading only the columns a GraphQL selection needs.

The compiled read path (hub/graphql/compiled/) asks for a page by naming what it needs: the
entry's own columns, its kind's details columns, its organization's columns, its items'
columns (aggregated as JSON in PostgreSQL: one row per entry) and whether to count. The
filter, the orders and the keyset conditions are the lists' own (entry_where, keyset,
priority_sql), so a compiled page holds exactly the rows strawberry's page holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from hub.domain.enums import EntryKind
from hub.domain.kinds import kind_of
from hub.domain.listing import CursorKey, EntryFilter, EntryOrder
from hub.store.db import Connection
from hub.store.entries import keyset, priority_sql
from hub.store.entry_sql import entry_where, kind_from

# Prefixes of the row's keys: a details column, an organization column.
DETAIL = "d__"
ORGANIZATION = "o__"
# The row's key of the priority score (PRIORITY order) and of the items (JSON text).
SCORE = "priority_score"
ITEMS = "items"
TOTAL = "total_count"
# The method of the entry's latest verifying review (Verification.method), by this key.
VERIFY_METHOD = "verify_method"
# A row of a page: columns by name.
Row = asyncpg.Record


@dataclass(frozen=True)
class PageRead:
    """What to read for one page: columns by name, and the page's place in its list."""

    kind: EntryKind
    flt: EntryFilter
    order: EntryOrder
    after: CursorKey | None
    # Rows to fetch (the page size plus one, which says whether more exist); 0: count only.
    limit: int
    # Columns of `entry`; details columns of the kind (read back as d__<column>); columns of
    # the organization (o__<column>, null when there is none); items' columns (None: no items).
    entry_columns: frozenset[str]
    detail_columns: frozenset[str] = frozenset()
    organization_columns: frozenset[str] = frozenset()
    item_columns: frozenset[str] | None = None
    count: bool = False
    verify_method: bool = False
    # PRIORITY's clock, and the (score, id) the page starts after.
    as_of: datetime | None = None
    priority_after: tuple[float, UUID] | None = None


@dataclass(frozen=True)
class Page:
    """The rows of a page (items as JSON text under ITEMS) and the count, when asked for."""

    rows: list[Row]
    total: int | None


def _items_sql(columns: frozenset[str]) -> str:
    pairs = ", ".join(f"'{c}', i.{c}" for c in sorted(columns))
    return (
        f"(SELECT json_agg(json_build_object({pairs}) ORDER BY i.position) "
        f"FROM entry_item i WHERE i.entry_id = e.id) AS {ITEMS}"
    )


def page_sql(read: PageRead) -> tuple[str, list[Any]]:
    """The statement of one page (and its count) and its parameters."""
    where = entry_where(read.kind, read.flt)
    tables = kind_from(read.kind, read.flt)
    count_sql = f"SELECT count(*) {tables} {where.sql()}"
    if read.limit == 0:
        return count_sql, where.params
    selected = _selected(read)
    if read.count:
        selected.append(f"({count_sql}) AS {TOTAL}")
    if read.order is EntryOrder.PRIORITY:
        score = priority_sql(where.param(read.as_of))
        selected.append(f"{score} AS {SCORE}")
        if read.priority_after is not None:
            start, entry_id = read.priority_after
            where.add(f"({score}, e.id) < ({{}}::float8, {{}})", start, entry_id)
        order_by = f"ORDER BY {SCORE} DESC, e.id DESC"
    else:
        order_by = keyset(where, read.order, read.after)
    joined = _joined(read, tables)
    sql = f"SELECT {', '.join(selected)} {joined} {where.sql()} {order_by} LIMIT {int(read.limit)}"
    return sql, where.params


def _selected(read: PageRead) -> list[str]:
    table = kind_of(read.kind).table or "e"
    selected = [f"e.{c}" for c in sorted(read.entry_columns)]
    selected += [f"{table}.{c} AS {DETAIL}{c}" for c in sorted(read.detail_columns)]
    selected += [f"o.{c} AS {ORGANIZATION}{c}" for c in sorted(read.organization_columns)]
    if read.item_columns is not None:
        selected.append(_items_sql(read.item_columns))
    if read.verify_method:
        # The latest VERIFY review, as reviews_of lists them (its reviewer known), oldest first.
        selected.append(
            "(SELECT r.method FROM review r JOIN app_user u ON u.id = r.reviewer_id "
            "WHERE r.entry_id = e.id AND r.decision = 'VERIFY' "
            f"ORDER BY r.created_at DESC LIMIT 1) AS {VERIFY_METHOD}"
        )
    return selected


def _joined(read: PageRead, tables: str) -> str:
    if read.organization_columns:
        return f"{tables} LEFT JOIN organization o ON o.id = e.organization_id"
    return tables


async def read_entries(conn: Connection, read: PageRead, ids: Sequence[UUID]) -> list[Row]:
    """Entries of `read.kind` by id, with the columns `read` names ("id" among them; its
    filter, order and limit unused): one statement. Ids of other kinds or of no entry are left
    out."""
    tables = kind_from(read.kind, EntryFilter())
    sql = (
        f"SELECT {', '.join(_selected(read))} {_joined(read, tables)} "
        "WHERE e.kind = $1 AND e.id = ANY($2::uuid[])"
    )
    return list(await conn.fetch(sql, read.kind.value, list(ids)))


async def read_page(conn: Connection, read: PageRead) -> Page:
    """One page as `read` describes it: one statement (two for a count of an empty page)."""
    sql, params = page_sql(read)
    if read.limit == 0:
        total: int = await conn.fetchval(sql, *params)
        return Page([], total if read.count else None)
    rows = list(await conn.fetch(sql, *params))
    if not read.count:
        return Page(rows, None)
    if rows:
        return Page(rows, rows[0][TOTAL])
    # An empty page has no row to carry the count.
    count_sql, count_params = page_sql(replace(read, limit=0))
    return Page(rows, await conn.fetchval(count_sql, *count_params))
