"""The supply taxonomy."""

from __future__ import annotations

from hub.domain.taxonomy import SupplyCategory, SupplyCategoryGroup
from hub.domain.units import Unit
from hub.store.db import Connection
from hub.store.records import from_row


async def list_groups(conn: Connection) -> list[SupplyCategoryGroup]:
    """Every category group, in display order."""
    rows = await conn.fetch(
        "SELECT code, name_zh, name_en, sort_order FROM supply_category_group ORDER BY sort_order"
    )
    return [from_row(SupplyCategoryGroup, r) for r in rows]


async def list_categories(conn: Connection) -> list[SupplyCategory]:
    """Every category, grouped and in display order."""
    rows = await conn.fetch(
        """
        SELECT c.code, c.group_code, c.name_zh, c.name_en, c.standards, c.default_unit,
               c.sort_order, c.taxonomy_version, c.deprecated
        FROM supply_category c JOIN supply_category_group g ON g.code = c.group_code
        ORDER BY g.sort_order, c.sort_order
        """
    )
    return [
        from_row(
            SupplyCategory,
            r,
            standards=tuple(r["standards"]),
            default_unit=Unit(r["default_unit"]),
        )
        for r in rows
    ]


async def current_codes(conn: Connection) -> frozenset[str]:
    """Codes that new items may use (deprecated ones excluded)."""
    rows = await conn.fetch("SELECT code FROM supply_category WHERE NOT deprecated")
    return frozenset(r["code"] for r in rows)
