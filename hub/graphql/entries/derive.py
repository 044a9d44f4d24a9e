"""How a kind's GraphQL pieces are made from its declaration (hub/domain/kinds/).

- its type: the Entry fields, then its place under its own name ("origin"), its items, each
  field of its details (name, type, whether it may be null, description), then what its class
  in types.py adds by hand; a field shown only once verified (Disclosure) is resolved through
  FieldSpec.disclosed, so masking is one rule for the API, webhooks and exports;
- its submit input: the details' fields, with the declared input defaults, and its update input
  made from the same fields with every one optional;
- the values of its type for a stored entry, and the details an input describes.

Decimals are Float in the API and places Region / RegionInput; enums are the registered ones.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

import strawberry

from hub.domain import model
from hub.domain.enums import MissingDetail
from hub.domain.kinds import FieldSpec, Kind
from hub.domain.kinds.spec import Disclosure
from hub.domain.region import Region as DomainRegion
from hub.graphql.common import (
    UNSET,
    Region,
    RegionInput,
    blank_to_none,
    decimal,
    given,
)
from hub.graphql.context import Info
from hub.graphql.entries.items import SupplyItem, SupplyItemInput, as_float
from hub.graphql.entries.kinds import Shape
from hub.graphql.permissions import sees_undisclosed

T = TypeVar("T")

# The place of an entry of every kind; a kind may call it otherwise ("origin").
REGION = "region"
ITEMS = "items"
PROVIDER_NAME = "provider_name"
# What each type keeps, unseen by the API, to resolve its disclosed fields and priority.
DETAILS = "details"
DOMAIN_ITEMS = "domain_items"


def _is_shown_plainly(spec: FieldSpec) -> bool:
    return spec.meta.disclosure is Disclosure.PLAIN


def _graphql_type(spec: FieldSpec, *, place: type) -> Any:
    """The field's GraphQL type without null: Float for decimals, `place` for places."""
    if spec.value_type is Decimal:
        return float
    if spec.is_region:
        return place
    return spec.value_type


def _nullable(annotation: Any) -> Any:
    return annotation | None


def shown(value: Any) -> Any:
    """A details value as the API shows it."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return as_float(value)
    if isinstance(value, DomainRegion):
        return Region.of(value)
    return value


def taken(spec: FieldSpec, value: Any, *, blank_is_none: bool) -> Any:
    """An input value as the details hold it (text blank → None where `blank_is_none`)."""
    if isinstance(value, RegionInput):
        return value.to_domain()
    if spec.value_type is Decimal:
        return decimal(value)
    if spec.value_type is str and blank_is_none:
        return blank_to_none(value)
    return value


def disclosed_field(spec: FieldSpec) -> Any:
    """A field shown as the declaration's disclosure rule says, to this viewer."""

    def resolve(self: Any, info: Info) -> Any:
        value = getattr(getattr(self, DETAILS), spec.name)
        viewer = info.context.viewer
        return spec.disclosed(value, self.verification_status, sees_undisclosed(viewer))

    output = _graphql_type(spec, place=Region)
    resolve.__annotations__ = {
        "self": Any,
        "info": Info,
        "return": _nullable(output) if spec.optional else output,
    }
    resolve.__name__ = spec.name
    return strawberry.field(resolver=resolve, description=spec.meta.description)


def entry_type(shape: Shape) -> Callable[[type[T]], type[T]]:
    """Makes the class a kind's GraphQL type, its fields derived from the declaration.

    The class holds what is bespoke: fields and resolvers no declaration can say (a need's
    priority). Its fields come after the derived ones, except a disclosed field of the details
    the class places itself; resolvers come last, as strawberry orders them.
    """
    kind = shape.kind

    def build(cls: type[T]) -> type[T]:
        own = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
        bespoke: dict[str, Any] = own.pop("__annotations__", {})
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {}
        if kind.region_name != REGION:
            annotations[kind.region_name] = Region
        items = {ITEMS: list[SupplyItem], DOMAIN_ITEMS: strawberry.Private[tuple[model.Item, ...]]}
        if kind.has_items and kind.items_first:
            annotations.update(items)
        for spec in kind.fields:
            if spec.name in own:
                continue  # placed by the class
            if not _is_shown_plainly(spec):
                namespace[spec.name] = disclosed_field(spec)
                continue
            output = _graphql_type(spec, place=Region)
            annotations[spec.name] = _nullable(output) if spec.optional else output
            if spec.meta.description:
                namespace[spec.name] = strawberry.field(description=spec.meta.description)
        if kind.has_items and not kind.items_first:
            annotations.update(items)
        annotations[DETAILS] = strawberry.Private[object]
        annotations.update(bespoke)
        namespace = {**namespace, **own, "__annotations__": annotations}
        made = type(cls.__name__, cls.__bases__, namespace)
        return cast("type[T]", strawberry.type(made, description=kind.description))

    return build


def entry_values(kind: Kind, entry: model.Entry) -> dict[str, Any]:
    """The derived fields' values of an entry's type."""
    draft = entry.draft
    values: dict[str, Any] = {DETAILS: draft.details}
    if kind.region_name != REGION:
        values[kind.region_name] = Region.of(draft.region)
    if kind.has_items:
        values[ITEMS] = [SupplyItem.of(item) for item in draft.items]
        values[DOMAIN_ITEMS] = draft.items
    for spec in kind.fields:
        if _is_shown_plainly(spec):
            values[spec.name] = shown(getattr(draft.details, spec.name))
    return values


# -- inputs ----------------------------------------------------------------------------------


def _input_type(spec: FieldSpec) -> Any:
    return _graphql_type(spec, place=RegionInput)


def submit_input(shape: Shape, base: type[T]) -> type[T]:
    """A kind's submit input: its place, then what must be given (items and the details
    without a default), then places, the poster's name and the rest, as the published schema
    has always listed them."""
    kind = shape.kind
    annotations: dict[str, Any] = {kind.region_name: RegionInput}
    namespace: dict[str, Any] = {"declared": kind}
    items = list[SupplyItemInput]
    if kind.has_items and kind.items_first:
        annotations[ITEMS] = items
    required = [s for s in kind.fields if not s.has_input_default]
    defaulted = [s for s in kind.fields if s.has_input_default]
    for spec in required:
        annotations[spec.name] = _input_type(spec)
        if spec.meta.input_description:
            namespace[spec.name] = strawberry.field(description=spec.meta.input_description)
    if kind.has_items and not kind.items_first:
        annotations[ITEMS] = items
    if kind.has_items and MissingDetail.ITEMS in kind.completed_by_reviewers:
        # A notice without a list is accepted; a reviewer asks for the list before verifying.
        namespace[ITEMS] = strawberry.field(
            default_factory=list,
            description="Leave out (or empty) when the source lists none: the entry is "
            "accepted with missingDetails ITEMS and is verified once a reviewer adds them.",
        )
    places = [s for s in defaulted if s.is_region]
    for spec in places:
        _defaulted(spec, annotations, namespace)
    if kind.individuals_may_post:
        annotations[PROVIDER_NAME] = str | None
        namespace[PROVIDER_NAME] = strawberry.field(
            default=None, description=shape.provider_description
        )
    for spec in defaulted:
        if not spec.is_region:
            _defaulted(spec, annotations, namespace)
    name = f"Submit{kind.type_name}Input"
    made = _made(name, base, annotations, namespace)
    return cast("type[T]", strawberry.input(made, description=kind.submit_description))


def _defaulted(spec: FieldSpec, annotations: dict[str, Any], namespace: dict[str, Any]) -> None:
    output = _input_type(spec)
    annotations[spec.name] = _nullable(output) if spec.optional else output
    namespace[spec.name] = strawberry.field(
        default=spec.input_default, description=spec.meta.input_description
    )


def update_input(shape: Shape, base: type[T]) -> type[T]:
    """A kind's update input: the submit input's fields, every one optional (left out: no
    change), its place and the poster's name first."""
    kind = shape.kind
    annotations: dict[str, Any] = {kind.region_name: RegionInput | None}
    namespace: dict[str, Any] = {"declared": kind, kind.region_name: UNSET}
    if kind.individuals_may_post:
        annotations[PROVIDER_NAME] = str | None
        namespace[PROVIDER_NAME] = UNSET
    items = strawberry.field(default=UNSET, description="Replaces the whole list.")
    if kind.has_items and kind.items_first:
        annotations[ITEMS] = list[SupplyItemInput] | None
        namespace[ITEMS] = items
    for spec in kind.fields:
        annotations[spec.name] = _nullable(_input_type(spec))
        namespace[spec.name] = UNSET
    if kind.has_items and not kind.items_first:
        annotations[ITEMS] = list[SupplyItemInput] | None
        namespace[ITEMS] = items
    made = _made(f"Update{kind.type_name}Input", base, annotations, namespace)
    return cast("type[T]", strawberry.input(made, description=kind.update_description))


def _made(name: str, base: type, annotations: dict[str, Any], namespace: dict[str, Any]) -> type:
    return type(name, (base,), {**namespace, "__annotations__": annotations})


def submitted_details(kind: Kind, data: object) -> object:
    """The details a submit input describes (optional text: blank → None)."""
    return kind.make(
        {
            spec.name: taken(spec, getattr(data, spec.name), blank_is_none=spec.optional)
            for spec in kind.fields
        }
    )


def updated_details(kind: Kind, data: object) -> dict[str, Any]:
    """The details' changes an update input sends: a field left out, or a null sent for one
    that cannot be null, changes nothing."""
    changes: dict[str, Any] = {}
    for spec in kind.fields:
        value = getattr(data, spec.name, UNSET)
        if not given(value) or (value is None and not spec.optional):
            continue
        changes[spec.name] = taken(spec, value, blank_is_none=True)
    return changes
