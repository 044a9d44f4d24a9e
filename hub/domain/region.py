"""Where something is: the one shape of a place, shared by entries, organizations and routes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """Where something is: province, city, district and an optional administrative code."""

    province: str
    city: str | None = None
    district: str | None = None
    admin_code: str | None = None
