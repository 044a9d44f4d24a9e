"""Which indexed words a Latin query word may be a typo of.

Trigram similarity (pg_trgm) finds candidates through the vocabulary's index, but scores a
swap of two letters badly: goggels ~ goggles and wuhna ~ wuhan are 0.33, below what keeps
unrelated words out (mask ~ task is 0.25; ventilatr ~ ventilator 0.62). So a candidate is
kept when it is similar enough, or within the edit distance Meilisearch allows a word of its
length (schema/search/entries.json: one typo from five letters, two from nine), counting a swap
of neighbours as one (optimal string alignment).
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

# As similar as ventilatr is to ventilator (0.62) or more, with some margin.
SIMILAR_ENOUGH = 0.4
ONE_TYPO_CHARS = 5
TWO_TYPO_CHARS = 9
# How loose the vocabulary's first cut is: what can be within two edits of a short word.
CANDIDATE_SIMILARITY = 0.15


def allowed_typos(word: str) -> int:
    """How many edits a query word of this length may carry."""
    if len(word) >= TWO_TYPO_CHARS:
        return 2
    return 1 if len(word) >= ONE_TYPO_CHARS else 0


def is_typo_of(query_word: str, word: str, similarity: float) -> bool:
    """Whether `word` (indexed) may be what `query_word` meant."""
    if similarity >= SIMILAR_ENOUGH:
        return True
    allowed = allowed_typos(query_word)
    return allowed > 0 and OSA.distance(query_word, word, score_cutoff=allowed) <= allowed
