"""Donation channels: the rules that keep a fake account from reaching donors.

A channel is published only once verified, like every entry. Until then its account number is
masked for everyone but reviewers, so that a forged channel cannot collect money while it waits
in the queue. Any change to what reviewers vouched for (the account number above all) sends it
back to PENDING (hub/domain/lifecycle.py), and reviewers see the account number's before and
after, read from the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.domain.enums import VerificationStatus

# The audit trail's name for the account number (hub/domain/audit.snapshot).
ACCOUNT_FIELD = "details.account_number"
_SEPARATORS = re.compile(r"[\s\-]+")
ACCOUNT_PATTERN = re.compile(r"[0-9A-Za-z]{4,64}")


def normalize_account(number: str) -> str:
    """An account number without the spaces and dashes people type into it."""
    return _SEPARATORS.sub("", number.strip())


def mask_account(number: str) -> str:
    """The account number as shown before verification: only its last four characters."""
    plain = normalize_account(number)
    return "*" * max(len(plain) - 4, 0) + plain[-4:]


def shows_account(status: VerificationStatus, reviewer: bool) -> bool:
    """Whether the full account number may be shown: verified, or to a reviewer."""
    return reviewer or status is VerificationStatus.VERIFIED


@dataclass(frozen=True)
class AccountChange:
    """A change of account number since the channel was last verified."""

    before: str | None
    after: str | None
    changed_at: datetime


def account_change(trail: list[tuple[datetime, Mapping[str, Any]]]) -> AccountChange | None:
    """The latest change of account number in an entry's audit trail (time, changes), oldest
    first; None when the number never changed."""
    for at, changes in reversed(trail):
        change = changes.get(ACCOUNT_FIELD)
        if isinstance(change, Mapping) and change.get("before") is not None:
            return AccountChange(change.get("before"), change.get("after"), at)
    return None
