"""What ties a request to a person beyond their account, and when a reviewer is too close to
a submission to review it.

An account check alone is easy to get round: post anonymously, sign in as a reviewer, verify
your own entry (a donation channel with your own account number, say). So the hub records
keyed hashes of the submitting client, browser and account, and of everyone who later edits
the entry with its token; a reviewer whose request shares any of them, or who carries the
entry's edit token, is not independent of it.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field

from hub.domain.edit_tokens import token_matches


@dataclass(frozen=True)
class Provenance:
    """Keyed hashes of what ties one request to a person, and the edit token it carries."""

    links: frozenset[bytes] = field(default_factory=frozenset)
    edit_token: str | None = None


UNKNOWN = Provenance()


def linked(request: Provenance, entry_links: Set[bytes], token_hash: bytes | None) -> bool:
    """Whether the request shares a client, browser or account with the entry's submission (or
    later edits with its token), or carries the entry's edit token."""
    if token_matches(request.edit_token, token_hash):
        return True
    return not request.links.isdisjoint(entry_links)
