"""Webhooks: what a webhook may point at, how deliveries are signed, and what happens after a
failed attempt (retry later, give up on the event, disable the webhook). No I/O."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from hub.domain.accounts import Role, Viewer
from hub.domain.enums import EntryKind, EventType, Urgency, VerificationStatus
from hub.domain.errors import ErrorCode, UserError
from hub.domain.live import EventFilter

SCHEMA_VERSION = 1
USER_AGENT = "crisis-hub-webhooks/1"
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_URL = 2000
MAX_DESCRIPTION = 200
# Receivers should refuse signatures older than this (replays of a captured request).
SIGNATURE_TOLERANCE_SECONDS = 300
# Each failed attempt waits this many times longer than the one before.
BACKOFF_FACTOR = 3
# The wait is spread over +-25 % so that receivers that fail together do not retry together.
JITTER = 0.25


class DeliveryOutcome(Enum):
    """What one attempt came to: delivered, retried later, or given up on (the next follows)."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    RETRYING = "RETRYING"


def _not_allowed(field: str, zh: str, en: str) -> UserError:
    return UserError(field, ErrorCode.NOT_ALLOWED, {"reason_zh": zh, "reason_en": en})


def validate_url(url: str, *, allow_http: bool) -> list[UserError]:
    """Problems with a webhook URL's form (where it resolves to is checked by the service)."""
    if not url.strip():
        return [UserError("url", ErrorCode.REQUIRED)]
    if len(url) > MAX_URL:
        return [UserError("url", ErrorCode.TOO_LONG, {"max": MAX_URL})]
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return [UserError("url", ErrorCode.INVALID_URL)]
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        return [UserError("url", ErrorCode.INVALID_URL)]
    if parts.scheme == "http" and not allow_http:
        return [
            _not_allowed(
                "url", "网址必须以 https:// 开头。", "The address must start with https://."
            )
        ]
    if parts.username is not None or parts.password is not None:
        # They would be shown back by every query, and logged by proxies on the way.
        return [
            _not_allowed(
                "url",
                "网址中不能包含用户名或密码，请用签名验证请求。",
                "No user name or password in the address: verify the signature instead.",
            )
        ]
    return []


def validate_description(description: str) -> list[UserError]:
    """Problems with a webhook's description."""
    if len(description) > MAX_DESCRIPTION:
        return [UserError("description", ErrorCode.TOO_LONG, {"max": MAX_DESCRIPTION})]
    return []


def private_address_error() -> UserError:
    """The URL's host resolves to a private, loopback or link-local address."""
    return _not_allowed(
        "url",
        "该网址指向内部网络地址，不能作为 Webhook。",
        "This address points into a private network; webhooks go to public addresses only.",
    )


def unresolvable_error() -> UserError:
    """The URL's host name does not resolve."""
    return _not_allowed(
        "url", "无法解析该网址的主机名。", "The host name of this address does not resolve."
    )


def too_many_error(maximum: int) -> UserError:
    """The user already has as many webhooks as one may have."""
    return _not_allowed(
        "url",
        f"每位用户最多 {maximum} 个 Webhook，请先删除一个。",
        f"One user may have at most {maximum} webhooks; delete one first.",
    )


def url_host(url: str) -> str:
    """The host of a URL, for logs and the audit trail (paths and queries may hold tokens)."""
    try:
        return urlsplit(url).hostname or "?"
    except ValueError:
        return "?"


def new_secret() -> str:
    """A signing secret: 32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Hub-Signature-256 value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    now: int,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """Whether `header` signs `body` with `secret` within `tolerance` seconds of `now`."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


_FILTER_FIELDS: dict[str, tuple[str, type[Enum] | type[UUID] | type[str]]] = {
    "kinds": ("kinds", EntryKind),
    "types": ("event_types", EventType),
    "provinces": ("provinces", str),
    "cities": ("cities", str),
    "categoryCodes": ("category_codes", str),
    "urgencies": ("urgencies", Urgency),
    "verificationStatuses": ("verification_statuses", VerificationStatus),
    "organizationIds": ("organization_ids", UUID),
    "entryIds": ("entry_ids", UUID),
}


def filter_to_json(wanted: EventFilter) -> dict[str, list[str]]:
    """The filter as stored: only the restricting fields, enum values and uuids as strings."""
    stored: dict[str, list[str]] = {}
    for key, (attribute, _) in _FILTER_FIELDS.items():
        values = getattr(wanted, attribute)
        if values:
            stored[key] = [v.value if isinstance(v, Enum) else str(v) for v in values]
    return stored


def filter_from_json(stored: dict[str, Any]) -> EventFilter:
    """The filter back from its stored form."""
    fields: dict[str, tuple[Any, ...]] = {}
    for key, (attribute, kind) in _FILTER_FIELDS.items():
        fields[attribute] = tuple(kind(v) for v in stored.get(key, ()))
    return EventFilter(**fields)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a failing webhook is tried (from HUB_WEBHOOK_* settings)."""

    first_delay: float
    longest_delay: float
    max_attempts: int
    disable_after_failures: int
    disable_after: timedelta


def retry_delay(policy: RetryPolicy, attempt: int, rand: float) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...); `rand` in [0, 1)."""
    growth: float = BACKOFF_FACTOR ** max(attempt - 1, 0)
    base = min(policy.longest_delay, policy.first_delay * growth)
    return min(policy.longest_delay, base * (1 - JITTER + 2 * JITTER * rand))


@dataclass(frozen=True)
class AfterFailure:
    """The webhook's state after a failed attempt."""

    outcome: DeliveryOutcome
    next_attempt_at: datetime | None
    consecutive_failures: int
    failing_since: datetime
    # Set when the webhook is to be disabled now.
    disable_reason: str | None


def after_failure(
    policy: RetryPolicy,
    attempt: int,
    consecutive_failures: int,
    failing_since: datetime | None,
    now: datetime,
    rand: float,
) -> AfterFailure:
    """What follows failed attempt number `attempt` of an event: another attempt later, or the
    event given up on (FAILED); too many given up on in a row, or failing too long, disables
    the webhook."""
    since = failing_since or now
    failing_too_long = now - since >= policy.disable_after
    if attempt < policy.max_attempts and not failing_too_long:
        delay = timedelta(seconds=retry_delay(policy, attempt, rand))
        return AfterFailure(
            DeliveryOutcome.RETRYING, now + delay, consecutive_failures, since, None
        )
    failures = consecutive_failures + 1
    reason = None
    if failing_too_long:
        hours = policy.disable_after.total_seconds() / 3600
        reason = f"every delivery failed for {hours:g} hours (since {since.isoformat()})"
    elif failures >= policy.disable_after_failures:
        reason = f"{failures} events in a row could not be delivered"
    return AfterFailure(DeliveryOutcome.FAILED, None, failures, since, reason)


def may_manage(viewer: Viewer, owner_id: UUID) -> bool:
    """Who may see and change a webhook: its owner, and admins (who answer for abuse; they may
    switch a webhook off or delete it, but never learn its secret)."""
    return viewer.user_id == owner_id or viewer.has(Role.ADMIN)
