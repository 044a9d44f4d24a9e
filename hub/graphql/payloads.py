"""What the mutations answer: a payload made from a service's outcome.

An input id that names no node of the expected type is a user error like any other: it is an
outcome too (`invalid_id`), so that each mutation builds its payload in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from hub.domain.errors import ErrorCode
from hub.domain.errors import UserError as DomainUserError
from hub.graphql.common import InputWarning, UserError
from hub.graphql.context import Info
from hub.graphql.ids import expect_global_id
from hub.services.outcome import Outcome

T = TypeVar("T")
P = TypeVar("P")


def invalid_id(field: str) -> Outcome[Any]:
    """The outcome of an input id at `field` that names no node of the type expected there."""
    return Outcome.failed([DomainUserError(field, ErrorCode.INVALID_ID)])


async def on_node(
    global_id: str, type_name: str, field: str, act: Callable[[UUID], Awaitable[Outcome[T]]]
) -> Outcome[T]:
    """`act` on the node a `type_name` id names; invalid_id(`field`) when it names none."""
    return await on_id(expect_global_id(global_id, type_name), field, act)


async def on_id(
    local: UUID | None, field: str, act: Callable[[UUID], Awaitable[Outcome[T]]]
) -> Outcome[T]:
    """`act` on the node of an input id, read as `local`; invalid_id(`field`) when it names none
    (`local` is None)."""
    return invalid_id(field) if local is None else await act(local)


def payload(
    cls: Callable[..., P],
    info: Info,
    outcome: Outcome[T],
    *,
    warned: bool = False,
    **views: Callable[[T], Any],
) -> P:
    """The payload `cls`: each field of `views` shows the outcome's value (null when it failed),
    `user_errors` holds its errors in the request's language, and `warnings` (for payloads
    that have them, `warned`) its warnings."""
    value = outcome.value
    shown = {name: None if value is None else view(value) for name, view in views.items()}
    language = info.context.language
    if warned:
        shown["warnings"] = InputWarning.list_of(outcome.warnings, language)
    return cls(**shown, user_errors=UserError.list_of(outcome.errors, language))
