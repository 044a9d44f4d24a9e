"""The supply taxonomy, cached per process: it changes only through migrations."""

from __future__ import annotations

import asyncio
import time

from hub.domain.taxonomy import SupplyCategory
from hub.store import categories
from hub.store.db import Database

# Another process may apply a taxonomy migration; this bounds how long we show the old one.
REFRESH_SECONDS = 60.0


class TaxonomyCache:
    """Categories by code, reloaded at most every REFRESH_SECONDS."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._categories: dict[str, SupplyCategory] = {}
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def categories(self) -> dict[str, SupplyCategory]:
        """The current taxonomy (one statement when the cache is stale, none otherwise)."""
        if time.monotonic() - self._loaded_at < REFRESH_SECONDS:
            return self._categories
        async with self._lock:
            if time.monotonic() - self._loaded_at >= REFRESH_SECONDS:
                async with self._db.connection() as conn:
                    found = await categories.list_categories(conn)
                self._categories = {c.code: c for c in found}
                self._loaded_at = time.monotonic()
        return self._categories
