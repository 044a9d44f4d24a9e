"""Managing webhooks: create, change, enable, rotate the secret, delete; each audited.

A webhook belongs to the signed-in user who made it; only they (and admins) see or change it.
Its secret is returned once, by create and rotate, and never logged or audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from hub.domain.accounts import Viewer
from hub.domain.errors import ErrorCode, UserError
from hub.domain.live import EventFilter
from hub.domain.webhooks import (
    filter_to_json,
    may_manage,
    new_secret,
    private_address_error,
    too_many_error,
    unresolvable_error,
    url_host,
    validate_description,
    validate_url,
)
from hub.services.addresses import Refused, Unresolvable, ensure_public_address
from hub.services.audit import audit
from hub.services.outcome import Outcome, signed_in
from hub.settings import Settings
from hub.store import live
from hub.store import webhooks as store
from hub.store.db import Connection, Database
from hub.store.webhooks import DeliveryRecord, WebhookRecord

SUBJECT = "WEBHOOK"


@dataclass(frozen=True)
class WithSecret:
    """A webhook and its signing secret, handed out this once."""

    webhook: WebhookRecord
    secret: str


async def _check_url(url: str, settings: Settings) -> list[UserError]:
    errors = validate_url(url, allow_http=settings.webhook_allow_http)
    if errors:
        return errors
    try:
        await ensure_public_address(url.strip(), settings.webhook_allow_private)
    except Unresolvable:
        return [unresolvable_error()]
    except Refused:
        return [private_address_error()]
    return []


async def create_webhook(
    db: Database,
    settings: Settings,
    viewer: Viewer,
    url: str,
    event_filter: EventFilter,
    description: str,
) -> Outcome[WithSecret]:
    """A new webhook for the viewer, delivering events committed from now on."""
    owner = signed_in(viewer)
    errors = await _check_url(url, settings) + validate_description(description)
    if errors:
        return Outcome.failed(errors)
    secret = new_secret()
    async with db.transaction() as conn:
        await store.lock_owner(conn, owner)
        if await store.count_owned(conn, owner) >= settings.webhook_max_per_user:
            return Outcome.failed([too_many_error(settings.webhook_max_per_user)])
        record = await store.insert_webhook(
            conn,
            uuid.uuid4(),
            owner,
            url.strip(),
            secret,
            event_filter,
            description.strip(),
            await live.last_position(conn),
        )
        await audit(conn, viewer, "webhook.created", SUBJECT, record.id, after=_facts(record))
    return Outcome(WithSecret(record, secret))


def _facts(record: WebhookRecord) -> dict[str, object]:
    # The host only: paths and queries of webhook URLs often carry the receiver's own token.
    return {
        "host": url_host(record.url),
        "filter": filter_to_json(record.event_filter),
        "description": record.description,
        "enabled": record.enabled,
    }


async def _managed(conn: Connection, viewer: Viewer, webhook_id: UUID) -> WebhookRecord | None:
    """The webhook, locked, if the viewer may manage it (others' look the same as missing)."""
    found = await store.get_webhook(conn, webhook_id, lock=True)
    if found is None or not may_manage(viewer, found.owner_id):
        return None
    return found


_NOT_FOUND = [UserError("id", ErrorCode.NOT_FOUND)]


async def update_webhook(
    db: Database,
    settings: Settings,
    viewer: Viewer,
    webhook_id: UUID,
    *,
    url: str | None = None,
    event_filter: EventFilter | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> Outcome[WebhookRecord]:
    """Change what is given (None: unchanged). Re-enabling starts a clean failure count and
    delivers events committed from then on (those in between are not sent)."""
    signed_in(viewer)
    errors = await _check_url(url, settings) if url is not None else []
    errors += validate_description(description) if description is not None else []
    if errors:
        return Outcome.failed(errors)
    async with db.transaction() as conn:
        before = await _managed(conn, viewer, webhook_id)
        if before is None:
            return Outcome.failed(_NOT_FOUND)
        new_url = url.strip() if url is not None else before.url
        record = await store.update_settings(
            conn,
            webhook_id,
            new_url,
            event_filter if event_filter is not None else before.event_filter,
            description.strip() if description is not None else before.description,
            restart_retries=new_url != before.url,
        )
        if enabled is True and not before.enabled:
            record = await store.enable(conn, webhook_id, await live.last_position(conn))
        elif enabled is False and before.enabled:
            record = await store.disable(conn, webhook_id, f"switched off by {viewer.handle}")
        after = _facts(record)
        if new_url != before.url:
            after["urlChanged"] = True
        await audit(
            conn, viewer, "webhook.updated", SUBJECT, webhook_id, before=_facts(before), after=after
        )
    return Outcome(record)


async def delete_webhook(db: Database, viewer: Viewer, webhook_id: UUID) -> Outcome[bool]:
    """Delete a webhook and its delivery log."""
    signed_in(viewer)
    async with db.transaction() as conn:
        found = await _managed(conn, viewer, webhook_id)
        if found is None:
            return Outcome.failed(_NOT_FOUND)
        await store.delete_webhook(conn, webhook_id)
        await audit(conn, viewer, "webhook.deleted", SUBJECT, webhook_id, before=_facts(found))
    return Outcome(True)


async def rotate_secret(db: Database, viewer: Viewer, webhook_id: UUID) -> Outcome[WithSecret]:
    """A new signing secret, for the owner only (an admin must not learn it); deliveries from
    now on are signed with it."""
    owner = signed_in(viewer)
    secret = new_secret()
    async with db.transaction() as conn:
        found = await store.get_webhook(conn, webhook_id, lock=True)
        if found is None or found.owner_id != owner:
            return Outcome.failed(_NOT_FOUND)
        record = await store.set_secret(conn, webhook_id, secret)
        await audit(conn, viewer, "webhook.secret_rotated", SUBJECT, webhook_id)
    return Outcome(WithSecret(record, secret))


async def webhooks_of(
    db: Database, viewer: Viewer, *, everyone: bool = False
) -> list[WebhookRecord]:
    """The viewer's webhooks; with `everyone` (admins only, checked by the caller) all of them."""
    owner = signed_in(viewer)
    async with db.connection() as conn:
        return await store.list_webhooks(conn, None if everyone else owner)


async def webhook(db: Database, viewer: Viewer, webhook_id: UUID) -> WebhookRecord | None:
    """One webhook, if the viewer may see it."""
    signed_in(viewer)
    async with db.connection() as conn:
        found = await store.get_webhook(conn, webhook_id)
    return found if found is not None and may_manage(viewer, found.owner_id) else None


async def deliveries(
    db: Database, webhook_id: UUID, before_seq: int | None, limit: int
) -> list[DeliveryRecord]:
    """A page of a webhook's delivery log, newest first (the caller has checked access)."""
    async with db.connection() as conn:
        return await store.deliveries(conn, webhook_id, before_seq, limit)


async def count_deliveries(db: Database, webhook_id: UUID) -> int:
    """How many attempts a webhook's log holds."""
    async with db.connection() as conn:
        return await store.count_deliveries(conn, webhook_id)
