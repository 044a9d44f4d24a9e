"""Where a request comes from, as keyed hashes: for counting reporters once and for telling
whether a reviewer is linked to the submission they would review.

Only keyed hashes (HMAC-SHA-256 under HUB_SECRET_KEY) are ever stored, never an address or a
cookie: an unkeyed hash of an IPv4 address is reversed by trying all four billion.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from hub.domain.accounts import Viewer
from hub.domain.flags import reporter_key as domain_reporter_key
from hub.domain.provenance import Provenance
from hub.graphql.context import Context, Info

# Only where no ClientIdentity is in the context (contexts built outside a request): hashes
# keyed per process, still irreversible.
_PROCESS_KEY = secrets.token_bytes(32)


def _keyed(ctx: Context, purpose: str, value: str) -> bytes:
    # The identity's key (HUB_SECRET_KEY, else the installation's key every process shares).
    key = ctx.identity.key if ctx.identity is not None else _PROCESS_KEY
    message = purpose.encode() + b"\0" + value.encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def client_key(ctx: Context) -> str:
    """The client's key: the limits' keyed digest of its address as read behind trusted
    proxies (hub.limits.identity)."""
    return ctx.client_key


def reporter_key(info: Info) -> str:
    """Who reports an entry, for counting each reporter once: the account, else the client."""
    ctx = info.context
    return domain_reporter_key(ctx.viewer, client_key(ctx))


def provenance(info: Info, *, reviewing: bool = False) -> Provenance:
    """Keyed hashes of what ties this request to a person (client, browser, account), and the
    edit token it carries, if any.

    A reviewer's client address counts only while HUB_REVIEW_LINK_BY_ADDRESS is on (behind a
    proxy the hub does not know, every client shares one address).
    """
    ctx = info.context
    links = set()
    if not reviewing or ctx.settings.review_link_by_address:
        links.add(_keyed(ctx, "link-client", client_key(ctx)))
    if ctx.browser:
        links.add(_keyed(ctx, "link-browser", ctx.browser))
    if ctx.viewer.user_id is not None:
        links.add(account_link(ctx, ctx.viewer))
    return Provenance(links=frozenset(links), edit_token=ctx.edit_token)


def account_link(ctx: Context, viewer: Viewer) -> bytes:
    """The link of a signed-in account."""
    return _keyed(ctx, "link-account", str(viewer.user_id))
