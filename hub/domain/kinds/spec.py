"""How a kind of entry is declared: its details' fields and the kind itself.

A kind's module (`need.py`, `lodging.py`, ...) declares its details as a frozen dataclass whose
fields are made with `detail(...)`, and one `Kind` that names everything else about it. Every
layer derives what it needs from these two: the SQL columns, the GraphQL types, inputs,
payloads and mutations, validation, the public representation (GraphQL, webhooks, exports),
the open data columns, the import readers, search documents and the web forms.

No I/O, and nothing of the project but the domain.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar, dataclass_transform

from hub.domain.columns import Column
from hub.domain.enums import EntryKind, MissingDetail, OrganizationKind, VerificationStatus
from hub.domain.region import Region

# -- what a field may be checked for (hub/domain/validation.py applies them by their class) -----


@dataclass(frozen=True)
class Text:
    """Text of at most `max_length` characters; `required`: not empty either."""

    max_length: int
    required: bool = False


@dataclass(frozen=True)
class WholeNumber:
    """A whole number from `low` to `high`."""

    low: int
    high: int


@dataclass(frozen=True)
class PositiveAmount:
    """A quantity above zero and below the hub's largest (validation.MAX_QUANTITY)."""


@dataclass(frozen=True)
class Place:
    """A region: province required, the parts short, the administrative code well formed."""


@dataclass(frozen=True)
class AccountNumber:
    """A bank or platform account number: required, 4 to 64 letters or digits once spaces and
    dashes are taken out."""


Check = Text | WholeNumber | PositiveAmount | Place | AccountNumber


# -- what a kind may be checked for, across its fields ---------------------------------------


@dataclass(frozen=True)
class Period:
    """`until` comes after `start` when both are given."""

    start: str
    until: str


@dataclass(frozen=True)
class SourceRequired:
    """The entry's source URL is required (what reviewers check it against)."""


KindCheck = Period | SourceRequired


class SearchUse(Enum):
    """Where a field's text goes in the entry's search document."""

    NONE = "none"
    TITLE = "title"
    BODY = "body"


class Disclosure(Enum):
    """How a field is shown to the public."""

    # As stored.
    PLAIN = "plain"
    # In full once VERIFIED (and to reviewers); before that, all but the last four characters
    # masked (hub/domain/donations.py): an unverified account number must not spread.
    MASKED_UNTIL_VERIFIED = "masked-until-verified"


_SPEC = "hub.kind.field"


@dataclass(frozen=True)
class FieldMeta:
    """What `detail(...)` records about a field, beside its name and type."""

    zh: str
    en: str
    hxl: str
    description: str | None
    export_zh: str | None
    check: Check | None
    search: SearchUse
    disclosure: Disclosure
    input_default: Any
    import_default: Any
    input_description: str | None = None
    # Null means the source did not say (rooms, free or paid, urgency...): pages show "not
    # stated" (未说明) rather than nothing, and forms offer it as a choice. Otherwise null
    # means there is nothing to say (no price note) or has its own meaning (any destination).
    may_be_unstated: bool = False


_NO_DEFAULT: Any = dataclasses.MISSING


def detail(
    zh: str,
    en: str,
    *,
    hxl: str,
    description: str | None = None,
    export_zh: str | None = None,
    check: Check | None = None,
    search: SearchUse = SearchUse.NONE,
    disclosure: Disclosure = Disclosure.PLAIN,
    default: Any = _NO_DEFAULT,
    input_default: Any = _NO_DEFAULT,
    import_default: Any = _NO_DEFAULT,
    input_description: str | None = _NO_DEFAULT,
    may_be_unstated: bool = False,
) -> Any:
    """A field of a kind's details.

    `zh` and `en` label it (forms, pages); `hxl` is its open data hashtag (for a region, the
    attribute its three columns add, e.g. "+dest") and `export_zh` its Chinese column header
    when that differs from the label (for a region, the prefix of its three headers).
    `description` documents it in the API. `default` is the dataclass default; `input_default`
    the submit input's, when it has one the details do not; `import_default` what an import
    takes for an empty cell (a callable gets the values read so far). `input_description`
    documents it in the submit input when that differs from `description` (None: not at all).
    `may_be_unstated`: null means the source did not say (the field must be `X | None`).
    """
    meta = FieldMeta(
        zh=zh,
        en=en,
        hxl=hxl,
        description=description,
        export_zh=export_zh,
        check=check,
        search=search,
        disclosure=disclosure,
        input_default=input_default,
        import_default=import_default,
        input_description=(description if input_description is _NO_DEFAULT else input_description),
        may_be_unstated=may_be_unstated,
    )
    return dataclasses.field(default=default, metadata={_SPEC: meta})


T = TypeVar("T")


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(detail,))
def details_class(cls: type[T]) -> type[T]:
    """Makes a kind's details a frozen, keyword-only dataclass: fields can then stand in the
    order the kind is shown in (API, exports, forms), whatever their defaults."""
    return dataclass(frozen=True, kw_only=True)(cls)


_CAMEL = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """snake_case to the API's camelCase (capacity_m3 → capacityM3)."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a kind's details, as every layer sees it."""

    name: str
    # The value's type without None: str, int, bool, Decimal, datetime, Region or an Enum.
    value_type: type
    # Whether it may be left unknown (None).
    optional: bool
    meta: FieldMeta

    @property
    def public_name(self) -> str:
        """The field's name in the API, webhooks and JSON (camelCase)."""
        return camel(self.name)

    @property
    def label(self) -> tuple[str, str]:
        """(Chinese, English) label."""
        return self.meta.zh, self.meta.en

    @property
    def is_region(self) -> bool:
        """Whether the field is a place (stored and exported as its parts)."""
        return self.value_type is Region

    @property
    def is_choice(self) -> bool:
        """Whether the field is one of an enum's values (a select in forms, a label on pages)."""
        return issubclass(self.value_type, Enum)

    @property
    def columns(self) -> tuple[str, ...]:
        """Its SQL columns in the kind's table: a region's four parts, else one."""
        if self.is_region:
            return tuple(f"{self.name}_{part}" for part in REGION_PARTS)
        return (self.name,)

    @property
    def export_columns(self) -> tuple[Column, ...]:
        """Its open data columns: a region's province, city and district, else one."""
        zh = self.meta.export_zh or self.meta.zh
        if self.is_region:
            return tuple(
                Column(f"{self.name}_{part}", f"{zh}{part_zh}", f"#adm{level}+name{self.meta.hxl}")
                for part, part_zh, level in _EXPORTED_REGION_PARTS
            )
        return (Column(self.name, zh, self.meta.hxl),)

    @property
    def may_be_unstated(self) -> bool:
        """Whether null means "not stated by the source" (shown so, offered so in forms)."""
        return self.optional and self.meta.may_be_unstated

    @property
    def has_input_default(self) -> bool:
        """Whether the submit input may leave it out."""
        return self.optional or self.meta.input_default is not _NO_DEFAULT

    @property
    def input_default(self) -> Any:
        """What the submit input takes when it is left out."""
        if self.meta.input_default is not _NO_DEFAULT:
            return self.meta.input_default
        return None

    def import_default(self, read: Mapping[str, Any]) -> Any:
        """What an import takes for an empty cell, given the values read so far."""
        default = self.meta.import_default
        if default is _NO_DEFAULT:
            return None
        return default(read) if callable(default) else default

    def disclosed(self, value: Any, status: VerificationStatus, reviewer: bool) -> Any:
        """The value as `reviewer` (or the public) may see it on an entry in `status`."""
        if self.meta.disclosure is Disclosure.MASKED_UNTIL_VERIFIED and value is not None:
            from hub.domain.donations import mask_account, shows_account

            return value if shows_account(status, reviewer) else mask_account(value)
        return value


REGION_PARTS = ("province", "city", "district", "admin_code")
_EXPORTED_REGION_PARTS = (("province", "省份", 1), ("city", "城市", 2), ("district", "区县", 3))


def _field_specs(details: type) -> tuple[FieldSpec, ...]:
    hints = typing.get_type_hints(details)
    found = []
    for f in dataclasses.fields(details):
        meta = f.metadata.get(_SPEC)
        if not isinstance(meta, FieldMeta):
            raise TypeError(f"{details.__name__}.{f.name} is not declared with detail(...)")
        hint = hints[f.name]
        args = typing.get_args(hint)
        optional = isinstance(hint, types.UnionType) and type(None) in args
        value_type = next(a for a in args if a is not type(None)) if optional else hint
        found.append(FieldSpec(f.name, value_type, optional, meta))
    return tuple(found)


class Lifetime(Enum):
    """Which setting says how long a kind of entry stays current (hub/settings.py)."""

    # HUB_NEED_LIFETIME_HOURS: a hospital's shortage changes by the day.
    NEED = "need"
    # HUB_OFFER_LIFETIME_HOURS: stock, transport, rooms and accounts change more slowly.
    OFFER = "offer"


@dataclass(frozen=True)
class Kind:
    """One kind of entry: its details and everything every layer needs to know about it."""

    kind: EntryKind
    # Its GraphQL type (and the stem of its inputs, payloads and mutations).
    type_name: str
    details: type
    # The API's description of the type, of its submit input and of its update input.
    description: str
    submit_description: str
    update_description: str
    # Its name in URLs, open data files and imports ("needs", "donation-channels").
    slug: str
    # (Chinese, English): one entry of the kind.
    noun: tuple[str, str]
    # The table holding its details, keyed by entry_id; None: columns of `entry` itself.
    table: str | None
    # What its place is called: "origin" for transport, else "region".
    region_name: str = "region"
    # Whether it lists supply items (needs and offers), and whether they come before its
    # details wherever it is shown field by field (offers) or after them (needs).
    has_items: bool = False
    items_first: bool = False
    # Whether a person may post it without an organization, under a name (providerName).
    individuals_may_post: bool = False
    # What a submission may leave out (no items listed, no contact) and a reviewer must then
    # complete before verifying it (hub/domain/completeness.py). Items are otherwise required
    # of a kind that has them; contacts never are.
    completed_by_reviewers: tuple[MissingDetail, ...] = ()
    # The organization kinds that post it, most likely first (forms, imports).
    organization_kinds: tuple[OrganizationKind, ...] = (OrganizationKind.OTHER,)
    lifetime: Lifetime = Lifetime.OFFER
    # The GraphQL filter its list takes.
    filter_type: str = "EntryFilter"
    # Words that find it in search, whatever the language of the query.
    search_words: str = ""
    checks: tuple[KindCheck, ...] = ()
    # Its fields by name in the order of its open data columns, when that is not the order
    # they are declared (and shown) in.
    export_order: tuple[str, ...] = ()
    # The fields a list row shows after the entry's name, by Python name; the line shows when
    # the first has a value.
    row_fields: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", _field_specs(self.details))

    @property
    def export_fields(self) -> tuple[FieldSpec, ...]:
        """Its fields in the order of its open data columns."""
        return tuple(self.field(name) for name in self.export_order) or self.fields

    @property
    def list_field(self) -> str:
        """The API's list of the kind (needs, logisticsOffers, lodgings)."""
        return camel(self.snake_name) + "s"

    @property
    def snake_name(self) -> str:
        """The type name in snake_case (logistics_offer): the stem of Python names."""
        return re.sub(r"(?<!^)([A-Z])", r"_\1", self.type_name).lower()

    @property
    def payload_field(self) -> str:
        """The field holding the entry in its payloads (need, logisticsOffer)."""
        return camel(self.snake_name)

    def field(self, name: str) -> FieldSpec:
        """One of its fields by Python name; KeyError when it has none of that name."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def has_field(self, name: str) -> bool:
        """Whether its details have a field of that Python name."""
        return any(spec.name == name for spec in self.fields)

    def make(self, values: Mapping[str, Any]) -> Any:
        """Details of this kind from values by field name (missing optional ones: None)."""
        given = {spec.name: values[spec.name] for spec in self.fields if spec.name in values}
        return self.details(**given)

    def disclosed(
        self, details: object, status: VerificationStatus, reviewer: bool
    ) -> dict[FieldSpec, Any]:
        """Its details' values as `reviewer` (or the public) may see them: one rule for the
        API, webhooks and exports."""
        return {
            spec: spec.disclosed(getattr(details, spec.name), status, reviewer)
            for spec in self.fields
        }


def plain(value: Any) -> Any:
    """A field's value as JSON has it: enums by name, decimals as floats, times in ISO 8601,
    regions as objects (camelCase keys)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Region):
        return {camel(part): getattr(value, part) for part in REGION_PARTS}
    raise TypeError(f"no plain form for {type(value).__name__}")
