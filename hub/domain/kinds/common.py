"""Detail fields that several kinds share, declared once (each call makes a new field)."""

from __future__ import annotations

from typing import Any

from hub.domain.kinds.spec import Text, detail

MAX_NOTES = 5000
MAX_NAME = 200


def is_free() -> Any:
    """Whether what is offered costs nothing; None: the source does not say."""
    return detail(
        "免费",
        "Free",
        hxl="#meta+free",
        description="Null: not stated.",
        input_description="Leave out when the source does not say.",
        default=None,
        may_be_unstated=True,
    )


def price_note() -> Any:
    """What it costs, in the poster's words."""
    return detail("价格说明", "Price", hxl="#meta+price", check=Text(MAX_NOTES), default=None)


def available_from() -> Any:
    """When it becomes available."""
    return detail(
        "可用开始", "Available from", hxl="#date+start", export_zh="可用开始", default=None
    )


def available_until() -> Any:
    """Until when it is available."""
    return detail("可用截止", "Available until", hxl="#date+end", default=None)
