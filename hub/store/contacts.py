"""Contacts of organizations and entries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from uuid import UUID

from hub.domain.enums import ContactVisibility
from hub.domain.model import Contact
from hub.store.db import Connection
from hub.store.records import from_row, grouped


async def load_contacts(
    conn: Connection, *, entry_ids: Sequence[UUID] = (), organization_ids: Sequence[UUID] = ()
) -> dict[UUID, list[Contact]]:
    """Contacts per owner id, in their given order, for many owners in one statement."""
    rows = await conn.fetch(
        """
        SELECT coalesce(entry_id, organization_id) AS owner, id, name, phone, other_channel,
               visibility, phone_e164, phone_extension
        FROM contact
        WHERE entry_id = ANY($1::uuid[]) OR organization_id = ANY($2::uuid[])
        ORDER BY owner, position
        """,
        list(entry_ids),
        list(organization_ids),
    )
    return grouped(
        rows, "owner", lambda r: from_row(Contact, r, visibility=ContactVisibility(r["visibility"]))
    )


async def replace_contacts(
    conn: Connection,
    contacts: Sequence[Contact],
    *,
    entry_id: UUID | None = None,
    organization_id: UUID | None = None,
    fresh: bool = False,
) -> list[Contact]:
    """Make `contacts` the owner's whole list of contacts; returns them as stored (as
    load_contacts reads them). A contact the owner already had keeps its id (revealContact
    and clients that keep contacts by id go on working). `fresh`: the owner was inserted in
    this transaction and has none yet (nothing to delete)."""
    had: set[UUID] = set()
    if not fresh:
        deleted = await conn.fetch(
            "DELETE FROM contact WHERE entry_id = $1 OR organization_id = $2 RETURNING id",
            entry_id,
            organization_id,
        )
        had = {r["id"] for r in deleted}
    rows = []
    for position, c in enumerate(contacts):
        # Each old id once: a contact sent twice becomes two contacts, not a clash.
        contact_id = c.id if c.id in had else uuid.uuid4()
        had.discard(contact_id)
        rows.append(
            (
                contact_id,
                entry_id,
                organization_id,
                position,
                _clean(c.name),
                _clean(c.phone),
                _clean(c.other_channel),
                c.visibility.value,
                _phone_e164(c),
                _phone_extension(c),
            )
        )
    if not rows:
        return []
    await conn.executemany(
        """
        INSERT INTO contact (id, entry_id, organization_id, position, name, phone, other_channel,
                             visibility, phone_e164, phone_extension)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        """,
        rows,
    )
    return [
        Contact(name, phone, other, ContactVisibility(visibility), contact_id, e164, extension)
        for contact_id, _, _, _, name, phone, other, visibility, e164, extension in rows
    ]


_COLUMNS = (
    "id", "entry_id", "organization_id", "position", "name", "phone", "other_channel",
    "visibility", "phone_e164", "phone_extension",
)  # fmt: skip


async def insert_contacts(
    conn: Connection, owners: Sequence[tuple[UUID | None, UUID | None, Sequence[Contact]]]
) -> None:
    """The contacts of many new owners, (entry id, organization id, contacts), in one COPY."""
    rows = [
        (
            uuid.uuid4(),
            entry_id,
            organization_id,
            position,
            _clean(c.name),
            _clean(c.phone),
            _clean(c.other_channel),
            c.visibility.value,
            _phone_e164(c),
            _phone_extension(c),
        )
        for entry_id, organization_id, contacts in owners
        for position, c in enumerate(contacts)
    ]
    if rows:
        await conn.copy_records_to_table("contact", records=rows, columns=_COLUMNS)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


# What was read from the phone goes with it: a contact without a phone has neither.
def _phone_e164(contact: Contact) -> str | None:
    return contact.phone_e164 if _clean(contact.phone) else None


def _phone_extension(contact: Contact) -> str | None:
    return contact.phone_extension if _clean(contact.phone) else None


async def contact_by_id(conn: Connection, contact_id: UUID) -> tuple[Contact, UUID] | None:
    """A contact and the id of the entry or organization it belongs to."""
    row = await conn.fetchrow(
        """SELECT id, coalesce(entry_id, organization_id) AS owner, name, phone, other_channel,
                  visibility, phone_e164, phone_extension FROM contact WHERE id = $1""",
        contact_id,
    )
    if row is None:
        return None
    contact = Contact(
        row["name"],
        row["phone"],
        row["other_channel"],
        ContactVisibility(row["visibility"]),
        row["id"],
        row["phone_e164"],
        row["phone_extension"],
    )
    return contact, row["owner"]
