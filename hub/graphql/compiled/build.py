"""Compiling a selection into getters: the pieces every type of the vocabulary uses.

A getter takes the source (a row, an item, a category) and the request's `Run` and returns the
field's value as strawberry would serialize it; building one registers the columns it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from graphql import FieldNode, GraphQLEnumType, GraphQLSchema

from hub.domain.taxonomy import SupplyCategory
from hub.graphql.compiled.selection import OutsideVocabulary, plain, sub_selections
from hub.graphql.field_collection import Selections

Getter = Callable[[Any, "Run"], Any]
Maker = Callable[["Builder", list[FieldNode]], Getter]


@dataclass(frozen=True)
class Run:
    """What assembling a response needs besides the rows: the reader's language and rights."""

    language: str
    categories: Mapping[str, SupplyCategory]
    sees_undisclosed: bool


@dataclass
class Reads:
    """The columns a compiled selection reads (hub.store.compiled_reads.PageRead's names)."""

    entry: set[str] = field(default_factory=set)
    details: set[str] = field(default_factory=set)
    organization: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)
    # Whether items are selected at all (their columns may be none: `items { __typename }`).
    with_items: bool = False
    verify_method: bool = False


class Builder:
    """Builds the getters of one root field's selection, collecting the columns they read."""

    def __init__(self, selections: Selections, reads: Reads) -> None:
        self.selections = selections
        self.reads = reads

    @property
    def schema(self) -> GraphQLSchema:
        """The GraphQL schema (types, enums)."""
        return self.selections.schema

    def obj(
        self, type_name: str, vocabulary: Mapping[str, Maker], nodes: list[FieldNode]
    ) -> Callable[[Any, Run], dict[str, Any]]:
        """A getter of an object of `type_name`, with the fields the nodes select."""
        fields = self.selections.collect(type_name, sub_selections(nodes))
        pairs: list[tuple[str, Getter]] = []
        for key, field_nodes in fields.items():
            plain(field_nodes)
            name = field_nodes[0].name.value
            if name == "__typename":
                pairs.append((key, constant(type_name)))
                continue
            maker = vocabulary.get(name)
            if maker is None:
                raise OutsideVocabulary(f"{type_name}.{name}")
            pairs.append((key, maker(self, field_nodes)))

        def make(source: Any, run: Run) -> dict[str, Any]:
            return {key: getter(source, run) for key, getter in pairs}

        return make


def constant(value: Any) -> Getter:
    """A getter of a fixed value."""
    return lambda _source, _run: value


def iso(value: datetime | None) -> str | None:
    """A time as strawberry's DateTime serializes it."""
    return None if value is None else value.isoformat()


def enum_names(schema: GraphQLSchema, enum: type[Enum]) -> dict[Any, str]:
    """Stored values of `enum` (its members' values) to their GraphQL names."""
    definition: Any = getattr(enum, "__strawberry_definition__")  # noqa: B009
    gql = schema.get_type(definition.name)
    if not isinstance(gql, GraphQLEnumType):
        raise TypeError(f"{enum.__name__} is not a GraphQL enum")
    return {member.value: str(gql.serialize(member)) for member in enum}


def keyed(key: str, convert: Callable[[Any], Any] | None = None) -> Getter:
    """A getter of `source[key]`, converted when not None."""
    if convert is None:
        return lambda source, _run: source[key]

    def get(source: Any, _run: Run) -> Any:
        value = source[key]
        return None if value is None else convert(value)

    return get


def enum_keyed(schema: GraphQLSchema, key: str, enum: type[Enum]) -> Getter:
    """A getter of an enum stored by value under `key`."""
    names = enum_names(schema, enum)
    return keyed(key, names.__getitem__)
