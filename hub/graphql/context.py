"""The context every resolver receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import strawberry

from hub.domain.accounts import ANONYMOUS, Role, Viewer
from hub.domain.enums import EntryKind
from hub.domain.taxonomy import SupplyCategory
from hub.graphql.loaders import Loaders
from hub.limits.identity import ClientIdentity
from hub.limits.limiter import Caller, RateLimiter
from hub.live.hub import Closable, LiveHub
from hub.search.service import SearchService
from hub.services.passwords import DEFAULT_POOL, HashingPool
from hub.settings import Settings
from hub.store.data_version import DataVersion
from hub.store.db import Database


class SessionCookies(Protocol):
    """The HTTP layer's handle on the session cookie of the response being built."""

    def set_session(self, token: str, expires: datetime) -> None:
        """Hand the browser its session."""

    def clear_session(self) -> None:
        """Make the browser forget its session."""


@dataclass
class Context:
    """What one request knows: the database, settings, language and its DataLoaders."""

    db: Database
    settings: Settings
    language: str
    loaders: Loaders
    # The supply taxonomy by code (cached per process; see hub.services.taxonomy).
    categories: dict[str, SupplyCategory]
    viewer: Viewer = ANONYMOUS
    # The client's network address as the socket saw it (a proxy's, behind one).
    client: str | None = None
    # The browser's long-lived cookie (the pages' CSRF token), when it sent one, and an edit
    # token sent in the Hub-Edit-Token header: what ties a request to a submission beyond the
    # account (hub/graphql/provenance.py).
    browser: str | None = None
    edit_token: str | None = None
    # Who the client is for limits and deduplication: a keyed digest of its address, read
    # behind trusted proxies (hub.limits.identity). Use this, never `client`, to count callers.
    client_key: str = "client:unknown"
    # The rate limits (None: none counted, as in contexts built outside a request).
    limiter: RateLimiter | None = None
    identity: ClientIdentity | None = None
    # Where argon2 runs (a few dedicated threads per process).
    hashing: HashingPool = DEFAULT_POOL
    # Tells the HTTP response to carry `Retry-After` (None over WebSockets and in pages).
    retry_after: Callable[[int], None] | None = None
    # A bearer token was sent but is unknown or revoked: refused rather than read as anonymous.
    bad_credentials: bool = False
    # How sign-in and sign-out set or clear the session cookie (None over WebSockets).
    cookies: SessionCookies | None = None
    session_token: str | None = None
    # The process's live events, and the WebSocket of this context (None over HTTP).
    live: LiveHub | None = None
    connection: Closable | None = None
    # What the client sent in connection_init (graphql-ws and graphql-transport-ws).
    connection_params: dict[str, object] | None = None
    search: SearchService | None = None
    # Said to the client in the response's `extensions` (a search that fell back, say).
    notices: dict[str, object] = field(default_factory=dict)
    # The process's data version, which mutations move (hub.graphql.own_writes).
    data_version: DataVersion | None = None
    # The request's clock: time-dependent figures (a need's priority) agree within a response.
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def lifetimes(self) -> dict[EntryKind, int]:
        """Hours each kind of entry stays current before it needs confirming again."""
        return self.settings.entry_lifetimes()

    @property
    def caller(self) -> Caller:
        """Who the rate limits count this request against."""
        viewer = self.viewer
        account = None if viewer.user_id is None else f"user:{viewer.user_id}"
        vouched = viewer.approved or viewer.has(Role.REVIEWER)
        return Caller(self.client_key, account, vouched and account is not None)

    @property
    def may_see_protected_contacts(self) -> bool:
        """Whether this reader sees protected details in lists: nobody; reveals are explicit."""
        return False


Info = strawberry.Info[Context, None]
