"""The entries' mutation payloads, derived for every kind: Submit<Type>Payload (the entry, its
edit token and reconfirmation token, the user errors) and <Type>Payload (the entry and the user
errors), the entry under the kind's payload field (need, logisticsOffer...)."""

from __future__ import annotations

from typing import Any

import strawberry

from hub.domain.enums import EntryKind
from hub.graphql.common import WARNINGS, InputWarning, UserError
from hub.graphql.entries.kinds import SHAPES, Shape
from hub.graphql.entries.types import ENTRY_TYPES

_RECONFIRMATION = "The poster's private link secret for reconfirmEntry. Shown only once."
_REUSED = (
    "True when the `organization` given was registered already (the same name once spaces, "
    "punctuation and case are ignored, the same kind, province and city): the entry names "
    "that one, no copy is made, and the edit token opens only the entry. Near matches are "
    "offered by the query similarOrganizations."
)


def _payload(name: str, annotations: dict[str, Any], namespace: dict[str, Any]) -> type[Any]:
    made = type(name, (), {**namespace, "__module__": __name__, "__annotations__": annotations})
    return strawberry.type(made)


def _warnings() -> Any:
    return strawberry.field(description=WARNINGS, default_factory=list)


def _submit_payload(shape: Shape) -> type[Any]:
    kind = shape.kind
    entry = ENTRY_TYPES[kind.kind]
    return _payload(
        f"Submit{kind.type_name}Payload",
        {
            kind.snake_name: entry | None,
            "edit_token": str | None,
            "reconfirmation_token": str | None,
            "organization_reused": bool,
            "user_errors": list[UserError],
            "warnings": list[InputWarning],
        },
        {
            "edit_token": strawberry.field(description=shape.edit_token),
            "reconfirmation_token": strawberry.field(description=_RECONFIRMATION),
            "warnings": _warnings(),
            "organization_reused": strawberry.field(description=_REUSED),
        },
    )


def _change_payload(shape: Shape) -> type[Any]:
    kind = shape.kind
    entry = ENTRY_TYPES[kind.kind]
    return _payload(
        f"{kind.type_name}Payload",
        {
            kind.snake_name: entry | None,
            "user_errors": list[UserError],
            "warnings": list[InputWarning],
        },
        {"warnings": _warnings()},
    )


# What each kind's submit mutation returns, and what its update and close mutations return.
SUBMIT_PAYLOADS: dict[EntryKind, type[Any]] = {s.kind.kind: _submit_payload(s) for s in SHAPES}
PAYLOADS: dict[EntryKind, type[Any]] = {s.kind.kind: _change_payload(s) for s in SHAPES}
