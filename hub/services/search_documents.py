"""The search documents of whatever a batch of outbox events touched, as the database has it now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from hub.domain.live import LiveEvent
from hub.domain.model import Organization
from hub.domain.search import ORGANIZATION, SearchDocument, entry_document, organization_document
from hub.domain.taxonomy import SupplyCategory
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


# A pass keeps at most this many organizations read (about a kilobyte each).
MAX_KEPT_ORGANIZATIONS = 20_000


@dataclass
class ReadOnce:
    """What one pass over many batches (a rebuild) reads once rather than per batch: the
    taxonomy, and the organizations that own entries. A change to either while the pass runs is
    an outbox event that the indexer replays after it, as it replays every other change."""

    organizations: dict[UUID, Organization] = field(default_factory=dict)
    taxonomy: dict[str, SupplyCategory] | None = None


async def documents_of(
    conn: Connection,
    entry_ids: Iterable[UUID],
    organization_ids: Iterable[UUID],
    read_once: ReadOnce | None = None,
) -> tuple[list[SearchDocument], list[UUID]]:
    """Documents of these entries and organizations; ids that must leave the index. A pass of
    many batches gives them all one `read_once`."""
    wanted_entries, wanted_organizations = list(entry_ids), list(organization_ids)
    kept = ReadOnce() if read_once is None else read_once
    # Documents never hold contacts: not read.
    found = await entries.get_entries(conn, wanted_entries, contacts=False)
    owners = {e.draft.organization_id for e in found.values() if e.draft.organization_id}
    unknown = (owners | set(wanted_organizations)) - kept.organizations.keys()
    if len(kept.organizations) + len(unknown) > MAX_KEPT_ORGANIZATIONS:
        kept.organizations.clear()
        unknown = owners | set(wanted_organizations)
    kept.organizations.update(
        await organizations.get_organizations(conn, list(unknown), contacts=False)
    )
    orgs = kept.organizations
    if kept.taxonomy is None:
        kept.taxonomy = {c.code: c for c in await categories.list_categories(conn)}
    taxonomy = kept.taxonomy
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
