"""Validation of what submitters send: every rule, with the field it concerns and a stable code."""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from hub.domain.donations import ACCOUNT_PATTERN, normalize_account
from hub.domain.enums import MissingDetail
from hub.domain.errors import ErrorCode, UserError
from hub.domain.kinds import kind_of
from hub.domain.kinds.spec import (
    AccountNumber,
    FieldSpec,
    KindCheck,
    Period,
    Place,
    PositiveAmount,
    SourceRequired,
    Text,
    WholeNumber,
    camel,
)
from hub.domain.model import Contact, EntryDraft, Item, OrganizationDraft, Region
from hub.domain.phones import parse_phone
from hub.domain.units import is_package

MAX_NAME = 200
MAX_REGION_PART = 50
MAX_ADDRESS = 500
MAX_NOTES = 5000
MAX_SPEC = 500
MAX_URL = 2000
MAX_SOURCE_NOTE = 2000
MAX_CONTACT_FIELD = 100
MAX_ITEMS = 50
MAX_CONTACTS = 10
MAX_CERTIFICATIONS = 20
MAX_QUANTITY = Decimal(1_000_000_000)
MAX_PACKAGE_SIZE = 1_000_000

_ADMIN_CODE = re.compile(r"\d{6}(\d{3}(\d{3})?)?")
# Control characters have no place in a number: refused rather than read around.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_valid_phone(raw: str) -> bool:
    """One number hub/domain/phones.py reads: a Chinese mobile, landline, hotline, service or
    local number, or an international one. Contacts are normalised before validation
    (hub/domain/contacts.py), which keeps what is no number in the other channel instead."""
    return _CONTROL.search(raw) is None and parse_phone(raw) is not None


def is_valid_url(raw: str) -> bool:
    """An absolute http(s) address with a host name."""
    try:
        parts = urlsplit(raw)
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and ("." in host or host == "localhost")


class _Checker:
    """Collects errors; each helper checks one field."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, field: str, code: ErrorCode, **params: str | int) -> None:
        self.errors.append(UserError(field, code, dict(params)))

    def text(self, field: str, value: str | None, *, max_length: int, required: bool) -> None:
        if value is None or not value.strip():
            if required:
                self.add(field, ErrorCode.REQUIRED)
            return
        if len(value) > max_length:
            self.add(field, ErrorCode.TOO_LONG, max=max_length)

    def url(self, field: str, value: str | None) -> None:
        if value is None or not value.strip():
            return
        if len(value) > MAX_URL:
            self.add(field, ErrorCode.TOO_LONG, max=MAX_URL)
        elif not is_valid_url(value.strip()):
            self.add(field, ErrorCode.INVALID_URL)

    def region(self, field: str, region: Region) -> None:
        self.text(f"{field}.province", region.province, max_length=MAX_REGION_PART, required=True)
        self.text(f"{field}.city", region.city, max_length=MAX_REGION_PART, required=False)
        self.text(f"{field}.district", region.district, max_length=MAX_REGION_PART, required=False)
        code = region.admin_code
        if code and not _ADMIN_CODE.fullmatch(code.strip()):
            self.add(
                f"{field}.adminCode",
                ErrorCode.INVALID_FORMAT,
                expected="6, 9 or 12 digits (GB/T 2260)",
            )

    def contacts(self, contacts: Collection[Contact], *, required: bool) -> None:
        if required and not contacts:
            self.add("contacts", ErrorCode.REQUIRED)
        if len(contacts) > MAX_CONTACTS:
            self.add("contacts", ErrorCode.TOO_MANY, max=MAX_CONTACTS)
        for index, contact in enumerate(contacts):
            field = f"contacts.{index}"
            self.text(f"{field}.name", contact.name, max_length=MAX_CONTACT_FIELD, required=False)
            self.text(
                f"{field}.otherChannel",
                contact.other_channel,
                max_length=MAX_CONTACT_FIELD,
                required=False,
            )
            phone = contact.phone
            if phone is not None and phone.strip():
                if len(phone) > MAX_CONTACT_FIELD:
                    self.add(f"{field}.phone", ErrorCode.TOO_LONG, max=MAX_CONTACT_FIELD)
                elif not is_valid_phone(phone):
                    self.add(f"{field}.phone", ErrorCode.INVALID_PHONE)
            elif not (contact.other_channel and contact.other_channel.strip()):
                self.add(f"{field}.phone", ErrorCode.REQUIRED)

    def quantity(self, field: str, value: Decimal | None) -> None:
        if value is None:
            return
        if value <= 0:
            self.add(field, ErrorCode.NOT_POSITIVE)
        elif value > MAX_QUANTITY:
            self.add(field, ErrorCode.OUT_OF_RANGE, min=0, max=str(MAX_QUANTITY))

    def whole_number(self, field: str, value: int | None, low: int, high: int) -> None:
        if value is not None and not low <= value <= high:
            self.add(field, ErrorCode.OUT_OF_RANGE, min=low, max=high)

    def items(
        self, items: Collection[Item], known_categories: Collection[str], *, required: bool
    ) -> None:
        if required and not items:
            self.add("items", ErrorCode.REQUIRED)
        if len(items) > MAX_ITEMS:
            self.add("items", ErrorCode.TOO_MANY, max=MAX_ITEMS)
        for index, item in enumerate(items):
            self.item(f"items.{index}", item, known_categories)

    def item(self, field: str, item: Item, known_categories: Collection[str]) -> None:
        if item.category_code not in known_categories:
            self.add(
                f"{field}.categoryCode", ErrorCode.UNKNOWN_CATEGORY, category=item.category_code
            )
        self.text(f"{field}.name", item.name, max_length=MAX_NAME, required=True)
        self.text(f"{field}.spec", item.spec, max_length=MAX_SPEC, required=False)
        if item.quantity is None and not item.quantity_unknown:
            self.add(f"{field}.quantity", ErrorCode.REQUIRED)
        elif item.quantity is not None and item.quantity_unknown:
            self.add(
                f"{field}.quantityUnknown",
                ErrorCode.INVALID_COMBINATION,
                reason_zh="已填写数量时不能同时标记“数量不限”。",
                reason_en="Give a quantity or mark it unknown, not both.",
            )
        self.quantity(f"{field}.quantity", item.quantity)
        if item.fulfilled_quantity < 0:
            self.add(
                f"{field}.fulfilledQuantity",
                ErrorCode.OUT_OF_RANGE,
                min=0,
                max=str(item.quantity or MAX_QUANTITY),
            )
        elif item.quantity is not None and item.fulfilled_quantity > item.quantity:
            self.add(
                f"{field}.fulfilledQuantity",
                ErrorCode.OUT_OF_RANGE,
                min=0,
                max=str(item.quantity.normalize()),
            )
        if item.package_size is not None:
            if not is_package(item.unit):
                self.add(
                    f"{field}.packageSize",
                    ErrorCode.INVALID_COMBINATION,
                    reason_zh="只有箱、盒、包等包装单位才有包装数量。",
                    reason_en="Only package units (carton, box, pack) have a package size.",
                )
            else:
                self.whole_number(f"{field}.packageSize", item.package_size, 1, MAX_PACKAGE_SIZE)
        if len(item.certifications) > MAX_CERTIFICATIONS:
            self.add(f"{field}.certifications", ErrorCode.TOO_MANY, max=MAX_CERTIFICATIONS)
        for position, certification in enumerate(item.certifications):
            self.text(
                f"{field}.certifications.{position}",
                certification,
                max_length=MAX_NAME,
                required=True,
            )


def validate_organization(draft: OrganizationDraft, prefix: str = "") -> list[UserError]:
    """Every problem with an organization as submitted; `prefix` nests the field paths."""
    check = _Checker()
    check.text("name", draft.name, max_length=MAX_NAME, required=True)
    check.region("region", draft.region)
    check.text("address", draft.address, max_length=MAX_ADDRESS, required=False)
    check.url("website", draft.website)
    if (draft.latitude is None) != (draft.longitude is None):
        check.add(
            "latitude",
            ErrorCode.INVALID_COMBINATION,
            reason_zh="纬度和经度须同时填写。",
            reason_en="Give both latitude and longitude, or neither.",
        )
    if draft.latitude is not None and not -90 <= draft.latitude <= 90:
        check.add("latitude", ErrorCode.OUT_OF_RANGE, min=-90, max=90)
    if draft.longitude is not None and not -180 <= draft.longitude <= 180:
        check.add("longitude", ErrorCode.OUT_OF_RANGE, min=-180, max=180)
    check.contacts(draft.contacts, required=False)
    if not prefix:
        return check.errors
    return [UserError(f"{prefix}.{e.field}", e.code, e.params) for e in check.errors]


def _check_field(check: _Checker, spec: FieldSpec, value: Any) -> None:
    """A detail field by its declared check (hub/domain/kinds), under its public name."""
    field, rule = spec.public_name, spec.meta.check
    if isinstance(rule, Text):
        check.text(field, value, max_length=rule.max_length, required=rule.required)
    elif isinstance(rule, WholeNumber):
        check.whole_number(field, value, rule.low, rule.high)
    elif isinstance(rule, PositiveAmount):
        check.quantity(field, value)
    elif isinstance(rule, Place):
        if value is not None:
            check.region(field, value)
    elif isinstance(rule, AccountNumber):
        if not value.strip():
            check.add(field, ErrorCode.REQUIRED)
        elif not ACCOUNT_PATTERN.fullmatch(normalize_account(value)):
            check.add(field, ErrorCode.INVALID_FORMAT, expected="4-64 letters or digits")


def _check_kind(check: _Checker, draft: EntryDraft, rule: KindCheck) -> None:
    """A rule of the kind across its fields (or the entry's)."""
    details = draft.details
    if isinstance(rule, Period):
        start, until = getattr(details, rule.start), getattr(details, rule.until)
        if start is not None and until is not None and until <= start:
            check.add(camel(rule.until), ErrorCode.INVALID_DATE_RANGE)
    elif isinstance(rule, SourceRequired) and not draft.source_url:
        # Without the official notice there is nothing for a reviewer to check against.
        check.add("source.url", ErrorCode.REQUIRED)


def validate_entry(
    draft: EntryDraft, known_categories: Collection[str], *, has_organization: bool
) -> list[UserError]:
    """Every problem with an entry as submitted.

    `has_organization` says whether the submission names an organization (an existing one or a
    new one registered with it), which kinds that individuals may not post require.
    """
    check = _Checker()
    kind = kind_of(draft.kind)
    if not kind.individuals_may_post:
        if not has_organization:
            check.add("organizationId", ErrorCode.REQUIRED)
    elif not has_organization:
        check.text("providerName", draft.provider_name, max_length=MAX_NAME, required=True)
    if draft.provider_name is not None:
        check.text("providerName", draft.provider_name, max_length=MAX_NAME, required=False)
    check.region(kind.region_name, draft.region)
    check.text("address", draft.address, max_length=MAX_ADDRESS, required=False)
    check.text("notes", draft.notes, max_length=MAX_NOTES, required=False)
    check.url("source.url", draft.source_url)
    check.text("source.note", draft.source_note, max_length=MAX_SOURCE_NOTE, required=False)
    # A need with no items listed or no contact is accepted and completed by a reviewer
    # before it can be verified (hub/domain/completeness.py).
    check.contacts(draft.contacts, required=False)
    if kind.has_items:
        items_required = MissingDetail.ITEMS not in kind.completed_by_reviewers
        check.items(draft.items, known_categories, required=items_required)
    for spec in kind.fields:
        _check_field(check, spec, getattr(draft.details, spec.name))
    for rule in kind.checks:
        _check_kind(check, draft, rule)
    return check.errors
