"""Every place of a draft read against the division list, in one step before validation.

Submitting, updating, importing and the pages (through the API) all call these, so that every
region the hub stores is normalised (hub/domain/regions.py) and filters, matching, live events,
webhooks and exports see one spelling of each place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Generic, TypeVar

from hub.domain.enums import OrganizationKind
from hub.domain.errors import UserError
from hub.domain.kinds import kind_of
from hub.domain.model import EntryDraft, OrganizationDraft
from hub.domain.region import Region
from hub.domain.regions import NATIONWIDE_KINDS, normalize_region
from hub.domain.user_warnings import InputWarning

Draft = TypeVar("Draft", EntryDraft, OrganizationDraft)
# Organizations that are one building: a hospital or clinic is never nationwide.
_PLACED_ORGANIZATIONS = frozenset({OrganizationKind.HOSPITAL, OrganizationKind.CLINIC})


@dataclass(frozen=True)
class Placed(Generic[Draft]):
    """A draft with its regions normalised, what refuses it and what is only noted."""

    draft: Draft
    errors: list[UserError]
    warnings: list[InputWarning]


def place_entry(draft: EntryDraft) -> Placed[EntryDraft]:
    """`draft` with its region (and each place among its kind's details) normalised."""
    kind = kind_of(draft.kind)
    nationwide = draft.kind in NATIONWIDE_KINDS
    checked = normalize_region(draft.region, field=kind.region_name, nationwide_allowed=nationwide)
    errors, warnings = list(checked.errors), list(checked.warnings)
    changes: dict[str, Region] = {}
    for spec in kind.fields:
        value = getattr(draft.details, spec.name)
        if spec.is_region and isinstance(value, Region):
            # A destination may be "全国" whatever the kind: transport to anywhere.
            found = normalize_region(value, field=spec.public_name, nationwide_allowed=True)
            errors += found.errors
            warnings += found.warnings
            changes[spec.name] = found.region
    details = dataclasses.replace(draft.details, **changes) if changes else draft.details  # type: ignore[arg-type]
    placed = dataclasses.replace(draft, region=checked.region, details=details)
    return Placed(placed, errors, warnings)


def place_organization(draft: OrganizationDraft, prefix: str = "") -> Placed[OrganizationDraft]:
    """`draft` with its region normalised; `prefix` nests the error paths."""
    checked = normalize_region(
        draft.region,
        field=f"{prefix}.region" if prefix else "region",
        nationwide_allowed=draft.kind not in _PLACED_ORGANIZATIONS,
    )
    placed = dataclasses.replace(draft, region=checked.region)
    return Placed(placed, list(checked.errors), list(checked.warnings))
