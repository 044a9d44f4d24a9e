"""Likely duplicates: the same need posted twice (by two volunteers, from two sources)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from hub.domain.model import EntryDraft

THRESHOLD = 0.6
_NOISE = re.compile(r"[\s\-_,.，。、()（）]+")


@dataclass(frozen=True)
class Candidate:
    """What comparing two entries needs: the draft and the name of who posted it."""

    draft: EntryDraft
    poster_name: str | None


def _normal(text: str | None) -> str:
    return _NOISE.sub("", (text or "").lower())


def similarity(a: str | None, b: str | None) -> float:
    """0..1 likeness of two names or addresses, ignoring case, spaces and punctuation."""
    left, right = _normal(a), _normal(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return SequenceMatcher(None, left, right).ratio()


def score(new: Candidate, old: Candidate) -> float:
    """How likely `new` repeats `old`: 0 (different kind or province) to about 1."""
    a, b = new.draft, old.draft
    if a.kind is not b.kind or _normal(a.region.province) != _normal(b.region.province):
        return 0.0
    total = 0.0
    if a.organization_id is not None and a.organization_id == b.organization_id:
        total += 0.5
    elif similarity(new.poster_name, old.poster_name) >= 0.8:
        total += 0.4
    if similarity(a.address, b.address) >= 0.8:
        total += 0.2
    if a.region.city and _normal(a.region.city) == _normal(b.region.city):
        total += 0.1
    codes_a = {i.category_code for i in a.items}
    codes_b = {i.category_code for i in b.items}
    if codes_a and codes_b:
        total += 0.3 * len(codes_a & codes_b) / len(codes_a | codes_b)
    return round(min(total, 1.0), 3)


def likely_duplicates(new: Candidate, others: dict[str, Candidate]) -> list[tuple[str, float]]:
    """(key, score) of the others that `new` likely repeats, most likely first."""
    found = [(key, score(new, other)) for key, other in others.items()]
    return sorted(((k, s) for k, s in found if s >= THRESHOLD), key=lambda p: -p[1])
