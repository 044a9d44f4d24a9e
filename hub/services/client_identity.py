"""The key client addresses are digested with, shared by every process of the installation."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from hub.limits.identity import ClientIdentity
from hub.settings import Settings
from hub.store.db import Database
from hub.store.installation import installation_key

log = logging.getLogger(__name__)
PURPOSE = "client-identity"


async def client_identity(db: Database, settings: Settings) -> ClientIdentity:
    """Reads clients behind the settings' trusted proxies, digesting their addresses with a key
    derived from HUB_SECRET_KEY, or (unset) with the installation's own random key, which the
    database keeps so that every process and every restart agree on it."""
    if settings.secret_key:
        key = hmac.new(settings.secret_key.encode(), PURPOSE.encode(), hashlib.sha256).digest()
        return ClientIdentity.of(key, settings.trusted_proxies)
    # Outside a transaction: a missing table (migrations pending) must not abort one.
    async with db.connection() as conn:
        stored = await installation_key(conn, PURPOSE)
    if stored is None:
        # Migrations pending (/readyz says so): this process alone uses a key of its own.
        log.warning("no installation key yet (migrations pending): client keys are per process")
        stored = secrets.token_bytes(32)
    return ClientIdentity.of(stored, settings.trusted_proxies)
