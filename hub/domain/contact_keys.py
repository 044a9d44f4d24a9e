"""Phone and account numbers reduced to what identifies them, for telling duplicates apart.

Deliberately not the phone parser (hub/domain/phones.py, where it exists): comparing needs only
the digits that identify a line, the same however the number was written (027-8xxxxxxx,
+86 27 8xxxxxxx, 0086-27-8xxxxxxx, full-width digits), and a field of several numbers gives
several keys. The SQL function phone_keys (migration 0032) computes the same keys, so that the
scan finds an entry of another province by its phone; a test holds the two equal.
"""

from __future__ import annotations

import re
import unicodedata

# Where one number ends and another begins (after NFKC: ；，／ are ; , /): ; , / 、 | a line
# break, 或 (or), two spaces or more.
_SEPARATORS = re.compile(r"[;,/、|\n\r]|或| {2,}")
# An extension (转, 分机, ext, #) ends the number it follows.
_EXTENSION = re.compile(r"(转|分机|ext|#).*$", re.IGNORECASE | re.DOTALL)
# A remark in brackets, such as (24小时值守), is not part of the number; (+86) is.
_REMARK = re.compile(r"\([^)]*[\u4e00-\u9fff][^)]*\)")
_NOT_DIGIT = re.compile(r"[^0-9]")
# More digits than +86 and a mobile number: several numbers apart by single spaces.
_LONGEST = 13
# Shorter than this is a short code (120, 12345, 95555): shared by everyone, no sign at all.
MIN_DIGITS = 7


def phone_keys(text: str | None) -> frozenset[str]:
    """The national significant numbers in a phone field: digits only, without +86/0086/86
    and the trunk 0 (13800138000; 2787654321 for 027-87654321)."""
    keys: set[str] = set()
    normal = _REMARK.sub("", unicodedata.normalize("NFKC", text or ""))
    for piece in _SEPARATORS.split(normal):
        piece = _EXTENSION.sub("", piece)
        digits = _NOT_DIGIT.sub("", piece)
        parts = [_NOT_DIGIT.sub("", part) for part in piece.split(" ")]
        whole = len(digits) <= _LONGEST or any(0 < len(p) < MIN_DIGITS for p in parts)
        for part in [digits] if whole else parts:
            key = _national(part)
            if len(key) >= MIN_DIGITS:
                keys.add(key)
    return frozenset(keys)


def _national(digits: str) -> str:
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) >= 12:
        digits = digits[2:]
    return digits.removeprefix("0")


def account_key(text: str | None) -> str | None:
    """An account number's digits and letters (banks print them in groups of four), upper case;
    None when it has none."""
    key = re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", text or "")).upper()
    return key or None
