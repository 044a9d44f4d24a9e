"""User errors: what a submitter got wrong, as stable codes with parameters."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum


class ErrorCode(Enum):
    """Stable codes of user errors; the message changes with the language, the code never."""

    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    NOT_POSITIVE = "NOT_POSITIVE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    UNKNOWN_CATEGORY = "UNKNOWN_CATEGORY"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_URL = "INVALID_URL"
    INVALID_FORMAT = "INVALID_FORMAT"
    INVALID_DATE_RANGE = "INVALID_DATE_RANGE"
    INVALID_COMBINATION = "INVALID_COMBINATION"
    INVALID_ID = "INVALID_ID"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    INVALID_STATE = "INVALID_STATE"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    HANDLE_TAKEN = "HANDLE_TAKEN"
    WEAK_PASSWORD = "WEAK_PASSWORD"  # noqa: S105 - an error code, not a password
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    NOT_ALLOWED = "NOT_ALLOWED"
    ALREADY_CLAIMED = "ALREADY_CLAIMED"
    NOT_CLAIMED = "NOT_CLAIMED"
    # The reviewer is tied to the entry's submission beyond their account (same browser,
    # network or edit token): another reviewer must check it.
    NOT_INDEPENDENT = "NOT_INDEPENDENT"
    # More than a need still lacks, or than an offer still holds.
    OVER_PLEDGED = "OVER_PLEDGED"
    OVER_CAPACITY = "OVER_CAPACITY"
    # An offered item that cannot answer the needed one (another category or standard).
    INCOMPATIBLE = "INCOMPATIBLE"
    # The entry lacks what a reviewer must complete before verifying it (its items, a
    # contact): params `missing` (ITEMS, CONTACT) and the reason in both languages.
    INCOMPLETE = "INCOMPLETE"
    # A province that is not on the national list (GB/T 2260); the message suggests the closest.
    UNKNOWN_REGION = "UNKNOWN_REGION"
    # An administrative code that names another place than the province, city and district.
    REGION_CODE_MISMATCH = "REGION_CODE_MISMATCH"
    # "全国" for a kind that is one place (a hospital's need, a hotel).
    NATIONWIDE_NOT_ALLOWED = "NATIONWIDE_NOT_ALLOWED"


@dataclass(frozen=True)
class UserError:
    """One problem with one input field (`field` is its camelCase path, e.g. items.0.quantity)."""

    field: str
    code: ErrorCode
    params: dict[str, str | int] = dataclasses.field(default_factory=dict)
