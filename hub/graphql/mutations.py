"""The root Mutation type: each mutation returns its payload with `userErrors`."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar
from uuid import UUID

import strawberry

from hub.domain.enums import EntryKind
from hub.domain.errors import ErrorCode as UserErrorCode
from hub.domain.errors import UserError as DomainUserError
from hub.domain.model import Entry as EntryRecord
from hub.domain.model import EntryDraft
from hub.graphql.common import UserError
from hub.graphql.context import Info
from hub.graphql.entries import (
    TYPE_NAMES,
    AnyEntry,
    DonationChannel,
    Lodging,
    LogisticsOffer,
    Need,
    Offer,
    entry_of,
)
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.ids import expect_global_id
from hub.graphql.inputs import (
    CloseEntryInput,
    OrganizationInput,
    SubmitDonationChannelInput,
    SubmitEntryBase,
    SubmitLodgingInput,
    SubmitLogisticsOfferInput,
    SubmitNeedInput,
    SubmitOfferInput,
    UpdateDonationChannelInput,
    UpdateEntryBase,
    UpdateLodgingInput,
    UpdateLogisticsOfferInput,
    UpdateNeedInput,
    UpdateOfferInput,
    UpdateOrganizationInput,
)
from hub.graphql.organizations.types import Organization
from hub.graphql.permissions import guarded_mutation
from hub.services import entries as entry_service
from hub.services import organizations as organization_service
from hub.services.outcome import Forbidden, Outcome

_FORBIDDEN = "Only its editToken, its signed-in author or a coordinator may change this."


@strawberry.type
class RegisterOrganizationPayload:
    organization: Organization | None
    edit_token: str | None = strawberry.field(
        description="Keep it: it is needed to change the organization. Shown only once."
    )
    user_errors: list[UserError]


@strawberry.type
class UpdateOrganizationPayload:
    organization: Organization | None
    user_errors: list[UserError]


@strawberry.type
class SubmitNeedPayload:
    need: Need | None
    edit_token: str | None = strawberry.field(
        description="Keep it: it is needed to change or close the need. Shown only once."
    )
    reconfirmation_token: str | None = strawberry.field(
        description="The poster's private link secret for reconfirmEntry. Shown only once."
    )
    user_errors: list[UserError]


@strawberry.type
class NeedPayload:
    need: Need | None
    user_errors: list[UserError]


@strawberry.type
class SubmitOfferPayload:
    offer: Offer | None
    edit_token: str | None
    reconfirmation_token: str | None = strawberry.field(
        description="The poster's private link secret for reconfirmEntry. Shown only once."
    )
    user_errors: list[UserError]


@strawberry.type
class OfferPayload:
    offer: Offer | None
    user_errors: list[UserError]


@strawberry.type
class SubmitLogisticsOfferPayload:
    logistics_offer: LogisticsOffer | None
    edit_token: str | None
    reconfirmation_token: str | None = strawberry.field(
        description="The poster's private link secret for reconfirmEntry. Shown only once."
    )
    user_errors: list[UserError]


@strawberry.type
class LogisticsOfferPayload:
    logistics_offer: LogisticsOffer | None
    user_errors: list[UserError]


@strawberry.type
class SubmitLodgingPayload:
    lodging: Lodging | None
    edit_token: str | None
    reconfirmation_token: str | None = strawberry.field(
        description="The poster's private link secret for reconfirmEntry. Shown only once."
    )
    user_errors: list[UserError]


@strawberry.type
class LodgingPayload:
    lodging: Lodging | None
    user_errors: list[UserError]


E = TypeVar("E", Need, Offer, LogisticsOffer, Lodging, DonationChannel)


def _as(kind: type[E], entry: AnyEntry | None) -> E | None:
    """The entry as the payload's type (an outcome for one kind holds only that kind)."""
    return entry if isinstance(entry, kind) else None


class _Result:
    """An outcome rendered for the API: the entry (if any), its token and the user errors."""

    def __init__(self, info: Info, outcome: Outcome[EntryRecord]) -> None:
        ctx = info.context
        self.entry: AnyEntry | None = (
            entry_of(outcome.value, ctx.may_see_protected_contacts) if outcome.value else None
        )
        self.edit_token = outcome.edit_token
        self.reconfirmation_token = outcome.reconfirmation_token
        self.user_errors = UserError.list_of(outcome.errors, ctx.language)


def _failed(field: str, code: UserErrorCode) -> Outcome[EntryRecord]:
    return Outcome.failed([DomainUserError(field, code)])


async def _submit(info: Info, data: SubmitEntryBase, draft: EntryDraft) -> _Result:
    ctx = info.context
    if data.organization_id is not None:
        organization_id = expect_global_id(data.organization_id, "Organization")
        if organization_id is None:
            return _Result(info, _failed("organizationId", UserErrorCode.INVALID_ID))
        draft = replace(draft, organization_id=organization_id)
    new_organization = data.organization.to_domain() if data.organization else None
    outcome = await entry_service.submit_entry(
        ctx.db,
        draft,
        ctx.lifetimes,
        new_organization,
        ctx.viewer,
        ctx.settings.reconfirmation_days,
    )
    return _Result(info, outcome)


def _entry_id(global_id: str, kind: EntryKind) -> UUID | None:
    return expect_global_id(global_id, TYPE_NAMES[kind])


async def _update(info: Info, kind: EntryKind, data: UpdateEntryBase) -> _Result:
    ctx = info.context
    entry_id = _entry_id(data.id, kind)
    if entry_id is None:
        return _Result(info, _failed("id", UserErrorCode.INVALID_ID))
    try:
        outcome = await entry_service.update_entry(
            ctx.db,
            entry_id,
            kind,
            data.version,
            data.edit_token,
            data.patch,
            ctx.lifetimes,
            ctx.viewer,
        )
    except Forbidden:
        raise hub_error(ErrorCode.FORBIDDEN, _FORBIDDEN) from None
    return _Result(info, outcome)


async def _close(info: Info, kind: EntryKind, data: CloseEntryInput) -> _Result:
    entry_id = _entry_id(data.id, kind)
    if entry_id is None:
        return _Result(info, _failed("id", UserErrorCode.INVALID_ID))
    try:
        outcome = await entry_service.close_entry(
            info.context.db,
            entry_id,
            kind,
            data.version,
            data.edit_token,
            data.reason,
            info.context.viewer,
        )
    except Forbidden:
        raise hub_error(ErrorCode.FORBIDDEN, _FORBIDDEN) from None
    return _Result(info, outcome)


@strawberry.type
class SubmitDonationChannelPayload:
    donation_channel: DonationChannel | None
    edit_token: str | None
    reconfirmation_token: str | None = strawberry.field(
        description="The poster's private link secret for reconfirmEntry. Shown only once."
    )
    user_errors: list[UserError]


@strawberry.type
class DonationChannelPayload:
    donation_channel: DonationChannel | None
    user_errors: list[UserError]


@strawberry.type
class EntryMutation:
    @guarded_mutation("Register an organization; it starts PENDING.")
    async def register_organization(
        self, info: Info, input: OrganizationInput
    ) -> RegisterOrganizationPayload:
        ctx = info.context
        outcome = await organization_service.register_organization(
            ctx.db, input.to_domain(), ctx.viewer
        )
        return RegisterOrganizationPayload(
            organization=Organization.of(outcome.value, ctx.may_see_protected_contacts)
            if outcome.value
            else None,
            edit_token=outcome.edit_token,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )

    @guarded_mutation("Change an organization (needs its editToken).")
    async def update_organization(
        self, info: Info, input: UpdateOrganizationInput
    ) -> UpdateOrganizationPayload:
        ctx = info.context
        organization_id = expect_global_id(input.id, "Organization")
        if organization_id is None:
            return UpdateOrganizationPayload(
                organization=None,
                user_errors=UserError.single("id", UserErrorCode.INVALID_ID, ctx.language),
            )
        try:
            outcome = await organization_service.update_organization(
                ctx.db, organization_id, input.version, input.edit_token, input.apply, ctx.viewer
            )
        except Forbidden:
            raise hub_error(ErrorCode.FORBIDDEN, _FORBIDDEN) from None
        return UpdateOrganizationPayload(
            organization=Organization.of(outcome.value, ctx.may_see_protected_contacts)
            if outcome.value
            else None,
            user_errors=UserError.list_of(outcome.errors, ctx.language),
        )

    @guarded_mutation(
        "Publish a need; it starts PENDING until reviewed.",
    )
    async def submit_need(self, info: Info, input: SubmitNeedInput) -> SubmitNeedPayload:
        r = await _submit(info, input, input.to_domain())
        return SubmitNeedPayload(
            need=_as(Need, r.entry),
            edit_token=r.edit_token,
            reconfirmation_token=r.reconfirmation_token,
            user_errors=r.user_errors,
        )

    @guarded_mutation("Change a need; a stale version is a CONFLICT.")
    async def update_need(self, info: Info, input: UpdateNeedInput) -> NeedPayload:
        r = await _update(info, EntryKind.NEED, input)
        return NeedPayload(need=_as(Need, r.entry), user_errors=r.user_errors)

    @guarded_mutation("Close a need for good.")
    async def close_need(self, info: Info, input: CloseEntryInput) -> NeedPayload:
        r = await _close(info, EntryKind.NEED, input)
        return NeedPayload(need=_as(Need, r.entry), user_errors=r.user_errors)

    @guarded_mutation(
        "Publish an offer of supplies; it starts PENDING.",
    )
    async def submit_offer(self, info: Info, input: SubmitOfferInput) -> SubmitOfferPayload:
        r = await _submit(info, input, input.to_domain())
        return SubmitOfferPayload(
            offer=_as(Offer, r.entry),
            edit_token=r.edit_token,
            reconfirmation_token=r.reconfirmation_token,
            user_errors=r.user_errors,
        )

    @guarded_mutation("Change an offer.")
    async def update_offer(self, info: Info, input: UpdateOfferInput) -> OfferPayload:
        r = await _update(info, EntryKind.OFFER, input)
        return OfferPayload(offer=_as(Offer, r.entry), user_errors=r.user_errors)

    @guarded_mutation("Close an offer for good.")
    async def close_offer(self, info: Info, input: CloseEntryInput) -> OfferPayload:
        r = await _close(info, EntryKind.OFFER, input)
        return OfferPayload(offer=_as(Offer, r.entry), user_errors=r.user_errors)

    @guarded_mutation(
        "Publish an offer of transport; it starts PENDING.",
    )
    async def submit_logistics_offer(
        self, info: Info, input: SubmitLogisticsOfferInput
    ) -> SubmitLogisticsOfferPayload:
        r = await _submit(info, input, input.to_domain())
        return SubmitLogisticsOfferPayload(
            logistics_offer=_as(LogisticsOffer, r.entry),
            edit_token=r.edit_token,
            reconfirmation_token=r.reconfirmation_token,
            user_errors=r.user_errors,
        )

    @guarded_mutation("Change a logistics offer.")
    async def update_logistics_offer(
        self, info: Info, input: UpdateLogisticsOfferInput
    ) -> LogisticsOfferPayload:
        r = await _update(info, EntryKind.LOGISTICS_OFFER, input)
        return LogisticsOfferPayload(
            logistics_offer=_as(LogisticsOffer, r.entry),
            user_errors=r.user_errors,
        )

    @guarded_mutation("Close a logistics offer for good.")
    async def close_logistics_offer(
        self, info: Info, input: CloseEntryInput
    ) -> LogisticsOfferPayload:
        r = await _close(info, EntryKind.LOGISTICS_OFFER, input)
        return LogisticsOfferPayload(
            logistics_offer=_as(LogisticsOffer, r.entry),
            user_errors=r.user_errors,
        )

    @guarded_mutation("Publish an offer of rooms; it starts PENDING.")
    async def submit_lodging(self, info: Info, input: SubmitLodgingInput) -> SubmitLodgingPayload:
        r = await _submit(info, input, input.to_domain())
        return SubmitLodgingPayload(
            lodging=_as(Lodging, r.entry),
            edit_token=r.edit_token,
            reconfirmation_token=r.reconfirmation_token,
            user_errors=r.user_errors,
        )

    @guarded_mutation("Change a lodging offer.")
    async def update_lodging(self, info: Info, input: UpdateLodgingInput) -> LodgingPayload:
        r = await _update(info, EntryKind.LODGING, input)
        return LodgingPayload(lodging=_as(Lodging, r.entry), user_errors=r.user_errors)

    @guarded_mutation("Close a lodging offer for good.")
    async def close_lodging(self, info: Info, input: CloseEntryInput) -> LodgingPayload:
        r = await _close(info, EntryKind.LODGING, input)
        return LodgingPayload(lodging=_as(Lodging, r.entry), user_errors=r.user_errors)

    @guarded_mutation(
        "Publish an organization's donation account; it starts PENDING and its number stays "
        "masked until verified."
    )
    async def submit_donation_channel(
        self, info: Info, input: SubmitDonationChannelInput
    ) -> SubmitDonationChannelPayload:
        r = await _submit(info, input, input.to_domain())
        return SubmitDonationChannelPayload(
            donation_channel=_as(DonationChannel, r.entry),
            edit_token=r.edit_token,
            reconfirmation_token=r.reconfirmation_token,
            user_errors=r.user_errors,
        )

    @guarded_mutation(
        "Change a donation channel; a changed account number sends it back to PENDING and is "
        "shown to reviewers before and after."
    )
    async def update_donation_channel(
        self, info: Info, input: UpdateDonationChannelInput
    ) -> DonationChannelPayload:
        r = await _update(info, EntryKind.DONATION_CHANNEL, input)
        return DonationChannelPayload(
            donation_channel=_as(DonationChannel, r.entry), user_errors=r.user_errors
        )

    @guarded_mutation("Close a donation channel for good.")
    async def close_donation_channel(
        self, info: Info, input: CloseEntryInput
    ) -> DonationChannelPayload:
        r = await _close(info, EntryKind.DONATION_CHANNEL, input)
        return DonationChannelPayload(
            donation_channel=_as(DonationChannel, r.entry), user_errors=r.user_errors
        )
