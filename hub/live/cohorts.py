"""Cohorts: subscribers that are sent the same bytes for an event, rendered once for all.

A subscriber of a cohort has a shape (what the GraphQL layer executes for it: the document, the
variables that change the selection, the language and the audience) and a sink (where the HTTP
layer writes its frames). The fan-out groups the subscribers an event is for by shape, renders
each shape once, and pushes the rendering into every member's sink, which only wraps it in the
subscriber's own envelope. Nothing here knows GraphQL or WebSockets.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hub.live.fanout import Delivery


@dataclass(slots=True)
class Rendered:
    """One event as a shape renders it: the payload's JSON bytes, shared by the whole cohort.

    `encodings` keeps what sinks derive from the payload (a compressed copy, say), so that a
    cohort of 5,000 compresses once, not 5,000 times.
    """

    payload: bytes
    encodings: dict[Hashable, bytes] = field(default_factory=dict)


class Shape(Hashable, Protocol):
    """What one execution serves: equal shapes render equal bytes for the same event."""

    async def render(self, delivery: Delivery) -> Rendered:
        """The event rendered for every subscriber of this shape; never raises."""


class Sink(Protocol):
    """Where one subscriber's frames go."""

    def push(self, rendered: Rendered) -> bool:
        """Send `rendered` in this subscriber's envelope; False when it is too far behind."""

    def fell_behind(self) -> None:
        """Tell the client it fell too far behind (it resumes with `after`); nothing more is
        pushed after this."""


class Member:
    """A subscriber's place in a cohort: its shape, its sink, and how it leaves.

    While its replay runs, renderings wait here (at most `limit`); then `go_live` sends them and
    every later one goes straight to the sink. From then on the member needs no task of its
    own: it stays subscribed until `leave` (the operation completed, the socket closed) or until
    its sink is full (`end`).
    """

    __slots__ = ("_release", "done", "held", "limit", "live", "shape", "sink")

    def __init__(self, shape: Shape, sink: Sink, limit: int, live: bool) -> None:
        self.shape = shape
        self.sink = sink
        self.limit = limit
        self.live = live
        self.held: list[tuple[int, Rendered]] = []
        self.done = False
        self._release: Callable[[], None] | None = None

    def joined(self, release: Callable[[], None]) -> None:
        """Remember how to leave the fanout (called when it registers the member)."""
        self._release = release
        if self.done:
            self.leave()

    def push(self, position: int, rendered: Rendered) -> bool:
        """Send (or hold) the rendering of the event at `position`; False when behind."""
        if self.live:
            return self.sink.push(rendered)
        if len(self.held) >= self.limit:
            return False
        self.held.append((position, rendered))
        return True

    def go_live(self, seen: int) -> None:
        """Send what was held for events after position `seen`, then send directly."""
        held, self.held = self.held, []
        self.live = True
        if not self.done and not all(
            self.sink.push(rendered) for position, rendered in held if position > seen
        ):
            self.end()

    def end(self) -> None:
        """The sink is full: tell the client, and leave."""
        if not self.done:
            self.sink.fell_behind()
        self.leave()

    def leave(self) -> None:
        """Stop receiving events (idempotent)."""
        self.done = True
        self.held = []
        release, self._release = self._release, None
        if release is not None:
            release()
