"""Per-request DataLoaders: relations are fetched in batches, never one query per row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Loaders:
    """The loaders of one request (or one subscription event)."""

    organization: DataLoader[UUID, Organization | None]
    entry: DataLoader[UUID, Entry | None]
    reviews: DataLoader[UUID, list[Review]]
    flags: DataLoader[UUID, list[Flag]]
    duplicates: DataLoader[UUID, list[tuple[UUID, float]]]
    pledge: DataLoader[UUID, Pledge | None]
    pledges_to_need: DataLoader[UUID, list[Pledge]]
    pledges_from_offer: DataLoader[UUID, list[Pledge]]
    shipments: DataLoader[UUID, list[Shipment]]
    # Audit records by subject (a pledge's history): one statement for every pledge asked.
    history: DataLoader[UUID, list[StoredRecord]]
    # The newest event position, read once per request however many aliases ask for it: each
    # read first stamps what has committed, under one lock for the whole database.
    latest_position: DataLoader[LiveHub | None, int]


def make_loaders(db: Database) -> Loaders:
    """Fresh loaders bound to `db`."""

    async def load_organizations(ids: Sequence[UUID]) -> list[Organization | None]:
        async with db.connection() as conn:
            found = await organizations.get_organizations(conn, ids)
        return [found.get(i) for i in ids]

    async def load_entries(ids: Sequence[UUID]) -> list[Entry | None]:
        async with db.connection() as conn:
            found = await entries.get_entries(conn, ids)
        return [found.get(i) for i in ids]

    async def load_reviews(ids: Sequence[UUID]) -> list[list[Review]]:
        async with db.connection() as conn:
            found = await reviews.reviews_of(conn, ids)
        return [found.get(i, []) for i in ids]

    async def load_flags(ids: Sequence[UUID]) -> list[list[Flag]]:
        async with db.connection() as conn:
            found = await flags.flags_of(conn, ids, MAX_FLAGS)
        return [found.get(i, []) for i in ids]

    async def load_duplicates(ids: Sequence[UUID]) -> list[list[tuple[UUID, float]]]:
        async with db.connection() as conn:
            found = await duplicates.duplicates_of(conn, ids)
        return [found.get(i, []) for i in ids]

    async def load_pledges(ids: Sequence[UUID]) -> list[Pledge | None]:
        async with db.connection() as conn:
            found = await pledges.get_pledges(conn, ids)
        return [found.get(i) for i in ids]

    def pledges_of(offers: bool) -> DataLoader[UUID, list[Pledge]]:
        async def load(ids: Sequence[UUID]) -> list[list[Pledge]]:
            async with db.connection() as conn:
                found = await pledges.pledges_of(conn, ids, offers=offers)
            return [found.get(i, []) for i in ids]

        return DataLoader(load_fn=load)

    async def load_shipments(ids: Sequence[UUID]) -> list[list[Shipment]]:
        async with db.connection() as conn:
            found = await shipments.shipments_of(conn, ids)
        return [found.get(i, []) for i in ids]

    async def load_histories(ids: Sequence[UUID]) -> list[list[StoredRecord]]:
        async with db.connection() as conn:
            found = await audit.histories(conn, ids)
        return [found.get(i, []) for i in ids]

    async def load_latest_position(hubs: Sequence[LiveHub | None]) -> list[int]:
        for hub in hubs:
            if hub is not None:
                # Number what has committed but is not stamped yet (the caller's last write).
                await hub.relay.stamp_and_publish()
        async with db.connection() as conn:
            position = await live.last_position(conn)
        return [position for _ in hubs]

    return Loaders(
        organization=DataLoader(load_fn=load_organizations),
        entry=DataLoader(load_fn=load_entries),
        reviews=DataLoader(load_fn=load_reviews),
        flags=DataLoader(load_fn=load_flags),
        duplicates=DataLoader(load_fn=load_duplicates),
        pledge=DataLoader(load_fn=load_pledges),
        pledges_to_need=pledges_of(offers=False),
        pledges_from_offer=pledges_of(offers=True),
        shipments=DataLoader(load_fn=load_shipments),
        history=DataLoader(load_fn=load_histories),
        latest_position=DataLoader(load_fn=load_latest_position),
    )
