"""The supply taxonomy as read from the database."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.units import Unit


@dataclass(frozen=True)
class SupplyCategoryGroup:
    """A top-level group of categories (face, body, disinfection, ...)."""

    code: str
    name_zh: str
    name_en: str
    sort_order: int


@dataclass(frozen=True)
class SupplyCategory:
    """One category of supplies, with a stable code and the standards that apply."""

    code: str
    group_code: str
    name_zh: str
    name_en: str
    standards: tuple[str, ...]
    default_unit: Unit
    sort_order: int
    taxonomy_version: int
    deprecated: bool
