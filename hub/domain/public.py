"""An entry's details as the public sees them: one representation for every way out.

The webhooks (hub/domain/webhook_payload.py) and the open data exports (hub/exports/records.py)
both start from `public_details`, so that what a field shows, and what it hides until the entry
is verified (the masked account number of a donation channel), is decided once, by the kind's
declaration (Kind.disclosed). No I/O.
"""

from __future__ import annotations

from typing import Any

from hub.domain.kinds import kind_of
from hub.domain.kinds.spec import FieldSpec, plain
from hub.domain.model import Entry


def public_details(entry: Entry) -> dict[FieldSpec, Any]:
    """The entry's details by field, in declaration order, as anyone may see them."""
    kind = kind_of(entry.kind)
    return kind.disclosed(entry.draft.details, entry.verification_status, reviewer=False)


def details_json(entry: Entry) -> dict[str, Any]:
    """The entry's public details as the API names and writes them (camelCase, plain JSON)."""
    return {spec.public_name: plain(value) for spec, value in public_details(entry).items()}
