"""What an export request asks for: the file (dataset and format) and its filters.

The parameters mirror the list queries' filters (`EntryFilter`, `OrganizationFilter`), so that an
export holds what the matching query lists, with two differences that keep open data clean:
REJECTED entries are never exported (asking for them is refused), and CLOSED entries are left
out unless `status` asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TypeVar
from uuid import UUID

from hub.domain.enums import EntryStatus, OrganizationKind, Urgency, VerificationStatus
from hub.domain.listing import EntryFilter, OrganizationFilter
from hub.domain.open_data import Dataset
from hub.exports.encoders import Format, Language

# As the list queries (hub/graphql/filters.py): no filter takes more values than this.
MAX_VALUES = 50
MAX_TEXT = 200
DEFAULT_STATUSES = (
    EntryStatus.OPEN,
    EntryStatus.PARTIALLY_FULFILLED,
    EntryStatus.FULFILLED,
)
DEFAULT_VERIFICATION = (VerificationStatus.VERIFIED,)

# The parameters each dataset accepts (besides `lang`).
_ENTRY_PARAMETERS = (
    "province",
    "city",
    "district",
    "category",
    "status",
    "verification",
    "organization",
    "organizationKind",
    "updatedSince",
)
PARAMETERS: dict[Dataset, tuple[str, ...]] = {
    Dataset.NEEDS: (*_ENTRY_PARAMETERS, "urgency"),
    Dataset.OFFERS: _ENTRY_PARAMETERS,
    Dataset.LOGISTICS: (*_ENTRY_PARAMETERS, "destinationProvince", "destinationCity"),
    Dataset.LODGING: _ENTRY_PARAMETERS,
    Dataset.DONATION_CHANNELS: _ENTRY_PARAMETERS,
    Dataset.ORGANIZATIONS: ("province", "city", "kind", "updatedSince"),
}
LANGUAGE_PARAMETER = "lang"


class BadParameter(ValueError):
    """A query parameter the export cannot take; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ExportRequest:
    """One export: which file, in which header language, filtered how."""

    dataset: Dataset
    file_format: Format
    language: Language = Language.EN
    entries: EntryFilter = field(default_factory=EntryFilter)
    organizations: OrganizationFilter = field(default_factory=OrganizationFilter)
    updated_since: datetime | None = None


def parse_file_name(name: str) -> tuple[Dataset, Format] | None:
    """("needs", HXL) for "needs.hxl.csv"; None for a name that is no export file."""
    for file_format in sorted(Format, key=lambda f: -len(f.value)):
        suffix = "." + file_format.value
        if name.endswith(suffix):
            try:
                return Dataset(name[: -len(suffix)]), file_format
            except ValueError:
                return None
    return None


E = TypeVar("E", bound=Enum)


class _Parameters:
    """The query's values by name: repeated (`a=x&a=y`) or comma-separated (`a=x,y`)."""

    def __init__(self, items: Sequence[tuple[str, str]], allowed: Sequence[str]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, raw in items:
            if name not in allowed:
                raise BadParameter(name, f"unknown parameter {name!r}; accepted: {_list(allowed)}")
            parts = [part.strip() for part in raw.split(",") if part.strip()]
            self._values.setdefault(name, []).extend(parts)

    def text(self, name: str) -> str | None:
        values = self._values.get(name, [])
        if len(values) > 1:
            raise BadParameter(name, f"{name} takes one value")
        if values and len(values[0]) > MAX_TEXT:
            raise BadParameter(name, f"{name} is at most {MAX_TEXT} characters")
        return values[0] if values else None

    def texts(self, name: str) -> tuple[str, ...]:
        values = self._values.get(name, [])
        if len(values) > MAX_VALUES:
            raise BadParameter(name, f"{name} takes at most {MAX_VALUES} values")
        if any(len(value) > MAX_TEXT for value in values):
            raise BadParameter(name, f"a value of {name} is longer than {MAX_TEXT} characters")
        return tuple(dict.fromkeys(values))

    def enums(self, name: str, enum: type[E]) -> tuple[E, ...]:
        return tuple(_member(name, enum, value) for value in self.texts(name))


def _list(names: Sequence[str]) -> str:
    return ", ".join(names)


def _member(name: str, enum: type[E], value: str) -> E:
    try:
        return enum(value.upper())
    except ValueError:
        raise BadParameter(
            name, f"{value!r} is not a {name}; one of {_list([m.value for m in enum])}"
        ) from None


def _language(value: str | None) -> Language:
    try:
        return Language((value or Language.EN.value).lower())
    except ValueError:
        raise BadParameter(LANGUAGE_PARAMETER, "lang is en or zh") from None


_EXAMPLE_TIME = "2020-01-28T08:00:00+08:00"


def _moment(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"{name} is an ISO 8601 time, like {_EXAMPLE_TIME}") from None
    if moment.tzinfo is None:
        raise BadParameter(name, f"{name} needs a time zone offset, like {_EXAMPLE_TIME}")
    return moment


def _uuid(name: str, value: str | None, decode: Callable[[str], UUID | None]) -> UUID | None:
    if value is None:
        return None
    found = decode(value)
    if found is None:
        raise BadParameter(name, f"{name} is an organization id (a UUID or an API id)")
    return found


def _verification(params: _Parameters) -> tuple[VerificationStatus, ...]:
    wanted = params.enums("verification", VerificationStatus)
    if VerificationStatus.REJECTED in wanted:
        raise BadParameter("verification", "rejected entries are never exported")
    # An empty value (a form with nothing ticked) means the default, as leaving it out does.
    return wanted or DEFAULT_VERIFICATION


def parse_request(
    dataset: Dataset,
    file_format: Format,
    items: Sequence[tuple[str, str]],
    organization_id: Callable[[str], UUID | None],
) -> ExportRequest:
    """The export asked for by the query parameters `items`; BadParameter when one is wrong.

    `organization_id` reads the `organization` parameter (a UUID or an API id) into a UUID.
    """
    params = _Parameters(items, (*PARAMETERS[dataset], LANGUAGE_PARAMETER))
    language = _language(params.text(LANGUAGE_PARAMETER))
    updated_since = _moment("updatedSince", params.text("updatedSince"))
    if dataset is Dataset.ORGANIZATIONS:
        organizations = OrganizationFilter(
            kinds=params.enums("kind", OrganizationKind),
            province=params.text("province"),
            city=params.text("city"),
        )
        return ExportRequest(
            dataset, file_format, language, organizations=organizations, updated_since=updated_since
        )
    entries = EntryFilter(
        province=params.text("province"),
        city=params.text("city"),
        district=params.text("district"),
        destination_province=params.text("destinationProvince"),
        destination_city=params.text("destinationCity"),
        category_codes=params.texts("category"),
        urgencies=params.enums("urgency", Urgency),
        statuses=params.enums("status", EntryStatus) or DEFAULT_STATUSES,
        verification_statuses=_verification(params),
        organization_kinds=params.enums("organizationKind", OrganizationKind),
        organization_id=_uuid("organization", params.text("organization"), organization_id),
        updated_since=updated_since,
    )
    return ExportRequest(dataset, file_format, language, entries=entries)
