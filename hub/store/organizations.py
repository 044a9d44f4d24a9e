"""Organizations: SQL for registering, changing and listing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from hub.domain.enums import OrganizationKind, VerificationStatus
from hub.domain.listing import CursorKey, OrganizationFilter, OrganizationOrder
from hub.domain.model import Contact, Organization, OrganizationDraft, Region
from hub.store.contacts import insert_contacts, load_contacts, replace_contacts
from hub.store.db import Connection
from hub.store.ownership import Ownership
from hub.store.sql import Where

# Every column an organization row is read with (see hydrate_organizations).
ORGANIZATION_COLUMNS = """
    o.id, o.name, o.kind, o.province, o.city, o.district, o.admin_code, o.address, o.latitude,
    o.longitude, o.website, o.verification_status, o.created_at, o.updated_at, o.version,
    o.merged_into
"""


def _organization(row: asyncpg.Record, contacts: dict[UUID, list[Contact]]) -> Organization:
    draft = OrganizationDraft(
        name=row["name"],
        kind=OrganizationKind(row["kind"]),
        region=Region(row["province"], row["city"], row["district"], row["admin_code"]),
        address=row["address"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        website=row["website"],
        contacts=tuple(contacts.get(row["id"], ())),
    )
    return Organization(
        id=row["id"],
        draft=draft,
        verification_status=VerificationStatus(row["verification_status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        merged_into=row["merged_into"],
    )


async def hydrate_organizations(
    conn: Connection, rows: Sequence[asyncpg.Record], *, contacts_too: bool = True
) -> list[Organization]:
    """Organizations from rows of ORGANIZATION_COLUMNS, with their contacts (none when not
    `contacts_too`)."""
    ids = [r["id"] for r in rows]
    contacts = await load_contacts(conn, organization_ids=ids) if contacts_too else {}
    return [_organization(r, contacts) for r in rows]


def _content(draft: OrganizationDraft) -> tuple[object, ...]:
    # $2 to $11 of both statements below.
    region = draft.region
    return (
        draft.name.strip(),
        draft.kind.value,
        region.province.strip(),
        region.city,
        region.district,
        region.admin_code,
        draft.address,
        draft.latitude,
        draft.longitude,
        draft.website,
    )


async def _written(
    conn: Connection, organization_id: UUID, draft: OrganizationDraft
) -> Organization:
    await replace_contacts(conn, draft.contacts, organization_id=organization_id)
    found = await get_organizations(conn, [organization_id])
    return found[organization_id]


async def insert_organization(
    conn: Connection,
    organization_id: UUID,
    draft: OrganizationDraft,
    edit_token_hash: bytes | None,
    registered_by: UUID | None = None,
) -> Organization:
    """Register a new organization with its contacts (built from what was written, not read
    back: the row from RETURNING, the contacts as replace_contacts stored them)."""
    row = await conn.fetchrow(
        f"""
        INSERT INTO organization AS o (id, name, kind, province, city, district, admin_code,
                                       address, latitude, longitude, website, edit_token_hash,
                                       registered_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        RETURNING {ORGANIZATION_COLUMNS}
        """,
        organization_id,
        *_content(draft),
        edit_token_hash,
        registered_by,
    )
    if row is None:  # an INSERT without ON CONFLICT returns its row or raises
        raise RuntimeError("INSERT ... RETURNING returned no row")
    contacts = await replace_contacts(
        conn, draft.contacts, organization_id=organization_id, fresh=True
    )
    return _organization(row, {organization_id: contacts})


async def insert_organizations(
    conn: Connection,
    new: Sequence[tuple[UUID, OrganizationDraft]],
    registered_by: UUID | None = None,
) -> dict[UUID, Organization]:
    """insert_organization for many organizations without edit tokens (imports), by COPY."""
    await conn.copy_records_to_table(
        "organization",
        records=[
            (organization_id, *_content(draft), registered_by) for organization_id, draft in new
        ],
        columns=[
            "id", "name", "kind", "province", "city", "district", "admin_code", "address",
            "latitude", "longitude", "website", "registered_by",
        ],
    )  # fmt: skip
    await insert_contacts(conn, [(None, oid, draft.contacts) for oid, draft in new])
    return await get_organizations(conn, [organization_id for organization_id, _ in new])


# An organization's name in a province and city is locked, from the lookup of an exact match to
# COMMIT, by the transactions that may register it: two submissions of one new organization at
# once register it once. pg_advisory_xact_lock(_NAME_CLASS, hashtext(the key)).
_NAME_CLASS = 0x48_55_42_4F  # "HUBO"
_SAME_KEY = "organization_name_key($1) || chr(9) || btrim($2) || chr(9) || coalesce(btrim($3), '')"


async def same_organization(conn: Connection, draft: OrganizationDraft) -> UUID | None:
    """The organization `draft` names exactly, if one is registered: the same name once
    normalised (organization_name_key: NFKC, case, spaces and punctuation ignored), the same
    kind, province and city (both left out counts as the same), neither merged into another
    nor REJECTED; the oldest of several. Locks that name until the transaction ends."""
    region = draft.region
    city = region.city.strip() if region.city and region.city.strip() else None
    await conn.execute(
        f"SELECT pg_advisory_xact_lock($4::int, hashtext({_SAME_KEY}))",
        draft.name,
        region.province,
        city,
        _NAME_CLASS,
    )
    found: UUID | None = await conn.fetchval(
        """SELECT id FROM organization
           WHERE province = btrim($2) AND organization_name_key(name) = organization_name_key($1)
             AND nullif(btrim(coalesce(city, '')), '') IS NOT DISTINCT FROM $3 AND kind = $4
             AND merged_into IS NULL AND verification_status <> 'REJECTED'
           ORDER BY created_at, id LIMIT 1""",
        draft.name,
        region.province,
        city,
        draft.kind.value,
    )
    return found


async def organizations_near(
    conn: Connection, province_prefix: str, limit: int = 1000
) -> list[tuple[UUID, str, str, str | None]]:
    """(id, name, province, city) of the organizations whose province starts with
    `province_prefix` (湖北 finds 湖北 and 湖北省), not merged, the newest first: what
    similar organizations are looked for among."""
    pattern = province_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await conn.fetch(
        """SELECT id, name, province, city FROM organization
           WHERE province LIKE $1 || '%' AND merged_into IS NULL
             AND verification_status <> 'REJECTED'
           ORDER BY created_at DESC LIMIT $2""",
        pattern,
        limit,
    )
    return [(r["id"], r["name"], r["province"], r["city"]) for r in rows]


async def phone_keys_of(conn: Connection, organization_id: UUID) -> frozenset[str]:
    """The phone keys (phone_keys, migration 0032) of an organization's contacts."""
    keys = await conn.fetchval(
        """SELECT ARRAY(SELECT DISTINCT k FROM contact c, unnest(phone_keys(c.phone)) AS k
                        WHERE c.organization_id = $1)""",
        organization_id,
    )
    return frozenset(keys)


async def lock_pair(
    conn: Connection, first: UUID, second: UUID
) -> dict[UUID, tuple[Organization, bool]]:
    """Two organizations and whether each was ever verified, locked for the rest of the
    transaction in id order (two merges of the same pair cannot deadlock)."""
    rows = await conn.fetch(
        f"""SELECT {ORGANIZATION_COLUMNS}, o.verified_at IS NOT NULL AS verified_once
            FROM organization o WHERE o.id = ANY($1::uuid[]) ORDER BY o.id FOR UPDATE""",
        [first, second],
    )
    found = await hydrate_organizations(conn, rows)
    return {o.id: (o, r["verified_once"]) for o, r in zip(found, rows, strict=True)}


async def kept_for(conn: Connection, organization_id: UUID) -> UUID:
    """The organization that `organization_id` was merged into, following merges (itself when
    it was not merged)."""
    kept: UUID | None = await conn.fetchval(
        """WITH RECURSIVE chain (id, merged_into, depth) AS (
               SELECT id, merged_into, 0 FROM organization WHERE id = $1
               UNION ALL
               SELECT o.id, o.merged_into, c.depth + 1 FROM chain c
               JOIN organization o ON o.id = c.merged_into WHERE c.depth < 20)
           SELECT id FROM chain WHERE merged_into IS NULL LIMIT 1""",
        organization_id,
    )
    return kept or organization_id


async def entries_of(conn: Connection, organization_id: UUID) -> list[UUID]:
    """The entries posted under an organization."""
    rows = await conn.fetch("SELECT id FROM entry WHERE organization_id = $1", organization_id)
    return [r["id"] for r in rows]


@dataclass(frozen=True)
class Moved:
    """What merging an organization moved to the one kept."""

    entries: list[UUID]
    # Staff of the copy who became staff of the kept one (not those who were both already).
    members: list[UUID]
    claims: int
    pledges: int


async def move_to(conn: Connection, merged: UUID, kept: UUID) -> Moved:
    """Move an organization's entries, staff, pending claims and pledges to `kept` and mark it
    merged there (its contacts and history stay with it). Entries moved get a new version."""
    entries = await conn.fetch(
        """UPDATE entry SET organization_id = $2, updated_at = now(), version = version + 1
           WHERE organization_id = $1 RETURNING id""",
        merged,
        kept,
    )
    members = await conn.fetch(
        """INSERT INTO organization_member (organization_id, user_id, since)
           SELECT $2, user_id, since FROM organization_member WHERE organization_id = $1
           ON CONFLICT DO NOTHING RETURNING user_id""",
        merged,
        kept,
    )
    await conn.execute("DELETE FROM organization_member WHERE organization_id = $1", merged)
    # A user waiting on both keeps one pending claim (the kept one's).
    await conn.execute(
        """DELETE FROM organization_claim m WHERE m.organization_id = $1 AND m.status = 'PENDING'
             AND EXISTS (SELECT 1 FROM organization_claim k WHERE k.organization_id = $2
                         AND k.user_id = m.user_id AND k.status = 'PENDING')""",
        merged,
        kept,
    )
    claims = await conn.execute(
        """UPDATE organization_claim SET organization_id = $2
           WHERE organization_id = $1 AND status = 'PENDING'""",
        merged,
        kept,
    )
    pledges = await conn.execute(
        "UPDATE pledge SET donor_organization_id = $2 WHERE donor_organization_id = $1",
        merged,
        kept,
    )
    await conn.execute(
        """UPDATE organization SET merged_into = $2, updated_at = now(), version = version + 1
           WHERE id = $1""",
        merged,
        kept,
    )
    return Moved(
        entries=[r["id"] for r in entries],
        members=[r["user_id"] for r in members],
        claims=int(claims.split()[-1]),
        pledges=int(pledges.split()[-1]),
    )


async def update_organization(
    conn: Connection, organization_id: UUID, draft: OrganizationDraft
) -> Organization:
    """Replace an organization's fields and contacts, bumping its version."""
    await conn.execute(
        """
        UPDATE organization SET name = $2, kind = $3, province = $4, city = $5, district = $6,
               admin_code = $7, address = $8, latitude = $9, longitude = $10, website = $11,
               updated_at = now(), version = version + 1
        WHERE id = $1
        """,
        organization_id,
        *_content(draft),
    )
    return await _written(conn, organization_id, draft)


async def get_organizations(
    conn: Connection, ids: Sequence[UUID], *, contacts: bool = True
) -> dict[UUID, Organization]:
    """Organizations by id, in one statement (plus one for their contacts, unless not
    `contacts`: then they carry none, as search documents need)."""
    rows = await conn.fetch(
        f"SELECT {ORGANIZATION_COLUMNS} FROM organization o WHERE o.id = ANY($1::uuid[])", list(ids)
    )
    return {o.id: o for o in await hydrate_organizations(conn, rows, contacts_too=contacts)}


async def lock_organization(
    conn: Connection, organization_id: UUID
) -> tuple[Organization, Ownership, bool] | None:
    """The organization, who registered it (its edit token and account) and whether it was
    ever verified, locked for the rest of the transaction."""
    row = await conn.fetchrow(
        f"""SELECT {ORGANIZATION_COLUMNS}, o.edit_token_hash, o.registered_by,
                   o.verified_at IS NOT NULL AS verified_once
            FROM organization o WHERE o.id = $1 FOR UPDATE""",
        organization_id,
    )
    if row is None:
        return None
    (organization,) = await hydrate_organizations(conn, [row])
    ownership = Ownership(row["edit_token_hash"], row["registered_by"])
    return organization, ownership, row["verified_once"]


async def set_organization_status(
    conn: Connection, organization_id: UUID, status: VerificationStatus
) -> Organization:
    """Record an organization's verification state (VERIFIED marks it verified once, for
    good: see hub/domain/organization_trust.py)."""
    await conn.execute(
        """UPDATE organization SET verification_status = $2,
               verified_at = CASE WHEN $2 = 'VERIFIED' THEN coalesce(verified_at, now())
                                  ELSE verified_at END
           WHERE id = $1""",
        organization_id,
        status.value,
    )
    return (await get_organizations(conn, [organization_id]))[organization_id]


def organization_where(flt: OrganizationFilter) -> Where:
    """The organizations `flt` lets through (lists and exports alike)."""
    where = Where()
    # An organization merged into another is found there (and by its id), not listed twice.
    where.add("o.merged_into IS NULL")
    where.any_of("o.kind", flt.kinds)
    where.given("o.province = {}", flt.province)
    where.given("o.city = {}", flt.city)
    if flt.name_contains:
        pattern = (
            "%"
            + flt.name_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            + "%"
        )
        where.add("o.name ILIKE {}", pattern)
    return where


async def list_organizations(
    conn: Connection,
    flt: OrganizationFilter,
    order: OrganizationOrder,
    after: CursorKey | None,
    limit: int,
) -> list[Organization]:
    """One page of organizations after the cursor key `after`."""
    where = organization_where(flt)
    if order is OrganizationOrder.NAME:
        if after is not None:
            where.add("(o.name, o.id) > ({}, {}::uuid)", str(after[0]), UUID(str(after[1])))
        order_by = "o.name, o.id"
    else:
        if after is not None:
            where.add(
                "(o.created_at, o.id) < ({}::timestamptz, {}::uuid)",
                datetime.fromisoformat(str(after[0])),
                UUID(str(after[1])),
            )
        order_by = "o.created_at DESC, o.id DESC"
    sql = (
        f"SELECT {ORGANIZATION_COLUMNS} FROM organization o {where.sql()} "
        f"ORDER BY {order_by} LIMIT {int(limit)}"
    )
    return await hydrate_organizations(conn, await conn.fetch(sql, *where.params))


async def count_organizations(conn: Connection, flt: OrganizationFilter) -> int:
    """How many organizations match the filter."""
    where = organization_where(flt)
    count: int = await conn.fetchval(
        f"SELECT count(*) FROM organization o {where.sql()}", *where.params
    )
    return count
