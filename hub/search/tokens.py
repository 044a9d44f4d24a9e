"""The lexemes a document is found by.

Chinese has no spaces, and a word segmenter (jieba) cuts the same characters differently in
different contexts: 中南路 may be one word in a document, so a search for 中南 misses it. The
index therefore holds every pair of neighbouring CJK characters (a bigram) with its position,
plus the last character of each run of CJK text. Then:

- any substring of two characters is one lexeme (中南);
- a longer one is its bigrams at consecutive positions (中南路: 中南 <-> 南路), which only a
  document holding those characters in that order matches;
- one character c is the prefix c:* of a bigram that starts with it, or the lone last
  character of a run.

So every substring of CJK text is found, as ILIKE finds it, through the GIN index
(hub.search.tsquery builds the queries). Latin letters and digits form words as usual. Text is
NFKC-normalised first, so full-width Ｎ９５ and N95 are the same, as are compatibility ideographs.

Nothing here does I/O: the document side is plain string work, fast enough to index thousands
of documents a second in Python, where cutting documents with jieba cost 300-600 µs each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Kana, CJK ideographs (with extension A, compatibility forms and the supplementary planes)
# and Hangul syllables: scripts written without spaces between words.
_CJK_CHARS = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK_CHARS}]+)|(?P<word>[^\W_{_CJK_CHARS}]+)")
# What documents_tsvector writes, as search_position.format records it (migration 0027): 1 was
# jieba words; 2 is bigrams and each run's last character. Change it whenever the document side
# changes, so that existing indexes are rebuilt (workers/search_indexer.py).
FORMAT = 2
# PostgreSQL's limits: positions above 16383 are all 16383; a lexeme keeps 256 positions.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
# A "word" longer than this is no word anyone types (a pasted hash, a URL's tail).
MAX_WORD_CHARS = 64


def normalized(text: str) -> str:
    """`text` as both sides compare it: NFKC (full-width forms folded) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True, slots=True)
class Piece:
    """One run of text a term is cut into: CJK characters, or a Latin word."""

    text: str
    cjk: bool


def pieces(text: str) -> Iterator[Piece]:
    """The CJK runs and words of already normalised `text`, in order."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "cjk":
            yield Piece(match.group(), True)
        else:
            word = match.group()
            if len(word) <= MAX_WORD_CHARS:
                yield Piece(word, False)


def _position_labels(weight: str) -> tuple[str, ...]:
    # Every position as the text it is written as ("17A"), past MAX_POSITION clamped to it.
    return tuple(f"{p}{weight}" for p in range(MAX_POSITION + 1))


_LABELS = {"A": _position_labels("A"), "B": _position_labels("B")}


def _add_lexemes(
    text: str, position: int, labels: tuple[str, ...], found: dict[str, list[str]]
) -> int:
    """Add the lexemes of `text`, numbered from `position`, to `found`; returns the position
    after the last one. This is the indexer's hot loop (every document, a hundred lexemes
    each): a run's bigrams are sliced in C (the run and the run shifted by one), and positions
    are looked up as text, not formatted."""
    for run, word in _TOKEN.findall(normalized(text)):
        if run:
            lexemes = list(map(str.__add__, run, run[1:]))
            lexemes.append(run[-1])
        elif len(word) <= MAX_WORD_CHARS:
            lexemes = [word]
        else:
            continue
        for lexeme in lexemes:
            label = labels[position if position < MAX_POSITION else MAX_POSITION]
            kept = found.get(lexeme)
            if kept is None:
                found[lexeme] = [label]
            elif len(kept) < MAX_POSITIONS_PER_LEXEME:
                kept.append(label)
            position += 1
    return position


def document_tsvector(title: str, body: str) -> str:
    """The tsvector of a document, as PostgreSQL's text input: title lexemes weigh A, body
    lexemes B, body positions follow the title's after a gap (so a phrase never spans the
    two)."""
    found: dict[str, list[str]] = {}
    after_title = _add_lexemes(title, 1, _LABELS["A"], found)
    _add_lexemes(body, after_title + 1, _LABELS["B"], found)
    # Lexemes are runs of CJK characters or of word characters: neither holds a quote or a
    # backslash, so quoting them is only the enclosing quotes.
    return " ".join(f"'{lexeme}':{','.join(at)}" for lexeme, at in found.items())
