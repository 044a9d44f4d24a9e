"""Building a record (a dataclass) from a row whose columns carry the fields' names."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

import asyncpg

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def from_row(cls: type[R], row: asyncpg.Record, **given: Any) -> R:
    """A `cls` whose fields are the row's columns of the same names, except those in `given`.

    `given` holds the fields a column does not carry as it is (converted, renamed or loaded
    elsewhere); every other field must have its column, so that a missing one fails loudly
    instead of silently taking a default.
    """
    values = {name: given[name] if name in given else row[name] for name in _field_names(cls)}
    return cls(**values)


@functools.cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    # Read once per class: hydrating is on every list's and export's path.
    return tuple(f.name for f in fields(cls))


T = TypeVar("T")


def grouped(
    rows: Iterable[asyncpg.Record], key: str, build: Callable[[asyncpg.Record], T]
) -> defaultdict[Any, list[T]]:
    """`build(row)` of every row, listed under the row's `key` column, in the rows' order.

    A defaultdict: a key without rows reads as an empty list.
    """
    found: defaultdict[Any, list[T]] = defaultdict(list)
    for row in rows:
        found[row[key]].append(build(row))
    return found


def by_key(items: Iterable[T], key: Callable[[T], Any]) -> defaultdict[Any, list[T]]:
    """`items` listed under their `key(item)`, in their order (a defaultdict, as `grouped`)."""
    found: defaultdict[Any, list[T]] = defaultdict(list)
    for item in items:
        found[key(item)].append(item)
    return found
