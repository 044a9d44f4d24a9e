"""A small builder for WHERE clauses with numbered parameters (no string-pasted values)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any


class Where:
    """Collects conditions and their parameters; `$n` placeholders are numbered as added."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def param(self, value: Any) -> str:
        """Register a parameter and return its placeholder."""
        self.params.append(value)
        return f"${len(self.params)}"

    def add(self, condition: str, *values: Any) -> None:
        """Add a condition whose `{}` slots take the placeholders of `values`, in order."""
        self.conditions.append(condition.format(*(self.param(v) for v in values)))

    def given(self, condition: str, value: Any) -> None:
        """Add a one-slot condition when `value` is set: a filter left blank (None, an empty
        string or list) restricts nothing."""
        if value:
            self.add(condition, value)

    def any_of(self, column: str, members: Iterable[Enum]) -> None:
        """Restrict `column` to the values of `members`, unless there are none."""
        self.given(f"{column} = ANY({{}})", [m.value for m in members])

    def sql(self) -> str:
        """The WHERE clause, or an empty string."""
        return "WHERE " + " AND ".join(self.conditions) if self.conditions else ""
