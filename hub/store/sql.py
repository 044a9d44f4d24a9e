"""A small builder for WHERE clauses with numbered parameters (no string-pasted values)."""

from __future__ import annotations

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

    def sql(self) -> str:
        """The WHERE clause, or an empty string."""
        return "WHERE " + " AND ".join(self.conditions) if self.conditions else ""
