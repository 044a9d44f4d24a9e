"""Secrets for people without accounts: edit tokens and reconfirmation links.

Each is 192 random bits (more than the 128 a guessable link must not fall below), handed out
once and stored only as a SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_edit_token() -> tuple[str, bytes]:
    """A fresh token for the submitter and the digest the hub stores instead of it."""
    token = secrets.token_urlsafe(24)
    return token, digest(token)


def digest(token: str) -> bytes:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).digest()


def token_matches(token: str | None, stored: bytes | None) -> bool:
    """Whether `token` opens a record whose digest is `stored`, in constant time."""
    if token is None or stored is None:
        return False
    return hmac.compare_digest(digest(token), stored)
