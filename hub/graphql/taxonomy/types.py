"""The supply taxonomy and units as GraphQL types."""

from __future__ import annotations

from typing import Any, Protocol

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import taxonomy
from hub.domain.units import UNITS, Unit, is_package
from hub.graphql.context import Info
from hub.graphql.views import view_of


class _Named(Protocol):
    name_zh: str
    name_en: str


def _name(root: _Named, info: Info) -> str:
    return root.name_zh if info.context.language == "zh" else root.name_en


def in_language() -> Any:
    """The `name` field of a type with name_zh and name_en: the one of the request's language."""
    return strawberry.field(resolver=_name, description="The name in the request's language.")


@strawberry.type(description="A group of supply categories (face, body, disinfection, ...).")
class SupplyCategoryGroup:
    code: str
    name_zh: str
    name_en: str

    name: str = in_language()


@strawberry.type(description="A category of supplies with a stable code and its standards.")
class SupplyCategory:
    code: str = strawberry.field(description="Stable code, e.g. face.medical_respirator.")
    group_code: str
    name_zh: str
    name_en: str
    standards: list[str] = strawberry.field(description="Applicable standards, e.g. GB 19083-2010.")
    default_unit: Unit
    taxonomy_version: int
    deprecated: bool

    name: str = in_language()

    @classmethod
    def of(cls, category: taxonomy.SupplyCategory) -> SupplyCategory:
        """The GraphQL view of a category."""
        return view_of(cls, category, standards=list(category.standards))


@strawberry.type(description="A unit of supply and what it converts to.")
class UnitInfo:
    unit: Unit
    name_zh: str
    name_en: str
    base_unit: Unit = strawberry.field(description="What quantities convert to.")
    is_package: bool = strawberry.field(
        description="True for cartons, boxes and packs, whose size the submitter states."
    )

    name: str = in_language()

    @classmethod
    def of(cls, unit: Unit) -> UnitInfo:
        """The GraphQL view of a unit."""
        info = UNITS[unit]
        return view_of(cls, info, unit=unit, base_unit=info.base, is_package=is_package(unit))
