"""The Subscription root: live entry events over WebSockets (hub.live does the work)."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator
from uuid import UUID

import strawberry

import hub.graphql.enums  # noqa: F401 - registers the enums with strawberry
from hub.domain import enums as domain
from hub.domain.live import EventFilter, ReplayTooOld, TooFarBehind, UnknownPosition
from hub.domain.regions import filter_places
from hub.graphql.connections import number_cursor
from hub.graphql.context import Info
from hub.graphql.entries import TYPE_NAMES
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.filters import MAX_FILTER_VALUES
from hub.graphql.ids import expect_global_id
from hub.graphql.live.channel import EventChannel, current_channel
from hub.graphql.live.events import EntryEvent, batch_loaders, event_of
from hub.graphql.live.shapes import shape_for
from hub.live.cohorts import Member
from hub.live.fanout import Delivery
from hub.store.db import DATABASE_ERRORS

# The WebSocket close code for a subscriber whose queue overflowed (4000-4999 are the
# application's; graphql-ws uses 4400-4499). Reconnect and resubscribe with `after`.
CLOSE_TOO_FAR_BEHIND = 4800
TOO_FAR_BEHIND = "Too far behind: resubscribe with after=<last event id>"
# The refusal of an `after` that is no event's position.
_AFTER = "after must be the id of an event you received."

log = logging.getLogger(__name__)


@strawberry.input(description="Which entry events to receive; all given must hold.")
class EntryEventFilter:
    kinds: list[domain.EntryKind] | None = None
    types: list[domain.EventType] | None = None
    provinces: list[str] | None = None
    cities: list[str] | None = None
    category_codes: list[str] | None = None
    urgencies: list[domain.Urgency] | None = strawberry.field(
        default=None, description="Only needs have an urgency: this leaves out other kinds."
    )
    verification_statuses: list[domain.VerificationStatus] | None = strawberry.field(
        default=None,
        description="Unlike lists, no default: a coordinator sees new, unverified entries too.",
    )
    organization_ids: list[strawberry.ID] | None = None
    entry_ids: list[strawberry.ID] | None = None

    def to_domain(self) -> EventFilter:
        """The domain filter; BAD_USER_INPUT or INVALID_ID for what cannot be one."""
        lists: dict[str, list[object] | None] = {
            "kinds": self.kinds,  # type: ignore[dict-item]
            "types": self.types,  # type: ignore[dict-item]
            "provinces": self.provinces,  # type: ignore[dict-item]
            "cities": self.cities,  # type: ignore[dict-item]
            "categoryCodes": self.category_codes,  # type: ignore[dict-item]
            "urgencies": self.urgencies,  # type: ignore[dict-item]
            "verificationStatuses": self.verification_statuses,  # type: ignore[dict-item]
            "organizationIds": self.organization_ids,  # type: ignore[dict-item]
            "entryIds": self.entry_ids,  # type: ignore[dict-item]
        }
        for name, values in lists.items():
            if values is not None and len(values) > MAX_FILTER_VALUES:
                raise hub_error(
                    ErrorCode.BAD_USER_INPUT, f"{name} takes at most {MAX_FILTER_VALUES} values."
                )
        provinces, cities = filter_places(self.provinces or (), self.cities or ())
        return EventFilter(
            kinds=tuple(self.kinds or ()),
            event_types=tuple(self.types or ()),
            provinces=provinces,
            cities=cities,
            category_codes=tuple(self.category_codes or ()),
            urgencies=tuple(self.urgencies or ()),
            verification_statuses=tuple(self.verification_statuses or ()),
            organization_ids=_ids(self.organization_ids, ("Organization",), "organizationIds"),
            entry_ids=_ids(self.entry_ids, tuple(TYPE_NAMES.values()), "entryIds"),
        )


def _ids(values: list[strawberry.ID] | None, types: tuple[str, ...], name: str) -> tuple[UUID, ...]:
    found = []
    for value in values or ():
        local = next((u for t in types if (u := expect_global_id(value, t)) is not None), None)
        if local is None:
            raise hub_error(ErrorCode.INVALID_ID, f"{name} holds an id of the wrong kind: {value}")
        found.append(local)
    return tuple(found)


async def _stream(info: Info, deliveries: AsyncIterator[Delivery]) -> AsyncGenerator[EntryEvent]:
    ctx = info.context
    try:
        async for delivery in deliveries:
            # Fresh loaders per event (the connection's context outlives any one event).
            ctx.loaders = batch_loaders(ctx.db, delivery)
            yield event_of(delivery, ctx.may_see_protected_contacts)
    except TooFarBehind:
        if ctx.connection is not None:
            await ctx.connection.close(CLOSE_TOO_FAR_BEHIND, TOO_FAR_BEHIND)
    finally:
        await deliveries.aclose()  # type: ignore[attr-defined]


def _cohort_member(info: Info, after: int | None) -> tuple[EventChannel, Member] | None:
    """This subscription's place in the cohort of its shape, when the transport offers a
    channel to write to; None: its own execution renders every event."""
    channel = current_channel()
    if channel is None:
        return None
    shape = shape_for(info, channel.variables)
    if shape is None:
        return None
    limit = info.context.settings.live_queue_size
    return channel, Member(shape, channel, limit, live=after is None)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Entry events as they commit, in commit order. With `after` (the id of the "
        "last event received), first every event missed since, then live ones, none twice."
    )
    async def entry_events(
        self, info: Info, filter: EntryEventFilter | None = None, after: str | None = None
    ) -> AsyncGenerator[EntryEvent]:
        ctx = info.context
        if ctx.live is None or ctx.connection is None:
            raise hub_error(ErrorCode.BAD_USER_INPUT, "Subscriptions are served over WebSockets.")
        wanted = filter.to_domain() if filter else EventFilter()
        resume = number_cursor(after, _AFTER)
        cohort = _cohort_member(info, resume)
        try:
            deliveries = await ctx.live.events(wanted, resume, cohort[1] if cohort else None)
        except ReplayTooOld:
            raise hub_error(
                ErrorCode.REPLAY_WINDOW_EXCEEDED,
                f"The events after this id are older than the {ctx.settings.live_replay_hours}"
                "-hour replay window: refetch with queries, then subscribe without after.",
            ) from None
        except UnknownPosition:
            raise hub_error(ErrorCode.INVALID_CURSOR, "No event has this id on this hub.") from None
        except DATABASE_ERRORS as error:
            # PostgreSQL restarting, say: the client learns to try again, not the server's own
            # message (strawberry sends a subscription's first error as it is, uncoded).
            log.warning("live: a subscription could not start: %s", type(error).__name__)
            raise hub_error(
                ErrorCode.INTERNAL_SERVER_ERROR,
                "The hub cannot reach its database: subscribe again (with after) shortly.",
            ) from None
        if cohort is not None:
            # The stream yields the replay only; live events go to the cohort's sink.
            channel, member = cohort
            channel.adopt(member)
        return _stream(info, deliveries)


@strawberry.type
class LiveQuery:
    @strawberry.field(
        description="The id of the newest event; every change committed before this request "
        "has an id up to it. Fetch your data with it, then subscribe to entryEvents with after "
        "set to it: nothing falls between the two (a change you already fetched may arrive "
        "once more)."
    )
    async def latest_event_id(self, info: Info) -> str:
        # Once per request: every alias shares one stamping (hub.graphql.loaders).
        return str(await info.context.loaders.latest_position.load(info.context.live))
