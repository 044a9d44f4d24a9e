"""What a use case returns, and the refusals it raises when the caller may not act."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, ParamSpec, TypeVar
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.errors import ErrorCode, UserError
from hub.domain.user_warnings import InputWarning

T = TypeVar("T")
V = TypeVar("V")
P = ParamSpec("P")


class Forbidden(Exception):
    """The caller may not change this record (a missing or wrong edit token)."""


class MatchingBusy(Exception):
    """Every matching worker stayed busy for longer than a caller may wait."""


def signed_in(viewer: Viewer) -> UUID:
    """The viewer's user id; Forbidden for an anonymous one (whom the access rules should
    have stopped before)."""
    if viewer.user_id is None:
        raise Forbidden
    return viewer.user_id


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """Either a value or the user errors that prevented it; nothing is written on errors."""

    value: T | None = None
    errors: list[UserError] = field(default_factory=list)
    # Handed out once, when an anonymous submitter creates a record.
    edit_token: str | None = None
    # The poster's reconfirmation link secret, handed out once with a new entry.
    reconfirmation_token: str | None = None
    # What was stored differently from how it was sent (a phone field split into contacts, a
    # text kept as written): never a reason to refuse.
    warnings: list[InputWarning] = field(default_factory=list)
    # The organization submitted was registered already and was reused (no copy, no token).
    reused_organization: bool = False

    @classmethod
    def failed(cls, errors: list[UserError]) -> Outcome[T]:
        """An outcome that carries only errors."""
        return cls(errors=errors)


class Refusal(Exception):
    """Raised by a check deep in a use case to fail it with `errors` (see `refusals_fail`).

    Checks raise it before anything is written, so the transaction it unwinds loses nothing.
    """

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(errors)
        self.errors = errors


def refusals_fail(
    use_case: Callable[P, Awaitable[Outcome[T]]],
) -> Callable[P, Awaitable[Outcome[T]]]:
    """`use_case`, returning the failed outcome of a `Refusal` it raises."""

    @functools.wraps(use_case)
    async def run(*args: P.args, **kwargs: P.kwargs) -> Outcome[T]:
        try:
            return await use_case(*args, **kwargs)
        except Refusal as refusal:
            return Outcome.failed(refusal.errors)

    return run


def refuse_if_any(errors: list[UserError]) -> None:
    """Refuse the use case when there are errors (inside a `refusals_fail` one)."""
    if errors:
        raise Refusal(errors)


def must_exist(value: V | None, field: str = "id") -> V:
    """`value`; a NOT_FOUND refusal on `field` when it is None (inside a `refusals_fail` use
    case)."""
    if value is None:
        raise Refusal([UserError(field, ErrorCode.NOT_FOUND)])
    return value


def explained(field: str, code: ErrorCode, zh: str, en: str) -> UserError:
    """An error with its reason in both languages (the front ends show the reason as it is)."""
    return UserError(field, code, {"reason_zh": zh, "reason_en": en})


def entry_closed(field: str) -> UserError:
    """The error of acting on a closed entry."""
    return explained(field, ErrorCode.INVALID_STATE, "该条目已关闭。", "This entry is closed.")
