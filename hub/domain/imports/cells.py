"""Reading one row's cells, each problem noted against the row and column it came from."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from hub.domain.contacts import normalised_contacts
from hub.domain.enums import ContactVisibility
from hub.domain.errors import ErrorCode
from hub.domain.imports.problems import ImportCode, RowProblem
from hub.domain.imports.regions import UnknownProvince, canonical_region
from hub.domain.imports.sheet import Sheet, SheetRow
from hub.domain.imports.values import (
    Unreadable,
    parse_boolean,
    parse_datetime,
    parse_number,
    parse_whole_number,
    plain_text,
)
from hub.domain.model import Contact, Region
from hub.domain.open_data import ADMIN_LEVEL_KEYS, admin_code_of
from hub.domain.privacy import mask_name, mask_phone
from hub.domain.user_warnings import WarningCode

T = TypeVar("T")
# Standards have slashes and commas of their own ("YY/T 0506"): fewer separators.
_CERTIFICATION_SPLIT = re.compile(r"[;；、\n]+")


def reported_value(key: str, text: str) -> str:
    """A cell's value as a report shows it: contact details masked (138****8000, 王**), since
    reports are printed, saved and sent back over the API."""
    if key == "contact_name":
        return mask_name(text) or ""
    if key == "contact_phone":
        return mask_phone(text) or "*" * min(len(text), 8)
    return text


class RowReader:
    """The cells of one row, read into values; problems and warnings pile up as it goes."""

    def __init__(
        self, sheet: Sheet, row: SheetRow, today: date, problems: list[RowProblem]
    ) -> None:
        self.sheet = sheet
        self.row = row
        self.today = today
        self.problems = problems
        self.warnings: list[RowProblem] = []

    def _at(
        self, key: str, code: ImportCode | ErrorCode | WarningCode, params: dict[str, str | int]
    ) -> RowProblem:
        return RowProblem(
            self.row.number,
            self.sheet.header(key),
            reported_value(key, self.row.text(key)),
            code,
            params,
        )

    def problem(self, key: str, code: ImportCode | ErrorCode, **params: str | int) -> None:
        """Note a problem with the row's `key` cell."""
        self.problems.append(self._at(key, code, params))

    def warn(self, key: str, code: ImportCode | WarningCode, **params: str | int) -> None:
        """Note something that stops nothing but that the importer should know."""
        self.warnings.append(self._at(key, code, params))

    def text(self, key: str) -> str | None:
        """The cell as text; None when blank."""
        return self.row.text(key) or None

    def read(
        self, key: str, reader: Callable[[object], T], code: ImportCode, **params: str | int
    ) -> T | None:
        """The cell read by `reader`; None when blank, or (noting `code`) when unreadable."""
        raw = self.row.cells.get(key)
        if raw is None:
            return None
        try:
            return reader(raw)
        except Unreadable:
            self.problem(key, code, **params)
            return None

    def flag(self, key: str) -> bool | None:
        """是/否 and the like; None when blank or unreadable (unreadable is a problem)."""
        return self.read(key, parse_boolean, ImportCode.UNREADABLE_VALUE, expected="是/否, yes/no")

    def number(self, key: str) -> Decimal | None:
        """A number with an optional measure word."""
        return self.read(key, parse_number, ImportCode.UNREADABLE_NUMBER)

    def whole_number(self, key: str) -> int | None:
        """A whole number."""
        return self.read(key, parse_whole_number, ImportCode.UNREADABLE_NUMBER)

    def moment(self, key: str) -> datetime | None:
        """A date or date and time."""
        return self.read(
            key, lambda raw: parse_datetime(raw, self.today), ImportCode.UNREADABLE_DATE
        )

    def region(self, province_key: str, city_key: str, district_key: str) -> Region:
        """The row's region, province canonical; an unknown province is a problem."""
        try:
            province, city = canonical_region(self.text(province_key), self.text(city_key))
        except UnknownProvince as error:
            self.problem(province_key, ImportCode.UNKNOWN_PROVINCE, value=str(error))
            province, city = self.text(province_key), self.text(city_key)
        admin_code = (
            admin_code_of({key: self.text(key) for key in ("admin_code", *ADMIN_LEVEL_KEYS)})
            if district_key == "district"
            else None
        )
        return Region(province or "", city, self.text(district_key), admin_code)

    def contacts(self) -> tuple[Contact, ...]:
        """The contact cells, read as the API reads a contact sent with this name and phone
        (hub/domain/contacts.py): several numbers or people in one cell make several contacts
        (names paired with them when there are as many), what is no number is kept as written
        in the other channel, with a warning. PROTECTED unless the mapping marks the column
        public or the file is HXL-tagged open data (which holds public contacts only)."""
        phone = plain_text(self.row.cells.get("contact_phone"))
        if not phone:
            return ()
        public = self.sheet.hxl or "contact_phone" in self.sheet.public_keys
        visibility = ContactVisibility.PUBLIC if public else ContactVisibility.PROTECTED
        sent = Contact(name=self.text("contact_name"), phone=phone, visibility=visibility)
        found = normalised_contacts([sent])
        for warning in found.warnings:
            self.warn("contact_phone", warning.code, **warning.params)
        return found.contacts

    def items_list(self, key: str) -> tuple[str, ...]:
        """A cell listing several things (certifications: "GB 2626-2019; CE")."""
        parts = _CERTIFICATION_SPLIT.split(self.text(key) or "")
        return tuple(part.strip() for part in parts if part.strip())
