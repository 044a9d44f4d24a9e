"""The document side of the lexemes is pinned: the query side (hub.search.tokens.term_query)
depends on exactly these lexemes, positions and weights, so making `document_tsvector` faster
must not change one character of its output."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator

import pytest

from hub.search.tokens import document_tsvector

PINNED = [
    (
        ("武汉协和医院", "需要N95口罩 2000只"),
        "'武汉':1A '汉协':2A '协和':3A '和医':4A '医院':5A '院':6A '需要':8B '要':9B "
        "'n95':10B '口罩':11B '罩':12B '2000':13B '只':14B",
    ),
    (
        ("城市便捷武汉中南路地铁口店", "如顺丰95338专项通道，请联系"),
        "'城市':1A '市便':2A '便捷':3A '捷武':4A '武汉':5A '汉中':6A '中南':7A '南路':8A "
        "'路地':9A '地铁':10A '铁口':11A '口店':12A '店':13A '如顺':15B '顺丰':16B '丰':17B "
        "'95338':18B '专项':19B '项通':20B '通道':21B '道':22B '请联':23B '联系':24B '系':25B",
    ),
    (
        ("", "ＮＹ９５ Full-Width ﾃｽﾄ"),
        "'ny95':2B 'full':3B 'width':4B 'テス':5B 'スト':6B 'ト':7B",
    ),
    (("Hôpital Tongji 同济", ""), "'hôpital':1A 'tongji':2A '同济':3A '济':4A"),
    (
        ("한국어 텍스트 かな カナ", "𠀀𠀁 豈 a_b c-d"),
        "'한국':1A '국어':2A '어':3A '텍스':4A '스트':5A '트':6A 'かな':7A 'な':8A 'カナ':9A "
        "'ナ':10A '𠀀𠀁':12B '𠀁':13B '豈':14B 'a':15B 'b':16B 'c':17B 'd':18B",
    ),
    (("x" * 70 + " short", "口口口"), "'short':1A '口口':3B,4B '口':5B"),
    (("", ""), ""),
]


@pytest.mark.parametrize(("texts", "expected"), PINNED)
def test_document_tsvector_is_pinned(texts: tuple[str, str], expected: str) -> None:
    assert document_tsvector(*texts) == expected


# The implementation as the query side was written against (commit 3bf1afe), kept verbatim
# in spirit: every optimisation of document_tsvector must give the same text for any input.
_REF_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_REF_TOKEN = re.compile(rf"(?P<cjk>[{_REF_CJK}]+)|(?P<word>[^\W_{_REF_CJK}]+)")


def _reference_lexemes(text: str, start: int) -> Iterator[tuple[str, int]]:
    position = start
    for match in _REF_TOKEN.finditer(unicodedata.normalize("NFKC", text).lower()):
        piece = match.group()
        if match.lastgroup == "cjk":
            for i in range(len(piece) - 1):
                yield piece[i : i + 2], position
                position += 1
            yield piece[-1], position
        elif len(piece) <= 64:
            yield piece, position
        else:
            continue
        position += 1


def _reference(title: str, body: str) -> str:
    positions: dict[str, list[str]] = {}
    last = 0
    for weight, text, start in (("A", title, 1), ("B", body, None)):
        for lexeme, position in _reference_lexemes(text, last + 2 if start is None else start):
            last = position
            kept = positions.setdefault(lexeme, [])
            if len(kept) < 256:
                kept.append(f"{min(position, 16383)}{weight}")
    quoted = ("'" + x.replace("\\", "\\\\").replace("'", "''") + "'" for x in positions)
    return " ".join(f"{q}:{','.join(at)}" for q, at in zip(quoted, positions.values(), strict=True))


_ALPHABET = (
    list("武汉协和医院口罩防护服中南路顺丰同济")
    + list("abcXYZ0123456789éÖ")
    + list("ＮＹ９５ｶﾀｶﾅかなカナ한국")
    + ["𠀀", "豈", "_", "-", "'", "\\", " ", "，", "。", "\n", "x" * 65]
)


def _random_text(rng: random.Random, most: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, most)))


def test_document_tsvector_matches_the_reference_on_random_texts() -> None:
    rng = random.Random(16)  # noqa: S311 (reproducible test data)
    for _ in range(3000):
        title, body = _random_text(rng, 30), _random_text(rng, 200)
        assert document_tsvector(title, body) == _reference(title, body), (title, body)


def test_document_tsvector_matches_the_reference_past_postgresql_limits() -> None:
    # More than 256 positions of one lexeme, and positions past 16383.
    body = "口罩 " * 300 + "武汉协和医院N95 " * 3000
    assert document_tsvector("口罩口罩", body) == _reference("口罩口罩", body)
