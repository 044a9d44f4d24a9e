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
from hub.settings import Settings

# Without HUB_SECRET_KEY the hashes are keyed per process: still irreversible, but a restart
# (or another server process) no longer recognises a client it saw before. Set the key.
_PROCESS_KEY = secrets.token_bytes(32)


def _key(settings: Settings) -> bytes:
    return settings.secret_key.encode() if settings.secret_key else _PROCESS_KEY


def _keyed(settings: Settings, purpose: str, value: str) -> bytes:
    message = purpose.encode() + b"\0" + value.encode()
    return hmac.new(_key(settings), message, hashlib.sha256).digest()


def client_key(ctx: Context) -> str:
    """The anonymous client's key: a keyed hash of its network address.

    The one place the hub derives it for trust decisions, so that the address as seen behind
    trusted proxies can replace the peer address here alone.
    """
    return _keyed(ctx.settings, "client", ctx.client or "unknown").hex()[:32]


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
        links.add(_keyed(ctx.settings, "link-client", client_key(ctx)))
    if ctx.browser:
        links.add(_keyed(ctx.settings, "link-browser", ctx.browser))
    if ctx.viewer.user_id is not None:
        links.add(account_link(ctx.settings, ctx.viewer))
    return Provenance(links=frozenset(links), edit_token=ctx.edit_token)


def account_link(settings: Settings, viewer: Viewer) -> bytes:
    """The link of a signed-in account."""
    return _keyed(settings, "link-account", str(viewer.user_id))
