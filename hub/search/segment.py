"""Cutting Chinese (and mixed) query text into words (documents are cut into bigrams instead,
see hub.search.tokens).

jieba loads its dictionary (about 1.5 s) on first use; `warm_up()` lets a process pay that at
startup, in a thread, rather than on its first search.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import cache
from typing import Any

_lock = threading.Lock()


@cache
def _jieba() -> Any:
    with _lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba


def warm_up() -> None:
    """Load the dictionary now."""
    _jieba()


def query_words(term: str) -> list[str]:
    """The words of one query term (precise mode), reduced to word characters, lowercased."""
    words = (re.sub(r"[^\w]", "", t.lower()) for t in _jieba().cut(term))
    return [w for w in words if w]
