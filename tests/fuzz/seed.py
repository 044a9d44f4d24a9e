"""What the fuzzed hub holds: the demo data, plus canary entries whose protected contacts carry
known, unique phone numbers and e-mail addresses that no anonymous answer may ever show."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from hub.demo.data import ENTRIES, DemoEntry
from hub.demo.load import load_demo
from hub.domain.enums import ContactVisibility
from hub.domain.model import Contact
from hub.settings import Settings
from hub.store.db import Database

# Digit runs as people write numbers: 139 0731 1234, 139-0731-1234, (139) 0731.1234, +86 139...
_DIGIT_RUN = re.compile(r"\d(?:[\s\-.()/]{0,2}\d)+")
# A window this long of a protected number is more than its masked form (138****5678: three
# leading and four trailing digits, never side by side) can show.
PARTIAL_DIGITS = 6


@dataclass(frozen=True)
class Secrets:
    """Values that must never reach an anonymous caller."""

    # Every protected phone number in the database, as digits.
    phones: frozenset[str]
    # The canaries' numbers: also looked for in part (PARTIAL_DIGITS in a row).
    canary_phones: frozenset[str]
    # Protected other channels (e-mail addresses, messenger ids) and account e-mail addresses,
    # lower case.
    texts: frozenset[str]

    def leaks(self, body: str) -> list[str]:
        """The secrets `body` shows, in any spelling: digits with or without separators, in
        part for the canaries, any case for texts."""
        found: set[str] = set()
        runs = {re.sub(r"\D", "", run) for run in _DIGIT_RUN.findall(body)}
        runs.discard("")
        for phone in self.phones:
            if any(phone in run for run in runs):
                found.add(phone)
        for phone in self.canary_phones:
            windows = {
                phone[i : i + PARTIAL_DIGITS] for i in range(len(phone) - PARTIAL_DIGITS + 1)
            }
            if any(window in run for run in runs for window in windows):
                found.add(phone)
        lowered = body.lower()
        found.update(text for text in self.texts if text in lowered)
        return sorted(found)


def canary_entries(count: int, rng: random.Random) -> list[DemoEntry]:
    """`count` copies of demo entries (every kind in turn) whose contacts are a protected
    canary (a unique mobile number and e-mail address) and a public desk."""
    by_kind: dict[object, list[DemoEntry]] = {}
    for demo in ENTRIES:
        by_kind.setdefault(demo.draft.kind, []).append(demo)
    models = [entries[0] for entries in by_kind.values()]
    canaries: list[DemoEntry] = []
    for index in range(count):
        model = models[index % len(models)]
        # Mobile numbers of a prefix nobody hands out, digits drawn at random: unique runs.
        phone = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        token = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz") for _ in range(10))
        contacts = (
            Contact(f"Canary {index}", phone, f"canary.{token}@fuzz.invalid"),
            Contact("Front desk", "4008123123", visibility=ContactVisibility.PUBLIC),
        )
        draft = replace(model.draft, contacts=contacts, notes=f"Fuzz canary {index}")
        canaries.append(replace(model, draft=draft))
    return canaries


async def seed(dsn: str, settings: Settings, canaries: int = 20, rng_seed: int = 14) -> Secrets:
    """Load the demo data and the canaries into the (migrated, empty) database at `dsn`;
    return every protected value it then holds."""
    entries = [*ENTRIES, *canary_entries(canaries, random.Random(rng_seed))]
    db = await Database.connect(dsn, min_size=1, max_size=2)
    try:
        await load_demo(db, settings.entry_lifetimes(), entries=entries)
        async with db.connection() as conn:
            contacts = await conn.fetch(
                "SELECT phone, other_channel FROM contact WHERE visibility = 'PROTECTED'"
            )
            emails = await conn.fetch("SELECT email FROM app_user")
    finally:
        await db.close()
    phones = {_digits(row["phone"]) for row in contacts if row["phone"]}
    canary_phones = {
        _digits(contact.phone)
        for demo in entries[len(ENTRIES) :]
        for contact in demo.draft.contacts
        if contact.phone and contact.visibility is ContactVisibility.PROTECTED
    }
    texts = _lower(row["other_channel"] for row in contacts if row["other_channel"])
    texts |= _lower(row["email"] for row in emails)
    return Secrets(frozenset(phones), frozenset(canary_phones), frozenset(texts))


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _lower(values: Iterable[str]) -> set[str]:
    return {value.strip().lower() for value in values if value.strip()}
