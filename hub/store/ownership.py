"""Who may change a stored record: the holder of its edit token, or its signed-in author."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Ownership:
    """The edit-token digest and the author (user id) of a record; either may be absent."""

    token_hash: bytes | None
    owner: UUID | None
