"""Entries (needs, offers, logistics offers, lodging): SQL for writing, reading and listing."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from hub.domain.donations import normalize_account
from hub.domain.enums import (
    EntryKind,
    EntryStatus,
    Urgency,
    VehicleType,
    VerificationStatus,
)
from hub.domain.listing import CursorKey, EntryFilter, EntryOrder
from hub.domain.model import (
    Details,
    DonationChannelDetails,
    Entry,
    EntryDraft,
    Item,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    Region,
    ReviewState,
)
from hub.domain.units import Unit
from hub.store.contacts import load_contacts, replace_contacts
from hub.store.db import Connection
from hub.store.ownership import Ownership
from hub.store.sql import Where

_COLUMNS = """
    e.id, e.kind, e.organization_id, e.provider_name, e.province, e.city, e.district,
    e.admin_code, e.address, e.notes, e.source_url, e.source_note, e.urgency, e.status,
    e.verification_status, e.close_reason, e.created_at, e.updated_at, e.verified_at,
    e.expires_at, e.version, e.review_round, e.queued_at, e.claimed_by, e.lease_until,
    e.rejection_reason, e.submitted_by, e.self_reported, e.merged_into,
    o.can_deliver, o.lead_time_days, o.is_free AS offer_is_free, o.price_note AS offer_price_note,
    l.destination_province, l.destination_city, l.destination_district, l.destination_admin_code,
    l.vehicle_type, l.capacity_kg, l.capacity_m3, l.cold_chain, l.is_free AS logistics_is_free,
    l.available_from AS logistics_from, l.available_until AS logistics_until,
    g.rooms_available, g.eligibility, g.is_free AS lodging_is_free,
    g.price_note AS lodging_price_note, g.available_from AS lodging_from,
    g.available_until AS lodging_until,
    d.account_name, d.bank, d.account_number, d.remittance_note, d.purpose
"""
_FROM = """
    FROM entry e
    LEFT JOIN offer o ON o.entry_id = e.id
    LEFT JOIN logistics_offer l ON l.entry_id = e.id
    LEFT JOIN lodging g ON g.entry_id = e.id
    LEFT JOIN donation_channel d ON d.entry_id = e.id
"""


def _details(row: asyncpg.Record) -> Details:
    kind = EntryKind(row["kind"])
    if kind is EntryKind.NEED:
        return NeedDetails(urgency=Urgency(row["urgency"]))
    if kind is EntryKind.OFFER:
        return OfferDetails(
            can_deliver=row["can_deliver"],
            is_free=row["offer_is_free"],
            lead_time_days=row["lead_time_days"],
            price_note=row["offer_price_note"],
        )
    if kind is EntryKind.LOGISTICS_OFFER:
        destination = None
        if row["destination_province"] is not None:
            destination = Region(
                row["destination_province"],
                row["destination_city"],
                row["destination_district"],
                row["destination_admin_code"],
            )
        return LogisticsDetails(
            vehicle_type=VehicleType(row["vehicle_type"]),
            cold_chain=row["cold_chain"],
            is_free=row["logistics_is_free"],
            destination=destination,
            capacity_kg=row["capacity_kg"],
            capacity_m3=row["capacity_m3"],
            available_from=row["logistics_from"],
            available_until=row["logistics_until"],
        )
    if kind is EntryKind.DONATION_CHANNEL:
        return DonationChannelDetails(
            account_name=row["account_name"],
            bank=row["bank"],
            account_number=row["account_number"],
            remittance_note=row["remittance_note"],
            purpose=row["purpose"],
        )
    return LodgingDetails(
        rooms_available=row["rooms_available"],
        eligibility=row["eligibility"],
        is_free=row["lodging_is_free"],
        price_note=row["lodging_price_note"],
        available_from=row["lodging_from"],
        available_until=row["lodging_until"],
    )


async def _load_items(conn: Connection, entry_ids: Sequence[UUID]) -> dict[UUID, list[Item]]:
    rows = await conn.fetch(
        """
        SELECT entry_id, category_code, name, spec, quantity, unit, package_size,
               fulfilled_quantity, certifications
        FROM entry_item WHERE entry_id = ANY($1::uuid[]) ORDER BY entry_id, position
        """,
        list(entry_ids),
    )
    items: dict[UUID, list[Item]] = defaultdict(list)
    for r in rows:
        items[r["entry_id"]].append(
            Item(
                category_code=r["category_code"],
                name=r["name"],
                quantity=r["quantity"],
                unit=Unit(r["unit"]),
                spec=r["spec"],
                package_size=r["package_size"],
                fulfilled_quantity=r["fulfilled_quantity"],
                certifications=tuple(r["certifications"]),
                quantity_unknown=r["quantity"] is None,
            )
        )
    return items


async def select_entries(conn: Connection, where: Where, tail: str) -> list[asyncpg.Record]:
    """Entry rows matching `where`, with `tail` (ORDER BY ... LIMIT ...) appended."""
    return list(await conn.fetch(f"SELECT {_COLUMNS} {_FROM} {where.sql()} {tail}", *where.params))


async def hydrate_rows(conn: Connection, rows: Sequence[asyncpg.Record]) -> list[Entry]:
    """Entries from rows of select_entries, with their items and contacts."""
    return await _hydrate(conn, rows)


async def _hydrate(conn: Connection, rows: Sequence[asyncpg.Record]) -> list[Entry]:
    ids = [r["id"] for r in rows]
    items = await _load_items(conn, ids)
    contacts = await load_contacts(conn, entry_ids=ids)
    entries = []
    for r in rows:
        draft = EntryDraft(
            region=Region(r["province"], r["city"], r["district"], r["admin_code"]),
            details=_details(r),
            organization_id=r["organization_id"],
            provider_name=r["provider_name"],
            address=r["address"],
            notes=r["notes"],
            source_url=r["source_url"],
            source_note=r["source_note"],
            items=tuple(items.get(r["id"], ())),
            contacts=tuple(contacts.get(r["id"], ())),
        )
        entries.append(
            Entry(
                id=r["id"],
                draft=draft,
                status=EntryStatus(r["status"]),
                verification_status=VerificationStatus(r["verification_status"]),
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                version=r["version"],
                verified_at=r["verified_at"],
                expires_at=r["expires_at"],
                close_reason=r["close_reason"],
                self_reported=r["self_reported"],
                merged_into=r["merged_into"],
                review=ReviewState(
                    round=r["review_round"],
                    queued_at=r["queued_at"],
                    claimed_by=r["claimed_by"],
                    lease_until=r["lease_until"],
                    rejection_reason=r["rejection_reason"],
                    submitted_by=r["submitted_by"],
                ),
            )
        )
    return entries


async def _write_details(conn: Connection, entry_id: UUID, details: Details) -> None:
    if isinstance(details, OfferDetails):
        await conn.execute(
            """
            INSERT INTO offer (entry_id, can_deliver, lead_time_days, is_free, price_note)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (entry_id) DO UPDATE SET can_deliver = $2, lead_time_days = $3,
                is_free = $4, price_note = $5
            """,
            entry_id,
            details.can_deliver,
            details.lead_time_days,
            details.is_free,
            details.price_note,
        )
    elif isinstance(details, LogisticsDetails):
        dest = details.destination
        await conn.execute(
            """
            INSERT INTO logistics_offer (entry_id, destination_province, destination_city,
                destination_district, destination_admin_code, vehicle_type, capacity_kg,
                capacity_m3, cold_chain, is_free, available_from, available_until)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (entry_id) DO UPDATE SET destination_province = $2,
                destination_city = $3, destination_district = $4, destination_admin_code = $5,
                vehicle_type = $6, capacity_kg = $7, capacity_m3 = $8, cold_chain = $9,
                is_free = $10, available_from = $11, available_until = $12
            """,
            entry_id,
            dest.province if dest else None,
            dest.city if dest else None,
            dest.district if dest else None,
            dest.admin_code if dest else None,
            details.vehicle_type.value,
            details.capacity_kg,
            details.capacity_m3,
            details.cold_chain,
            details.is_free,
            details.available_from,
            details.available_until,
        )
    elif isinstance(details, DonationChannelDetails):
        await conn.execute(
            """
            INSERT INTO donation_channel (entry_id, account_name, bank, account_number,
                                          remittance_note, purpose)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (entry_id) DO UPDATE SET account_name = $2, bank = $3,
                account_number = $4, remittance_note = $5, purpose = $6
            """,
            entry_id,
            details.account_name.strip(),
            details.bank.strip(),
            normalize_account(details.account_number),
            details.remittance_note,
            details.purpose,
        )
    elif isinstance(details, LodgingDetails):
        await conn.execute(
            """
            INSERT INTO lodging (entry_id, rooms_available, eligibility, is_free, price_note,
                                 available_from, available_until)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (entry_id) DO UPDATE SET rooms_available = $2, eligibility = $3,
                is_free = $4, price_note = $5, available_from = $6, available_until = $7
            """,
            entry_id,
            details.rooms_available,
            details.eligibility,
            details.is_free,
            details.price_note,
            details.available_from,
            details.available_until,
        )


async def _replace_items(conn: Connection, entry_id: UUID, items: Sequence[Item]) -> None:
    await conn.execute("DELETE FROM entry_item WHERE entry_id = $1", entry_id)
    await conn.executemany(
        """
        INSERT INTO entry_item (id, entry_id, position, category_code, name, spec, quantity, unit,
                                package_size, fulfilled_quantity, certifications)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """,
        [
            (
                uuid.uuid4(),
                entry_id,
                position,
                item.category_code,
                item.name.strip(),
                item.spec,
                item.quantity,
                item.unit.value,
                item.package_size,
                item.fulfilled_quantity,
                list(item.certifications),
            )
            for position, item in enumerate(items)
        ],
    )


async def _write_parts(conn: Connection, entry_id: UUID, draft: EntryDraft) -> Entry:
    """Write what lives beside the entry row (details, items, contacts); return the entry."""
    await _write_details(conn, entry_id, draft.details)
    await _replace_items(conn, entry_id, draft.items)
    await replace_contacts(conn, draft.contacts, entry_id=entry_id)
    return (await get_entries(conn, [entry_id]))[entry_id]


def _urgency(draft: EntryDraft) -> str | None:
    details = draft.details
    return details.urgency.value if isinstance(details, NeedDetails) else None


async def insert_entry(
    conn: Connection,
    entry_id: UUID,
    draft: EntryDraft,
    *,
    expires_at: datetime,
    edit_token_hash: bytes | None,
    created_at: datetime | None = None,
    submitted_by: UUID | None = None,
) -> Entry:
    """Publish a new entry with its items, contacts and kind-specific details."""
    region = draft.region
    await conn.execute(
        """
        INSERT INTO entry (id, kind, organization_id, provider_name, province, city, district,
                           admin_code, address, notes, source_url, source_note, urgency,
                           expires_at, edit_token_hash, created_at, updated_at, submitted_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                coalesce($16, now()), coalesce($16, now()), $17)
        """,
        entry_id,
        draft.kind.value,
        draft.organization_id,
        draft.provider_name,
        region.province.strip(),
        region.city,
        region.district,
        region.admin_code,
        draft.address,
        draft.notes,
        draft.source_url,
        draft.source_note,
        _urgency(draft),
        expires_at,
        edit_token_hash,
        created_at,
        submitted_by,
    )
    return await _write_parts(conn, entry_id, draft)


async def update_entry(
    conn: Connection,
    entry_id: UUID,
    draft: EntryDraft,
    *,
    status: EntryStatus,
    expires_at: datetime,
) -> Entry:
    """Replace an entry's content and status, bumping its version."""
    region = draft.region
    await conn.execute(
        """
        UPDATE entry SET organization_id = $2, provider_name = $3, province = $4, city = $5,
               district = $6, admin_code = $7, address = $8, notes = $9, source_url = $10,
               source_note = $11, urgency = $12, status = $13, expires_at = $14,
               updated_at = now(), version = version + 1
        WHERE id = $1
        """,
        entry_id,
        draft.organization_id,
        draft.provider_name,
        region.province.strip(),
        region.city,
        region.district,
        region.admin_code,
        draft.address,
        draft.notes,
        draft.source_url,
        draft.source_note,
        _urgency(draft),
        status.value,
        expires_at,
    )
    return await _write_parts(conn, entry_id, draft)


async def close_entry(conn: Connection, entry_id: UUID, reason: str | None) -> Entry:
    """Close an entry for good, bumping its version."""
    await conn.execute(
        """
        UPDATE entry SET status = 'CLOSED', close_reason = $2, updated_at = now(),
               version = version + 1
        WHERE id = $1
        """,
        entry_id,
        reason,
    )
    return (await get_entries(conn, [entry_id]))[entry_id]


async def get_entries(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, Entry]:
    """Entries by id, whatever their kind (three statements for any number of ids)."""
    rows = await conn.fetch(f"SELECT {_COLUMNS} {_FROM} WHERE e.id = ANY($1::uuid[])", list(ids))
    return {e.id: e for e in await _hydrate(conn, rows)}


async def lock_entry(conn: Connection, entry_id: UUID) -> tuple[Entry, Ownership] | None:
    """The entry and who may change it, locked for the rest of the transaction."""
    row = await conn.fetchrow(
        "SELECT edit_token_hash, submitted_by FROM entry WHERE id = $1 FOR UPDATE", entry_id
    )
    entries = await get_entries(conn, [entry_id])
    if row is None or entry_id not in entries:
        return None
    return entries[entry_id], Ownership(row["edit_token_hash"], row["submitted_by"])


async def ownerships(conn: Connection, ids: Sequence[UUID]) -> dict[UUID, Ownership]:
    """Who may change each entry, read without locking."""
    rows = await conn.fetch(
        "SELECT id, edit_token_hash, submitted_by FROM entry WHERE id = ANY($1::uuid[])", list(ids)
    )
    return {r["id"]: Ownership(r["edit_token_hash"], r["submitted_by"]) for r in rows}


def with_categories(where: Where, codes: Sequence[str]) -> None:
    """Restrict `where` to entries with an item in one of the categories."""
    where.add(
        "EXISTS (SELECT 1 FROM entry_item i WHERE i.entry_id = e.id AND i.category_code = ANY({}))",
        list(codes),
    )


def _where(kind: EntryKind, flt: EntryFilter) -> Where:
    where = Where()
    where.add("e.kind = {}", kind.value)
    if flt.province:
        where.add("e.province = {}", flt.province)
    if flt.city:
        where.add("e.city = {}", flt.city)
    if flt.district:
        where.add("e.district = {}", flt.district)
    if flt.destination_province:
        where.add("l.destination_province = {}", flt.destination_province)
    if flt.destination_city:
        where.add("l.destination_city = {}", flt.destination_city)
    if flt.category_codes:
        with_categories(where, flt.category_codes)
    if flt.urgencies:
        where.add("e.urgency = ANY({})", [u.value for u in flt.urgencies])
    if flt.statuses:
        where.add("e.status = ANY({})", [s.value for s in flt.statuses])
    if flt.verification_statuses:
        where.add("e.verification_status = ANY({})", [s.value for s in flt.verification_statuses])
    if flt.organization_kinds:
        where.add(
            "EXISTS (SELECT 1 FROM organization org WHERE org.id = e.organization_id "
            "AND org.kind = ANY({}))",
            [k.value for k in flt.organization_kinds],
        )
    if flt.organization_id is not None:
        where.add("e.organization_id = {}", flt.organization_id)
    if flt.updated_since is not None:
        where.add("e.updated_at >= {}", flt.updated_since)
    return where


_ORDER_BY = {
    EntryOrder.URGENCY: "e.urgency_rank, e.updated_at DESC, e.id DESC",
    EntryOrder.RECENTLY_UPDATED: "e.updated_at DESC, e.id DESC",
    EntryOrder.NEWEST: "e.created_at DESC, e.id DESC",
    EntryOrder.OLDEST: "e.created_at, e.id",
}


def rank_key(key: CursorKey) -> tuple[int, datetime, UUID]:
    """An URGENCY-shaped cursor key (rank, time, id) with its values typed."""
    return int(key[0]), datetime.fromisoformat(str(key[1])), UUID(str(key[2]))


def _after(where: Where, order: EntryOrder, key: CursorKey) -> None:
    if order is EntryOrder.URGENCY:
        rank, updated, entry_id = rank_key(key)
        where.add(
            "(e.urgency_rank > {} OR (e.urgency_rank = {} AND (e.updated_at, e.id) < ({}, {})))",
            rank,
            rank,
            updated,
            entry_id,
        )
        return
    moment, entry_id = datetime.fromisoformat(str(key[0])), UUID(str(key[1]))
    if order is EntryOrder.RECENTLY_UPDATED:
        where.add("(e.updated_at, e.id) < ({}, {})", moment, entry_id)
    elif order is EntryOrder.NEWEST:
        where.add("(e.created_at, e.id) < ({}, {})", moment, entry_id)
    else:
        where.add("(e.created_at, e.id) > ({}, {})", moment, entry_id)


async def list_entries(
    conn: Connection,
    kind: EntryKind,
    flt: EntryFilter,
    order: EntryOrder,
    after: CursorKey | None,
    limit: int,
) -> list[Entry]:
    """One page of entries of one kind after the cursor key `after`."""
    where = _where(kind, flt)
    if after is not None:
        _after(where, order, after)
    sql = f"SELECT {_COLUMNS} {_FROM} {where.sql()} ORDER BY {_ORDER_BY[order]} LIMIT {int(limit)}"
    return await _hydrate(conn, await conn.fetch(sql, *where.params))


def priority_sql(as_of: str) -> str:
    """A need's priority score (hub/domain/priority.py) at the time in placeholder `as_of`:
    the stored, clock-free part (priority_base, kept by triggers: migration 0018) times the
    waiting factor. Plain float8 arithmetic: it runs for every matching need on each page."""
    waiting = f"greatest(date_part('epoch', {as_of}::timestamptz - e.created_at) / 3600, 0)"
    return f"(e.priority_base * (1 + least({waiting}, 168) / 72.0))"


async def list_needs_by_priority(
    conn: Connection,
    flt: EntryFilter,
    as_of: datetime,
    after: tuple[float, UUID] | None,
    limit: int,
) -> list[tuple[Entry, float]]:
    """One page of needs, highest priority at `as_of` first, with their scores.

    The score depends on time; a cursor carries the time of its first page, so that every
    page of one listing ranks by the same clock.
    """
    where = _where(EntryKind.NEED, flt)
    score = priority_sql(where.param(as_of))
    sql = f"SELECT {_COLUMNS}, {score} AS priority_score {_FROM} {where.sql()}"
    tail = ""
    if after is not None:
        score, entry_id = where.param(after[0]), where.param(after[1])
        tail = f"WHERE (priority_score, id) < ({score}::float8, {entry_id})"
    rows = await conn.fetch(
        f"SELECT * FROM ({sql}) ranked {tail} "
        f"ORDER BY priority_score DESC, id DESC LIMIT {int(limit)}",
        *where.params,
    )
    entries = await _hydrate(conn, rows)
    return [(entry, row["priority_score"]) for entry, row in zip(entries, rows, strict=True)]


async def count_entries(conn: Connection, kind: EntryKind, flt: EntryFilter) -> int:
    """How many entries of one kind match the filter."""
    where = _where(kind, flt)
    count: int = await conn.fetchval(f"SELECT count(*) {_FROM} {where.sql()}", *where.params)
    return count
