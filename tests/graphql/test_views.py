"""view_of: a GraphQL type filled from a record's same-named fields."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import strawberry

from hub.graphql.connections import number_cursor
from hub.graphql.views import view_of


@dataclass(frozen=True)
class _Record:
    name: str
    size: int
    secret: str


@strawberry.type
class _View:
    name: str
    size: int
    note: str
    hidden: strawberry.Private[str]

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


def test_fields_are_read_from_the_record_unless_given() -> None:
    view = view_of(_View, _Record("tent", 3, "x"), note="given", hidden="kept")
    assert (view.name, view.size, view.note, view.hidden) == ("tent", 3, "given", "kept")


def test_a_field_the_record_lacks_must_be_given() -> None:
    with pytest.raises(AttributeError):
        view_of(_View, _Record("tent", 3, "x"), hidden="kept")


def test_a_numbered_log_cursor_is_a_number() -> None:
    assert number_cursor(None, "refused") is None
    assert number_cursor("42", "refused") == 42
    for bad in ("-1", "x", "1" * 19):
        with pytest.raises(Exception, match="refused"):
            number_cursor(bad, "refused")
