"""What a query term must match, as a tsquery over the lexemes of hub.search.tokens.

- A CJK run is cut into words by jieba, so 防护服武汉 finds a document that says 防护服 and 武汉
  apart. Each word must appear as a substring: its bigrams at consecutive positions (防护服:
  防护 <-> 护服); a lone character is joined to its neighbour, a query of one character is the
  prefix of a lexeme (药:*). A document holding the whole run scores higher.
- A term that is one Latin word matches itself, the indexed words that contain it ("n95" ->
  "kn95") and, from MIN_TYPO_CHARS on, those that look like it ("ventilatr" ->
  "ventilator"): the vocabulary (hub.store.search.similar_words) gives these. In a mixed
  term (n95口罩) a Latin word matches itself, as a prefix when it ends the term: "vent"
  finds "ventilator".

Queries are kept as structure (parts of alternatives of lexeme chains) until the end, so that
how many documents they may match can be bounded from the lexemes' frequencies
(hub.search.estimate) before choosing how to read the candidates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hub.search.segment import query_words
from hub.search.tokens import normalized, pieces

# Latin words shorter than this match only as themselves (or as a prefix), never by substring
# or typo: "ma" would widen to half the vocabulary.
MIN_WIDENED_CHARS = 3
MIN_TYPO_CHARS = 4

Widening = Mapping[str, Sequence[str]]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class Chain:
    """Lexemes at consecutive positions (one lexeme for a word); `prefix`: the last one may
    be the start of a longer lexeme."""

    lexemes: tuple[str, ...]
    prefix: bool = False

    def tsquery(self) -> str:
        """As tsquery text."""
        quoted = [_quote(lexeme) for lexeme in self.lexemes]
        if self.prefix:
            quoted[-1] += ":*"
        return " <-> ".join(quoted)


@dataclass(frozen=True)
class Part:
    """Any one of its chains (a word and what it widens to)."""

    chains: tuple[Chain, ...]

    def tsquery(self) -> str:
        """As tsquery text."""
        if len(self.chains) == 1:
            return f"({self.chains[0].tsquery()})"
        return "(" + " | ".join(c.tsquery() for c in self.chains) + ")"


@dataclass(frozen=True)
class Conjunction:
    """Parts that must all match; empty when nothing in the text can be matched as lexemes."""

    parts: tuple[Part, ...]

    def tsquery(self) -> str | None:
        """As tsquery text, or None when empty."""
        return " & ".join(p.tsquery() for p in self.parts) or None


def cjk_words(run: str) -> list[str]:
    """The words of a CJK run as jieba cuts it, each lone character joined to the word before
    it (or after it, at the start): 中北 cut 中/北 is asked as 中北, not as 中 and 北 anywhere,
    which matched so many documents that the one holding 中北 fell past the last page."""
    words: list[str] = []
    for word in (w for w in query_words(run) if w):
        if words and (len(word) == 1 or len(words[-1]) == 1):
            words[-1] += word
        else:
            words.append(word)
    return words


def _cjk_chain(word: str) -> Chain:
    if len(word) == 1:
        return Chain((word,), prefix=True)
    return Chain(tuple(word[i : i + 2] for i in range(len(word) - 1)))


def _latin_part(word: str, prefix: bool, widened: Widening) -> Part:
    # A word long enough to widen has its continuations among the words containing it.
    chains = [Chain((word,), prefix and len(word) < MIN_WIDENED_CHARS)]
    chains += [Chain((w,)) for w in widened.get(word, ()) if w != word]
    return Part(tuple(chains))


@dataclass(frozen=True)
class TermQuery:
    """What one query term must match, and what ranks a match higher (also the whole CJK
    runs jieba cut into several words)."""

    match: Conjunction
    bonus: tuple[Part, ...] = ()

    def rank(self) -> str | None:
        """The tsquery that scores a match, or None when the term matches nothing."""
        parts = (*self.bonus, *self.match.parts)
        return " | ".join(p.tsquery() for p in parts) or None


def latin_words(text: str) -> list[str]:
    """The Latin words of a query term or phrase: what the vocabulary may widen."""
    return [p.text for p in pieces(normalized(text)) if not p.cjk]


def term_query(term: str, widened: Widening | None = None) -> TermQuery:
    """The query of one whitespace-free query term (see the module's docstring); `widened`
    gives, for a Latin word, the indexed words that contain it or look like it."""
    found = list(pieces(normalized(term)))
    # Only a term that is one Latin word widens: in n95口罩, n95 is that word (not kn95).
    widening = (widened or {}) if len(found) == 1 else {}
    parts: list[Part] = []
    bonus: list[Part] = []
    for index, piece in enumerate(found):
        if not piece.cjk:
            parts.append(_latin_part(piece.text, index == len(found) - 1, widening))
            continue
        words = cjk_words(piece.text)
        parts += [Part((_cjk_chain(w),)) for w in words]
        if len(words) > 1:
            bonus.append(Part((_cjk_chain(piece.text),)))
    return TermQuery(Conjunction(tuple(parts)), tuple(bonus))


def phrase_prefilter(phrase: str, widened: Widening | None = None) -> Conjunction:
    """What every document holding `phrase` verbatim matches, so that the index narrows what
    the phrase's ILIKE then checks: its CJK words as substrings, its Latin words as the words
    containing them (a phrase may begin or end inside a word: "rgical mask"), a word too short
    to widen as itself. Empty only when the phrase has no letter, digit or CJK character."""
    parts: list[Part] = []
    for piece in pieces(normalized(phrase)):
        if piece.cjk:
            parts += [Part((_cjk_chain(w),)) for w in cjk_words(piece.text)]
        else:
            parts.append(_latin_part(piece.text, False, widened or {}))
    return Conjunction(tuple(parts))
