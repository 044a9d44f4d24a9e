"""Automatic persisted queries (the Apollo convention): a client sends a document's sha256
instead of the document, and sends the document only when the hub does not know the hash.

    {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}, "variables": ...}

Known hash: the hub runs the document it stored. Unknown hash without a query: the error
PERSISTED_QUERY_NOT_FOUND, and the client retries with the query, which the hub checks against
the hash and stores (a bounded number of documents, least recently used out first). The same
works over GET (`?extensions=...&variables=...`), which a CDN can cache.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from hub.graphql.errors import ErrorCode

# Documents remembered per process, and the longest one remembered.
MAX_DOCUMENTS = 4096
MAX_DOCUMENT_CHARS = 64 * 1024


@dataclass(frozen=True)
class PersistedQueryError(Exception):
    """The request named a persisted query the hub cannot run."""

    code: ErrorCode
    message: str
    status: int


NOT_FOUND = PersistedQueryError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound", 200)


class PersistedQueries:
    """Documents by sha256, bounded."""

    def __init__(self, size: int = MAX_DOCUMENTS) -> None:
        self._size = size
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def resolve(self, extensions: object, query: object) -> str | None:
        """The document to run for a request's `extensions` and `query`: the query itself when
        no persisted query is named; raises PersistedQueryError when it cannot be run."""
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is None:
            return query if isinstance(query, str) else None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                ErrorCode.BAD_USER_INPUT, "Only persisted query version 1 is supported.", 400
            )
        wanted = persisted.get("sha256Hash")
        if not isinstance(wanted, str) or len(wanted) != 64:
            raise PersistedQueryError(
                ErrorCode.BAD_USER_INPUT, "persistedQuery.sha256Hash must be 64 hex digits.", 400
            )
        wanted = wanted.lower()
        if not isinstance(query, str) or not query:
            known = self._documents.get(wanted)
            if known is None:
                raise NOT_FOUND
            self._documents.move_to_end(wanted)
            return known
        if hashlib.sha256(query.encode(errors="surrogatepass")).hexdigest() != wanted:
            raise PersistedQueryError(
                ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
                "The query's sha256 is not persistedQuery.sha256Hash.",
                400,
            )
        if len(query) <= MAX_DOCUMENT_CHARS:
            self._documents[wanted] = query
            self._documents.move_to_end(wanted)
            if len(self._documents) > self._size:
                self._documents.popitem(last=False)
        return query
