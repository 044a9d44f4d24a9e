"""The context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from hub.domain.enums import EntryKind
from hub.domain.taxonomy import SupplyCategory
from hub.graphql.loaders import Loaders
from hub.settings import Settings
from hub.store.db import Database


@dataclass
class Context:
    """What one request knows: the database, settings, language and its DataLoaders."""

    db: Database
    settings: Settings
    language: str
    loaders: Loaders
    # The supply taxonomy by code (cached per process; see hub.services.taxonomy).
    categories: dict[str, SupplyCategory]

    @property
    def lifetimes(self) -> dict[EntryKind, int]:
        """Hours each kind of entry stays current before it needs confirming again."""
        return self.settings.entry_lifetimes()

    @property
    def may_see_protected_contacts(self) -> bool:
        """Whether this reader may see protected contact details (nobody, before accounts)."""
        return False


Info = strawberry.Info[Context, None]
