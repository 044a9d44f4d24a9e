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

from hub.live.cohorts import Member, Rendered


class EventChannel(Protocol):
    """One subscribed operation on one connection."""

    @property
    def variables(self) -> Mapping[str, object] | None:
        """The variables as the client sent them (before coercion)."""

    def push(self, rendered: Rendered) -> bool:
        """Send `rendered` as this operation's next result; False when too far behind."""

    def fell_behind(self) -> None:
        """Close the connection with 4800: the client resumes with `after`."""

    def adopt(self, member: Member) -> None:
        """The subscription lives on in `member` once its stream (the replay) ends: the
        transport must not complete it, and makes it leave when the operation ends."""


CURRENT_CHANNEL: ContextVar[EventChannel | None] = ContextVar("live_channel", default=None)
