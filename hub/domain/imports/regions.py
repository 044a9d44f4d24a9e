"""Province and city cells of a sheet, read into the hub's canonical form.

Sheets say "湖北", "湖北省", "Hubei", put the city where the province belongs ("武汉市"), or the
whole place in one cell ("湖北省武汉市"). The reading is hub.domain.regions' (the national list,
GB/T 2260), the same as the API's, so that an imported row and a submitted entry store one
spelling; the entry's kind then decides whether "全国" is allowed (hub.domain.region_drafts).
"""

from __future__ import annotations

from hub.domain.region import Region
from hub.domain.regions import normalize_region


class UnknownProvince(ValueError):
    """A province cell naming no province (nor a city the list knows the province of)."""


def canonical_region(province: str | None, city: str | None) -> tuple[str | None, str | None]:
    """The province (canonical) and city of a row; UnknownProvince when the province cell
    names nothing known. A blank province is inferred from a known city, else None."""
    if not (province and province.strip()) and not (city and city.strip()):
        return None, None
    checked = normalize_region(Region(province or "", city), nationwide_allowed=True)
    if checked.errors:
        raise UnknownProvince((province or "").strip())
    found = checked.region
    return (found.province or None), found.city
