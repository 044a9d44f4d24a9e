"""The entries' mutations: submit<Type>, update<Type> and close<Type> for every kind, made from
the registry of kinds over three shared steps. Each returns its payload with `userErrors`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any
from uuid import UUID

import strawberry
from strawberry.utils.str_converters import to_snake_case

from hub.domain.enums import EntryKind
from hub.domain.model import Entry as EntryRecord
from hub.graphql.common import InputWarning, UserError
from hub.graphql.context import Info
from hub.graphql.entries.inputs import (
    SUBMIT_INPUTS,
    UPDATE_INPUTS,
    CloseEntryInput,
    SubmitEntryBase,
    UpdateEntryBase,
)
from hub.graphql.entries.kinds import SHAPES, Shape
from hub.graphql.entries.payloads import PAYLOADS, SUBMIT_PAYLOADS
from hub.graphql.entries.types import TYPE_NAMES, entry_of
from hub.graphql.ids import expect_global_id
from hub.graphql.payloads import invalid_id, on_node
from hub.graphql.permissions import edit_refused, entry_mutations, guarded_mutation
from hub.graphql.provenance import provenance
from hub.services import entries as entry_service
from hub.services.outcome import Outcome


def _payload(info: Info, kind: EntryKind, outcome: Outcome[EntryRecord], submitted: bool) -> Any:
    """The kind's payload of an outcome (an outcome for one kind holds only that kind)."""
    ctx = info.context
    entry = entry_of(outcome.value, ctx.may_see_protected_contacts) if outcome.value else None
    values: dict[str, Any] = {
        TYPE_FIELD[kind]: entry,
        "user_errors": UserError.list_of(outcome.errors, ctx.language),
        "warnings": InputWarning.list_of(outcome.warnings, ctx.language),
    }
    if submitted:
        values["edit_token"] = outcome.edit_token
        values["reconfirmation_token"] = outcome.reconfirmation_token
        values["organization_reused"] = outcome.reused_organization
        return SUBMIT_PAYLOADS[kind](**values)
    return PAYLOADS[kind](**values)


async def _submit(info: Info, data: SubmitEntryBase) -> Outcome[EntryRecord]:
    ctx = info.context
    draft = data.to_domain()
    if data.organization_id is not None:
        organization_id = expect_global_id(data.organization_id, "Organization")
        if organization_id is None:
            return invalid_id("organizationId")
        draft = replace(draft, organization_id=organization_id)
    new_organization = data.organization.to_domain() if data.organization else None
    return await entry_service.submit_entry(
        ctx.db,
        draft,
        ctx.lifetimes,
        new_organization,
        ctx.viewer,
        ctx.settings.reconfirmation_days,
        provenance(info).links,
    )


async def _update(info: Info, kind: EntryKind, data: UpdateEntryBase) -> Outcome[EntryRecord]:
    ctx = info.context
    links = provenance(info).links

    async def update(entry_id: UUID) -> Outcome[EntryRecord]:
        return await entry_service.update_entry(
            ctx.db,
            entry_id,
            kind,
            data.version,
            data.edit_token,
            data.patch,
            ctx.lifetimes,
            ctx.viewer,
            links,
        )

    with edit_refused():
        return await on_node(data.id, TYPE_NAMES[kind], "id", update)


async def _close(info: Info, kind: EntryKind, data: CloseEntryInput) -> Outcome[EntryRecord]:
    ctx = info.context

    async def close(entry_id: UUID) -> Outcome[EntryRecord]:
        return await entry_service.close_entry(
            ctx.db, entry_id, kind, data.version, data.edit_token, data.reason, ctx.viewer
        )

    with edit_refused():
        return await on_node(data.id, TYPE_NAMES[kind], "id", close)


# The payload field holding each kind's entry (need, logistics_offer).
TYPE_FIELD: dict[EntryKind, str] = {s.kind.kind: s.kind.snake_name for s in SHAPES}

Step = Callable[[Info, Any], Awaitable[Outcome[EntryRecord]]]


def _mutation(
    kind: EntryKind, step: Step, input_type: type, payload: type, description: str
) -> Any:
    submitted = payload is SUBMIT_PAYLOADS[kind]

    async def resolve(self: Any, info: Info, input: Any) -> Any:
        return _payload(info, kind, await step(info, input), submitted)

    resolve.__annotations__ = {"self": Any, "info": Info, "input": input_type, "return": payload}
    return guarded_mutation(description)(resolve)


def _mutations(shape: Shape) -> dict[str, Any]:
    kind = shape.kind.kind
    # The Python names of the mutations MUTATION_RULES names (submitNeed → submit_need).
    submit, update, close = (to_snake_case(n) for n in entry_mutations(shape.kind.type_name))

    async def updated(info: Info, data: Any) -> Outcome[EntryRecord]:
        return await _update(info, kind, data)

    async def closed(info: Info, data: Any) -> Outcome[EntryRecord]:
        return await _close(info, kind, data)

    return {
        submit: _mutation(kind, _submit, SUBMIT_INPUTS[kind], SUBMIT_PAYLOADS[kind], shape.submit),
        update: _mutation(kind, updated, UPDATE_INPUTS[kind], PAYLOADS[kind], shape.update),
        close: _mutation(kind, closed, CloseEntryInput, PAYLOADS[kind], shape.close),
    }


def _entry_mutation() -> type[Any]:
    namespace: dict[str, Any] = {"__module__": __name__}
    for shape in SHAPES:
        namespace.update(_mutations(shape))
    return strawberry.type(type("EntryMutation", (), namespace))


# submitNeed, updateNeed, closeNeed, submitOffer... in the registry's order of kinds.
EntryMutation = _entry_mutation()
