"""Organizations submitted again: reuse the exact match, offer the near ones (issue 17).

An exact match (the same name once normalised, the same kind, province and city: see
hub/store/organizations.same_organization) is reused instead of registering a copy. Reusing
gives the submitter nothing over it: no edit token, no membership (hub/domain/
organization_trust.py); what the submitter said about it that it does not have (other phones)
goes on the submitter's own entry instead, so nothing is lost. Near matches (武汉汉口医院 for
武汉市汉口医院, a name with or without its alias) are only offered: the submitter, or a
coordinator's merge, decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from hub.domain.contact_keys import phone_keys
from hub.domain.model import Contact
from hub.domain.name_keys import NameKey, alike_names, place_key, same_name

# At most this many similar organizations are offered.
MAX_SIMILAR = 5


@dataclass(frozen=True)
class Known:
    """A registered organization as the similarity check reads it."""

    id: UUID
    name: str
    province: str
    city: str | None


def similar_organizations(
    name: str, province: str, city: str | None, known: Iterable[Known], limit: int = MAX_SIMILAR
) -> list[UUID]:
    """The registered organizations that likely are the one named: the same name as written
    (places left out, aliases, numbers either way) first, then names differing only by left-out
    characters; never one of the same province but another city."""
    wanted = NameKey.of(name)
    where = place_key(province), place_key(city)
    same: list[UUID] = []
    alike: list[UUID] = []
    for organization in known:
        if place_key(organization.province) != where[0]:
            continue
        other_city = place_key(organization.city)
        if where[1] and other_city and other_city != where[1]:
            continue
        key = NameKey.of(organization.name)
        if same_name(wanted, key):
            same.append(organization.id)
        elif alike_names(wanted, key):
            alike.append(organization.id)
    return (same + alike)[:limit]


def carried_contacts(
    submitted: Sequence[Contact],
    existing_phones: frozenset[str],
    entry_contacts: Sequence[Contact],
    limit: int,
) -> tuple[Contact, ...]:
    """The entry's contacts, with those submitted for a reused organization that it lacks
    (by phone; a contact without a phone is carried unless the entry has it already), up to
    `limit` in all."""
    contacts = list(entry_contacts)
    seen = set(existing_phones)
    for contact in contacts:
        seen |= phone_keys(contact.phone)
    for contact in submitted:
        keys = phone_keys(contact.phone)
        if len(contacts) >= limit:
            break
        if keys and keys <= seen:
            continue
        if not keys and contact in contacts:
            continue
        contacts.append(contact)
        seen |= keys
    return tuple(contacts)
