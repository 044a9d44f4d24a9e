"""The data version: a number every committed change to public data moves, in every process.

Migration 0019 has statement triggers NOTIFY `hub_data_version` on every table a public read
can show; each process LISTENs and moves its own counter. The read cache keys responses by the
counter, so a write makes every older response unreachable at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from hub.store.db import DATABASE_ERRORS, Database

log = logging.getLogger(__name__)
CHANNEL = "hub_data_version"
# What migration 0019 leaves without the trigger: tables public reads never show.
UNVERSIONED_TABLES = frozenset(
    {
        "schema_migration",
        "user_session",
        "api_token",
        "entry_event",
        "webhook",
        "webhook_delivery",
        "entry_message",
        "reconfirmation_token",
        "search_position",
        # Search's vocabulary (hub.store.search): written with search_document, which moves it.
        "search_word",
        "entry_link",
        "contact_reveal",
        # Read by GET /audit/head, which no cache serves.
        "audit_checkpoint",
        # The outbox's retention (workers/outbox_retention.py), which public reads never show.
        "outbox_pruned",
        # The key client addresses are digested with (hub.store.installation): never shown.
        "installation_key",
    }
)
# How often the listener checks its connection is still there.
CHECK_SECONDS = 0.5


class DataVersion:
    """This process's data version, and whether it can be trusted.

    `current` is None while the listener is down: notifications may be lost then, so nothing
    cached may be served (or stored) until it is back.
    """

    def __init__(self) -> None:
        self._counter = 0
        self._listening = False
        self.changed = asyncio.Event()
        # The payload of the last notification (tests send markers to know the queue is read).
        self.last_payload: str | None = None

    @property
    def current(self) -> int | None:
        """The version to key responses with; None when changes may go unnoticed."""
        return self._counter if self._listening else None

    def bump(self) -> None:
        """Data changed (a notification, this process's own write, a reconnection)."""
        self._counter += 1
        # Wakes whoever waits for the next change (tests), then rearms.
        self.changed.set()
        self.changed.clear()

    def set_listening(self, listening: bool) -> None:
        """Whether notifications arrive; a (re)connection also moves the version, since
        changes made while nobody listened were never announced."""
        self._listening = listening
        self.bump()

    def _notified(self, payload: str) -> None:
        self.last_payload = payload
        self.bump()

    async def listen(self, db: Database, stop: asyncio.Event) -> None:
        """LISTEN until `stop`, reconnecting after a lost connection."""
        while not stop.is_set():
            try:
                async with db.listening(CHANNEL, self._notified) as listening:
                    self.set_listening(True)
                    while not stop.is_set() and not listening.lost:
                        await _wait(stop, CHECK_SECONDS)
                    if listening.lost:
                        raise ConnectionError("the listening connection closed")
            except DATABASE_ERRORS as error:
                log.warning("read cache: lost the data version listener (%s); reconnecting", error)
                self.set_listening(False)
                await _wait(stop, 1.0)
            finally:
                self.set_listening(False)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
