"""What a use case returns, and the refusal it raises when the caller may not act."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from hub.domain.errors import UserError

T = TypeVar("T")


class Forbidden(Exception):
    """The caller may not change this record (a missing or wrong edit token)."""


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """Either a value or the user errors that prevented it; nothing is written on errors."""

    value: T | None = None
    errors: list[UserError] = field(default_factory=list)
    # Handed out once, when an anonymous submitter creates a record.
    edit_token: str | None = None
    # The poster's reconfirmation link secret, handed out once with a new entry.
    reconfirmation_token: str | None = None

    @classmethod
    def failed(cls, errors: list[UserError]) -> Outcome[T]:
        """An outcome that carries only errors."""
        return cls(errors=errors)
