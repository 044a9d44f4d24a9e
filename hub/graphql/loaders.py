"""Per-request DataLoaders: relations are fetched in batches, never one query per row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from copy import copy
from functools import cached_property
from typing import TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from hub.domain.model import Entry, Organization
from hub.domain.pledges import Pledge
from hub.live.hub import LiveHub
from hub.store import (
    audit,
    duplicates,
    entries,
    flags,
    live,
    organizations,
    pledges,
    reviews,
    shipments,
)
from hub.store.audit import StoredRecord
from hub.store.db import Connection, Database
from hub.store.flags import Flag
from hub.store.reviews import Review
from hub.store.shipments import Shipment

T = TypeVar("T")
# The most reports read per entry (Verification.flags shows the newest, at most this many).
MAX_FLAGS = 100


class Loaders:
    """The loaders of one request (or one subscription event), each made when first asked for.

    A WebSocket keeps a set for as long as it waits for its next operation or event; built
    eagerly, the eleven loaders cost about 7 kB per connection, most of them never used.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def _by_id(
        self, read: Callable[[Connection, Sequence[UUID]], Awaitable[Mapping[UUID, T]]], missing: T
    ) -> DataLoader[UUID, T]:
        """A loader of what `read` finds by id; `missing` (None or []) for ids it does not."""
        db = self._db

        async def load(ids: Sequence[UUID]) -> list[T]:
            async with db.connection() as conn:
                found = await read(conn, ids)
            # A list each: resolvers may extend what they are given.
            return [found.get(i, copy(missing)) for i in ids]

        return DataLoader(load_fn=load)

    @cached_property
    def organization(self) -> DataLoader[UUID, Organization | None]:
        """Organizations by id."""
        return self._by_id(organizations.get_organizations, None)

    @cached_property
    def entry(self) -> DataLoader[UUID, Entry | None]:
        """Entries by id."""
        return self._by_id(entries.get_entries, None)

    @cached_property
    def reviews(self) -> DataLoader[UUID, list[Review]]:
        """Reviews by entry."""
        return self._by_id(reviews.reviews_of, [])

    @cached_property
    def flags(self) -> DataLoader[UUID, list[Flag]]:
        """Reports by entry, the newest MAX_FLAGS."""
        return self._by_id(lambda conn, ids: flags.flags_of(conn, ids, MAX_FLAGS), [])

    @cached_property
    def duplicates(self) -> DataLoader[UUID, list[tuple[UUID, float]]]:
        """Likely duplicates by entry, with their similarity."""
        return self._by_id(duplicates.duplicates_of, [])

    @cached_property
    def pledge(self) -> DataLoader[UUID, Pledge | None]:
        """Pledges by id."""
        return self._by_id(pledges.get_pledges, None)

    @cached_property
    def pledges_to_need(self) -> DataLoader[UUID, list[Pledge]]:
        """Pledges by the need they answer."""
        return self._by_id(lambda conn, ids: pledges.pledges_of(conn, ids, offers=False), [])

    @cached_property
    def pledges_from_offer(self) -> DataLoader[UUID, list[Pledge]]:
        """Pledges by the offer they come from."""
        return self._by_id(lambda conn, ids: pledges.pledges_of(conn, ids, offers=True), [])

    @cached_property
    def shipments(self) -> DataLoader[UUID, list[Shipment]]:
        """Shipments by pledge."""
        return self._by_id(shipments.shipments_of, [])

    @cached_property
    def history(self) -> DataLoader[UUID, list[StoredRecord]]:
        """Audit records by subject (a pledge's history): one statement for every pledge asked."""
        return self._by_id(audit.histories, [])

    @cached_property
    def latest_position(self) -> DataLoader[LiveHub | None, int]:
        """The newest event position, read once per request however many aliases ask for it:
        each read first stamps what has committed, under one lock for the whole database."""
        db = self._db

        async def load(hubs: Sequence[LiveHub | None]) -> list[int]:
            for hub in hubs:
                if hub is not None:
                    # Number what has committed but is not stamped yet (the caller's last write).
                    await hub.relay.stamp_and_publish()
            async with db.connection() as conn:
                position = await live.last_position(conn)
            return [position for _ in hubs]

        return DataLoader(load_fn=load)


def make_loaders(db: Database) -> Loaders:
    """Fresh loaders bound to `db` (each made on first use)."""
    return Loaders(db)
