"""The transport's side of a cohort subscription: where the fanout writes one operation's events.

A WebSocket transport that can write shared renderings straight to a connection sets
CURRENT_CHANNEL for the operation it runs (hub.http.live_frames); `entryEvents` then joins a
cohort with it. Without one (the legacy graphql-ws protocol, an in-process test client) each
subscriber's own execution renders every event, as strawberry does.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Protocol

from hub.live.cohorts import Member, Sink


class EventChannel(Sink, Protocol):
    """One subscribed operation on one connection: the sink of its cohort member (push, and
    on falling behind a close with 4800), and what the subscription needs of the transport."""

    @property
    def variables(self) -> Mapping[str, object] | None:
        """The variables as the client sent them (before coercion)."""

    def adopt(self, member: Member) -> None:
        """The subscription lives on in `member` once its stream (the replay) ends: the
        transport must not complete it, and makes it leave when the operation ends."""


class ChannelSlot:
    """Holds an operation's channel while the operation runs, and nothing after.

    What runs inside the operation copies its context (a task, a timer set by the database
    driver's statement cache): holding the channel itself there would keep the connection
    alive for as long as such a copy lives.
    """

    __slots__ = ("channel",)

    def __init__(self, channel: EventChannel | None) -> None:
        self.channel = channel


CURRENT_CHANNEL: ContextVar[ChannelSlot | None] = ContextVar("live_channel", default=None)


def current_channel() -> EventChannel | None:
    """The channel of the operation being run, if its transport offers one."""
    slot = CURRENT_CHANNEL.get()
    return slot.channel if slot is not None else None
