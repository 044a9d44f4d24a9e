"""How many documents a query may match at most, from how often its lexemes occur.

PostgreSQL keeps, for the tokens column, the frequencies of its most common lexemes and a
floor below which all others lie (pg_stats.most_common_elems). A conjunction matches no more
documents than its rarest part; a part (a word or what it widens to) no more than all its
chains together; a chain (bigrams in a row) no more than its rarest lexeme. The planner's own
estimate multiplies instead, as if 防护 and 护服 were independent, and takes 防护服 for a rare
word when 8% of the documents hold it.

An upper bound errs the safe way for hub.store.search.ranked: a query taken for broad reads a
bounded window of candidates first and then falls back; one taken for narrow reads all its
matches, which is cheap only when they are truly few.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hub.search.tsquery import Chain, Conjunction, Part

# A prefix (药:*) may be the start of many lexemes too rare to be listed: count it as this
# many floors beyond the listed ones it starts.
PREFIX_FLOORS = 10


@dataclass(frozen=True)
class LexemeStats:
    """How often lexemes occur in the index (fractions of its documents)."""

    documents: int
    frequencies: Mapping[str, float]
    # Any lexeme not in `frequencies` is in at most this fraction of the documents.
    floor: float


def _lexeme(lexeme: str, prefix: bool, stats: LexemeStats) -> float:
    if not prefix:
        return stats.frequencies.get(lexeme, stats.floor)
    listed = sum(f for word, f in stats.frequencies.items() if word.startswith(lexeme))
    return listed + PREFIX_FLOORS * stats.floor


def _chain(chain: Chain, stats: LexemeStats) -> float:
    last = len(chain.lexemes) - 1
    return min(
        _lexeme(lexeme, chain.prefix and i == last, stats) for i, lexeme in enumerate(chain.lexemes)
    )


def _part(part: Part, stats: LexemeStats) -> float:
    return min(1.0, sum(_chain(chain, stats) for chain in part.chains))


def matches_at_most(conjunctions: Iterable[Conjunction], stats: LexemeStats) -> int:
    """At most how many documents match every conjunction (all of them when none narrows)."""
    fraction = min(
        (_part(part, stats) for conjunction in conjunctions for part in conjunction.parts),
        default=1.0,
    )
    return round(fraction * stats.documents)
