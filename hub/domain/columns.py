"""One column of the hub's open data (see hub/domain/open_data.py for the tables)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: its key (also the JSON field and the English CSV header), its Chinese header
    and its HXL hashtag."""

    key: str
    zh: str
    hxl: str
