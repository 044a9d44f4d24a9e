"""Per-request DataLoaders: relations are fetched in batches, never one query per row."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, partial
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
from hub.store.db import Database
from hub.store.flags import Flag
from hub.store.reviews import Review
from hub.store.shipments import Shipment

# The most reports read per entry (Verification.flags shows the newest, at most this many).
MAX_FLAGS = 100


async def _organizations(db: Database, ids: Sequence[UUID]) -> list[Organization | None]:
    async with db.connection() as conn:
        found = await organizations.get_organizations(conn, ids)
    return [found.get(i) for i in ids]


async def _entries(db: Database, ids: Sequence[UUID]) -> list[Entry | None]:
    async with db.connection() as conn:
        found = await entries.get_entries(conn, ids)
    return [found.get(i) for i in ids]


async def _reviews(db: Database, ids: Sequence[UUID]) -> list[list[Review]]:
    async with db.connection() as conn:
        found = await reviews.reviews_of(conn, ids)
    return [found.get(i, []) for i in ids]


async def _flags(db: Database, ids: Sequence[UUID]) -> list[list[Flag]]:
    async with db.connection() as conn:
        found = await flags.flags_of(conn, ids, MAX_FLAGS)
    return [found.get(i, []) for i in ids]


async def _duplicates(db: Database, ids: Sequence[UUID]) -> list[list[tuple[UUID, float]]]:
    async with db.connection() as conn:
        found = await duplicates.duplicates_of(conn, ids)
    return [found.get(i, []) for i in ids]


async def _pledges(db: Database, ids: Sequence[UUID]) -> list[Pledge | None]:
    async with db.connection() as conn:
        found = await pledges.get_pledges(conn, ids)
    return [found.get(i) for i in ids]


async def _pledges_of(db: Database, offers: bool, ids: Sequence[UUID]) -> list[list[Pledge]]:
    async with db.connection() as conn:
        found = await pledges.pledges_of(conn, ids, offers=offers)
    return [found.get(i, []) for i in ids]


async def _shipments(db: Database, ids: Sequence[UUID]) -> list[list[Shipment]]:
    async with db.connection() as conn:
        found = await shipments.shipments_of(conn, ids)
    return [found.get(i, []) for i in ids]


async def _histories(db: Database, ids: Sequence[UUID]) -> list[list[StoredRecord]]:
    async with db.connection() as conn:
        found = await audit.histories(conn, ids)
    return [found.get(i, []) for i in ids]


async def _latest_position(db: Database, hubs: Sequence[LiveHub | None]) -> list[int]:
    for hub in hubs:
        if hub is not None:
            # Number what has committed but is not stamped yet (the caller's last write).
            await hub.relay.stamp_and_publish()
    async with db.connection() as conn:
        position = await live.last_position(conn)
    return [position for _ in hubs]


class Loaders:
    """The loaders of one request (or one subscription event), each made when first used.

    A WebSocket's context keeps its loaders for as long as the socket is open; made up front,
    they cost an idle subscriber about 4 KB for nothing.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    @cached_property
    def organization(self) -> DataLoader[UUID, Organization | None]:
        """Organizations by id."""
        return DataLoader(load_fn=partial(_organizations, self._db))

    @cached_property
    def entry(self) -> DataLoader[UUID, Entry | None]:
        """Entries by id."""
        return DataLoader(load_fn=partial(_entries, self._db))

    @cached_property
    def reviews(self) -> DataLoader[UUID, list[Review]]:
        """Reviews by entry."""
        return DataLoader(load_fn=partial(_reviews, self._db))

    @cached_property
    def flags(self) -> DataLoader[UUID, list[Flag]]:
        """Reports by entry (Verification.flags shows the newest, at most MAX_FLAGS)."""
        return DataLoader(load_fn=partial(_flags, self._db))

    @cached_property
    def duplicates(self) -> DataLoader[UUID, list[tuple[UUID, float]]]:
        """Possible duplicates by entry, with their scores."""
        return DataLoader(load_fn=partial(_duplicates, self._db))

    @cached_property
    def pledge(self) -> DataLoader[UUID, Pledge | None]:
        """Pledges by id."""
        return DataLoader(load_fn=partial(_pledges, self._db))

    @cached_property
    def pledges_to_need(self) -> DataLoader[UUID, list[Pledge]]:
        """Pledges by the need they answer."""
        return DataLoader(load_fn=partial(_pledges_of, self._db, False))

    @cached_property
    def pledges_from_offer(self) -> DataLoader[UUID, list[Pledge]]:
        """Pledges by the offer they draw on."""
        return DataLoader(load_fn=partial(_pledges_of, self._db, True))

    @cached_property
    def shipments(self) -> DataLoader[UUID, list[Shipment]]:
        """Shipments by pledge."""
        return DataLoader(load_fn=partial(_shipments, self._db))

    @cached_property
    def history(self) -> DataLoader[UUID, list[StoredRecord]]:
        """Audit records by subject (a pledge's history): one statement for every pledge."""
        return DataLoader(load_fn=partial(_histories, self._db))

    @cached_property
    def latest_position(self) -> DataLoader[LiveHub | None, int]:
        """The newest event position, read once per request however many aliases ask for it:
        each read first stamps what has committed, under one lock for the whole database."""
        return DataLoader(load_fn=partial(_latest_position, self._db))


def make_loaders(db: Database) -> Loaders:
    """Fresh loaders bound to `db`."""
    return Loaders(db)
