"""Likely duplicates: the same need posted twice (by two volunteers, from two sources).

What counts (issue 17, measured by bench/duplicates.py on tests/fixtures/duplicates-labelled.json):
- the poster's name read by hub/domain/name_keys.py: 武汉市X ~ 武汉X, 湖北省X ~ X, a name with
  its alias in parentheses ~ either, 第1 ~ 第一; but 第二 ≠ 第四, 中心医院 ≠ 中医医院;
- places: two entries in different provinces, cities or districts are different things...
- ...unless they share a phone number (the same company's offer with a mistyped province);
- donation channels: the same account number is the same channel, another account of the same
  charity is another channel, whatever else they share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from uuid import UUID

from hub.domain.contact_keys import account_key, phone_keys
from hub.domain.enums import EntryKind
from hub.domain.model import EntryDraft
from hub.domain.name_keys import NameKey, alike_names, place_key, same_name

THRESHOLD = 0.6
# Two addresses this alike count as the same.
ALIKE = 0.8
# What each sign adds to the score (a pair at THRESHOLD or above is shown to reviewers).
SAME_NAME = 0.6  # or the same organization
ALIKE_NAME = 0.3
# A shared phone alone is not enough (one volunteer lists several hotels with her phone), but
# it lifts the places' veto (a mistyped province) and lets a typo count as an alike name.
SAME_PHONE = 0.3
SAME_CITY = 0.1
SAME_ITEMS = 0.1  # times the share of categories in common
SAME_ADDRESS = 0.2
_NOISE = re.compile(r"[\s\-_,.，。、()（）]+")


@dataclass(frozen=True)
class Candidate:
    """What comparing two entries needs: the draft and the name of who posted it."""

    draft: EntryDraft
    poster_name: str | None
    # Phone keys of the poster's organization (an entry's contacts may be only there).
    organization_phones: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Profile:
    """An entry as far as comparing it goes, read without loading the whole entry (the scan
    of every submission reads up to 200 of these)."""

    kind: EntryKind
    province: str
    city: str | None
    organization_id: UUID | None
    address: str | None
    poster_name: str | None
    category_codes: frozenset[str]
    district: str | None = None
    # Phone keys (hub/domain/contact_keys.py) of its contacts and its organization's.
    phones: frozenset[str] = frozenset()
    # A donation channel's account number, as written.
    account: str | None = None
    # Normalized once, not once per comparison.
    _province: str = field(init=False, repr=False, compare=False)
    _city: str = field(init=False, repr=False, compare=False)
    _district: str = field(init=False, repr=False, compare=False)
    _address: str = field(init=False, repr=False, compare=False)
    _account: str | None = field(init=False, repr=False, compare=False)

    @cached_property
    def poster_key(self) -> NameKey:
        """The poster's name, parsed once for same_name and alike_names."""
        return NameKey.of(self.poster_name)

    @cached_property
    def address_text(self) -> _Text:
        """The normalized address, ready for _alike."""
        return _Text.of(self._address)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_province", place_key(self.province))
        object.__setattr__(self, "_city", place_key(self.city))
        object.__setattr__(self, "_district", place_key(self.district))
        object.__setattr__(self, "_address", _normal(self.address))
        object.__setattr__(self, "_account", account_key(self.account))


def profile_of(candidate: Candidate) -> Profile:
    """The profile of a draft and its poster's name (and phones of the poster's organization,
    when the caller knows them)."""
    draft = candidate.draft
    phones: set[str] = set(candidate.organization_phones)
    for contact in draft.contacts:
        phones |= phone_keys(contact.phone)
    account = getattr(draft.details, "account_number", None)
    return Profile(
        kind=draft.kind,
        province=draft.region.province,
        city=draft.region.city,
        district=draft.region.district,
        organization_id=draft.organization_id,
        address=draft.address,
        poster_name=candidate.poster_name,
        category_codes=frozenset(i.category_code for i in draft.items),
        phones=frozenset(phones),
        account=account if isinstance(account, str) else None,
    )


def _normal(text: str | None) -> str:
    return _NOISE.sub("", (text or "").lower())


def _ratio(left: str, right: str) -> float:
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return SequenceMatcher(None, left, right).ratio()


def _counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return counts


# Characters as bits of an int (by code point, modulo a prime): two texts' characters in
# common, counted by one AND and a popcount, without building a set per pair.
_BITS = 1021


@dataclass(frozen=True)
class _Text:
    """A normalized text with what the cheap bounds of _alike need, computed once."""

    text: str
    counts: dict[str, int]
    mask: int
    # What the mask undercounts: characters that share a bit with another of the text, and
    # characters beyond the first of each kind.
    slack: int

    @classmethod
    def of(cls, text: str) -> _Text:
        mask = 0
        for char in set(text):
            mask |= 1 << (ord(char) % _BITS)
        return cls(text, _counts(text), mask, len(text) - mask.bit_count())


def _alike(left: _Text, right: _Text) -> bool:
    """_ratio(left, right) >= ALIKE, skipping the full comparison when upper bounds of it
    already fall short, as they do for most pairs of a scan: difflib's real_quick_ratio (the
    lengths), then a bound of its quick_ratio from the characters' bits (a character in
    common sets a bit in both masks, or is part of one text's slack), then quick_ratio
    itself (the characters in common, in any order). The bounds use difflib's own formula,
    2 * matches / length, so that they compare alike with the ratio at the threshold."""
    a, b = left.text, right.text
    if not a or not b:
        return False
    if a == b:
        return True
    length = len(a) + len(b)
    if 2.0 * min(len(a), len(b)) / length < ALIKE:
        return False
    shared = (left.mask & right.mask).bit_count() + min(left.slack, right.slack)
    if 2.0 * shared / length < ALIKE:
        return False
    available = dict(left.counts)
    common = 0
    for char in b:
        if available.get(char, 0) > 0:
            available[char] -= 1
            common += 1
    if 2.0 * common / length < ALIKE:
        return False
    return SequenceMatcher(None, a, b).ratio() >= ALIKE


def similarity(a: str | None, b: str | None) -> float:
    """0..1 likeness of two names or addresses, ignoring case, spaces and punctuation."""
    return _ratio(_normal(a), _normal(b))


def _profile(value: Candidate | Profile) -> Profile:
    return value if isinstance(value, Profile) else profile_of(value)


def score(new: Candidate | Profile, old: Candidate | Profile) -> float:
    """How likely `new` repeats `old`: 0 (different kind, place or account) to about 1."""
    return _score(_profile(new), _profile(old), 0.0)


def _capped(total: float) -> float:
    return round(min(total, 1.0), 3)


# A total this far below the floor rounds (to 3 places) below it too: pruning needs no round().
_MARGIN = 0.001


def _apart(a: str, b: str) -> bool:
    """Two places both given and different."""
    return bool(a) and bool(b) and a != b


def _score(a: Profile, b: Profile, floor: float) -> float:
    """score(a, b), or 0.0 when it is below `floor`, known as soon as the parts still to
    compare cannot lift it there (the name and address comparisons cost the most, so they
    come last)."""
    if a.kind is not b.kind:
        return 0.0
    if a._account and b._account:
        # A donation channel is its account: the same one is a duplicate whoever posted it,
        # and a charity's other account is another channel.
        return 1.0 if a._account == b._account else 0.0
    total = 0.0
    shared_phone = bool(a.phones) and not a.phones.isdisjoint(b.phones)
    if shared_phone:
        total += SAME_PHONE
    elif a._province != b._province or _apart(a._city, b._city) or _apart(a._district, b._district):
        return 0.0
    if a._city and a._city == b._city:
        total += SAME_CITY
    codes_a, codes_b = a.category_codes, b.category_codes
    if codes_a and codes_b:
        common = len(codes_a & codes_b)
        total += SAME_ITEMS * common / (len(codes_a) + len(codes_b) - common)
    low = floor - _MARGIN
    if a.organization_id is not None and a.organization_id == b.organization_id:
        total += SAME_NAME
    else:
        if total + SAME_NAME + SAME_ADDRESS < low:
            return 0.0
        if same_name(a.poster_key, b.poster_key):
            total += SAME_NAME
        elif alike_names(a.poster_key, b.poster_key, typos=shared_phone):
            total += ALIKE_NAME
    if total + SAME_ADDRESS < low:
        return 0.0
    if _alike(a.address_text, b.address_text):
        total += SAME_ADDRESS
    return _capped(total)


def likely_duplicates(
    new: Candidate | Profile, others: Mapping[str, Candidate | Profile]
) -> list[tuple[str, float]]:
    """(key, score) of the others that `new` likely repeats, most likely first."""
    mine = _profile(new)
    found = [(key, _score(mine, _profile(other), THRESHOLD)) for key, other in others.items()]
    return sorted(((k, s) for k, s in found if s >= THRESHOLD), key=lambda p: -p[1])


class RecentWindow:
    """The newest entries of each kind and province, at most `size` of each: what a batch of
    new entries (an import) is compared with in memory, as one submission is compared with the
    newest entries in the database. Each new entry joins its window once compared."""

    def __init__(self, size: int = 200) -> None:
        self.size = size
        # Newest last; keyed by (kind, province).
        self._windows: dict[tuple[EntryKind, str], dict[str, Profile]] = {}

    def has(self, kind: EntryKind, province: str) -> bool:
        """Whether the window of `kind` and `province` is loaded."""
        return (kind, province.strip()) in self._windows

    def load(self, kind: EntryKind, province: str, newest_first: list[tuple[str, Profile]]) -> None:
        """Fill a window from the database's newest entries (newest first, as they are read)."""
        self._windows[(kind, province.strip())] = dict(reversed(newest_first[: self.size]))

    def compare_and_add(self, key: str, profile: Profile) -> list[tuple[str, float]]:
        """likely_duplicates of `profile` in its window (which must be loaded), which it then
        joins as the newest entry."""
        window = self._windows[(profile.kind, profile.province.strip())]
        found = likely_duplicates(profile, window)
        window.pop(key, None)
        window[key] = profile
        if len(window) > self.size:
            del window[next(iter(window))]
        return found

    def clear(self) -> None:
        """Forget every window (the database changed behind them)."""
        self._windows.clear()
