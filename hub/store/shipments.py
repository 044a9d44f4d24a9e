"""Shipments: a logistics offer carrying a pledge, with its tracking history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

from hub.domain.enums import ShipmentStatus
from hub.domain.model import Region
from hub.store.db import Connection
from hub.store.records import by_key, from_row, grouped

# Shipments that still take up a carrier's capacity.
_LIVE = ("ASSIGNED", "PICKED_UP", "IN_TRANSIT")


@dataclass(frozen=True)
class TrackingUpdate:
    """One step of a shipment's history."""

    status: ShipmentStatus
    note: str | None
    at: datetime


@dataclass(frozen=True)
class Shipment:
    """A stored shipment."""

    id: UUID
    pledge_id: UUID
    carrier_id: UUID
    status: ShipmentStatus
    pickup: Region
    dropoff: Region
    weight_kg: Decimal | None
    volume_m3: Decimal | None
    tracking_note: str | None
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    version: int
    updates: tuple[TrackingUpdate, ...] = ()


_COLUMNS = """
    id, pledge_id, carrier_id, status, pickup_province, pickup_city, pickup_district,
    dropoff_province, dropoff_city, dropoff_district, weight_kg, volume_m3, tracking_note,
    created_by, created_at, updated_at, version
"""


async def insert_shipment(
    conn: Connection,
    shipment_id: UUID,
    *,
    pledge_id: UUID,
    carrier_id: UUID,
    pickup: Region,
    dropoff: Region,
    weight_kg: Decimal | None,
    volume_m3: Decimal | None,
    tracking_note: str | None,
    created_by: UUID | None,
) -> Shipment:
    """Store a new ASSIGNED shipment and the first line of its history."""
    await conn.execute(
        """
        INSERT INTO shipment (id, pledge_id, carrier_id, pickup_province, pickup_city,
                              pickup_district, dropoff_province, dropoff_city, dropoff_district,
                              weight_kg, volume_m3, tracking_note, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """,
        shipment_id,
        pledge_id,
        carrier_id,
        pickup.province,
        pickup.city,
        pickup.district,
        dropoff.province,
        dropoff.city,
        dropoff.district,
        weight_kg,
        volume_m3,
        tracking_note,
        created_by,
    )
    await add_update(conn, shipment_id, ShipmentStatus.ASSIGNED, tracking_note)
    return (await get_shipments(conn, [shipment_id]))[shipment_id]


async def add_update(
    conn: Connection, shipment_id: UUID, status: ShipmentStatus, note: str | None
) -> None:
    """Append a step to a shipment's tracking history."""
    await conn.execute(
        "INSERT INTO shipment_update (shipment_id, status, note) VALUES ($1, $2, $3)",
        shipment_id,
        status.value,
        note,
    )


async def _hydrate(conn: Connection, rows: Sequence[asyncpg.Record]) -> list[Shipment]:
    update_rows = await conn.fetch(
        "SELECT shipment_id, status, note, at FROM shipment_update "
        "WHERE shipment_id = ANY($1::uuid[]) ORDER BY shipment_id, id",
        [r["id"] for r in rows],
    )
    updates = grouped(
        update_rows,
        "shipment_id",
        lambda r: TrackingUpdate(ShipmentStatus(r["status"]), r["note"], r["at"]),
    )
    return [
        from_row(
            Shipment,
            r,
            status=ShipmentStatus(r["status"]),
            pickup=Region(r["pickup_province"], r["pickup_city"], r["pickup_district"]),
            dropoff=Region(r["dropoff_province"], r["dropoff_city"], r["dropoff_district"]),
            updates=tuple(updates[r["id"]]),
        )
        for r in rows
    ]


async def get_shipments(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, Shipment]:
    """Shipments by id."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM shipment WHERE id = ANY($1::uuid[])", list(ids)
    )
    return {s.id: s for s in await _hydrate(conn, rows)}


async def shipments_of(conn: Connection, pledge_ids: Sequence[UUID]) -> dict[UUID, list[Shipment]]:
    """Each pledge's shipments, oldest first."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM shipment WHERE pledge_id = ANY($1::uuid[]) "
        "ORDER BY created_at, id",
        list(pledge_ids),
    )
    return by_key(await _hydrate(conn, rows), lambda shipment: shipment.pledge_id)


async def lock_shipment(conn: Connection, shipment_id: UUID) -> Shipment | None:
    """A shipment, locked for the rest of the transaction."""
    if await conn.fetchval("SELECT 1 FROM shipment WHERE id = $1 FOR UPDATE", shipment_id) is None:
        return None
    return (await get_shipments(conn, [shipment_id]))[shipment_id]


async def carrier_load(conn: Connection, carrier_id: UUID) -> tuple[Decimal, Decimal]:
    """The weight (kg) and volume (m³) a carrier's live shipments already take up.

    The caller holds the carrier's entry row lock, so that two assignments cannot both take
    the last of its capacity.
    """
    row = await conn.fetchrow(
        """
        SELECT coalesce(sum(weight_kg), 0) AS kg, coalesce(sum(volume_m3), 0) AS m3
        FROM shipment WHERE carrier_id = $1 AND status = ANY($2::text[])
        """,
        carrier_id,
        list(_LIVE),
    )
    if row is None:  # an aggregate always returns a row
        return Decimal(0), Decimal(0)
    return Decimal(row["kg"]), Decimal(row["m3"])


async def set_status(
    conn: Connection, shipment_id: UUID, status: ShipmentStatus, note: str | None
) -> Shipment:
    """Move a shipment on (or just add a tracking note), recording the step."""
    await conn.execute(
        """
        UPDATE shipment SET status = $2, tracking_note = coalesce($3, tracking_note),
               updated_at = now(), version = version + 1
        WHERE id = $1
        """,
        shipment_id,
        status.value,
        note,
    )
    await add_update(conn, shipment_id, status, note)
    return (await get_shipments(conn, [shipment_id]))[shipment_id]
