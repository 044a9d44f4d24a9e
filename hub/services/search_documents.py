"""The search documents of whatever a batch of outbox events touched, as the database has it now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from hub.domain.live import LiveEvent
from hub.domain.search import ORGANIZATION, SearchDocument, entry_document, organization_document
from hub.store import categories, entries, organizations
from hub.store import search_index as store
from hub.store.db import Connection


async def documents_for(
    conn: Connection, events: Sequence[LiveEvent]
) -> tuple[list[SearchDocument], list[UUID]]:
    """Documents to (re)index and ids to remove, built from the current rows, not the events:
    replaying the same events gives the same documents, whatever their order."""
    organization_ids = {e.entry_id for e in events if e.entry_kind == ORGANIZATION}
    entry_ids = {e.entry_id for e in events if e.is_entry_event}
    # An organization's name is part of its entries' documents.
    entry_ids.update(await store.entry_ids_of_organizations(conn, list(organization_ids)))
    return await documents_of(conn, entry_ids, organization_ids)


async def documents_of(
    conn: Connection, entry_ids: Iterable[UUID], organization_ids: Iterable[UUID]
) -> tuple[list[SearchDocument], list[UUID]]:
    """Documents of these entries and organizations; ids that must leave the index."""
    wanted_entries, wanted_organizations = list(entry_ids), list(organization_ids)
    # Documents never hold contacts: not read.
    found = await entries.get_entries(conn, wanted_entries, contacts=False)
    owners = {e.draft.organization_id for e in found.values() if e.draft.organization_id}
    orgs = await organizations.get_organizations(
        conn, list(owners | set(wanted_organizations)), contacts=False
    )
    taxonomy = {c.code: c for c in await categories.list_categories(conn)}
    documents: list[SearchDocument] = []
    removed: list[UUID] = []
    for entry_id in wanted_entries:
        entry = found.get(entry_id)
        owner = (
            orgs.get(entry.draft.organization_id) if entry and entry.draft.organization_id else None
        )
        document = entry_document(entry, owner, taxonomy) if entry else None
        _sort(document, entry_id, documents, removed)
    for organization_id in wanted_organizations:
        organization = orgs.get(organization_id)
        document = organization_document(organization) if organization else None
        _sort(document, organization_id, documents, removed)
    return documents, removed


def _sort(
    document: SearchDocument | None,
    subject_id: UUID,
    documents: list[SearchDocument],
    removed: list[UUID],
) -> None:
    if document is None:
        removed.append(subject_id)
    else:
        documents.append(document)
