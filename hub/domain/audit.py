"""Audit records: what changed, by whom, redacted and chained into a tamper-evident log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from hub.domain.enums import ContactVisibility
from hub.domain.model import Contact, EntryDraft, OrganizationDraft

GENESIS = b"\x00" * 32
REDACTED = "[protected]"


@dataclass(frozen=True)
class AuditRecord:
    """One thing that happened, before it is chained."""

    actor_id: UUID | None
    actor_label: str
    action: str
    subject_kind: str
    subject_id: UUID | None
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _contact(contact: Contact) -> dict[str, Any]:
    protected = contact.visibility is ContactVisibility.PROTECTED
    return {
        "name": REDACTED if protected and contact.name else contact.name,
        "phone": REDACTED if protected and contact.phone else contact.phone,
        "otherChannel": REDACTED if protected and contact.other_channel else contact.other_channel,
        "visibility": contact.visibility.value,
    }


def snapshot(draft: EntryDraft | OrganizationDraft) -> dict[str, Any]:
    """The draft's fields as JSON-ready values, protected contact details redacted."""
    values: dict[str, Any] = {}
    for name, value in vars(draft).items():
        if name == "contacts":
            values[name] = [_contact(c) for c in value]
        elif name in ("details", "region") and value is not None:
            values.update(
                {
                    f"{name}.{k}": _plain(v)
                    for k, v in vars(value).items()
                    if not hasattr(v, "__dataclass_fields__")
                }
            )
            if name == "details" and getattr(value, "destination", None) is not None:
                values["details.destination"] = {
                    k: _plain(v) for k, v in vars(value.destination).items()
                }
        elif name == "items":
            values[name] = [{k: _plain(v) for k, v in vars(i).items()} for i in value]
        else:
            values[name] = _plain(value)
    return values


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """{"field": {"before": ..., "after": ...}} for each field that differs."""
    before, after = before or {}, after or {}
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def chain_hash(prev_hash: bytes, seq: int, at: datetime, record: AuditRecord) -> bytes:
    """SHA-256 over the previous hash and this record's canonical JSON."""
    body = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(),
            "actor_id": str(record.actor_id) if record.actor_id else None,
            "actor_label": record.actor_label,
            "action": record.action,
            "subject_kind": record.subject_kind,
            "subject_id": str(record.subject_id) if record.subject_id else None,
            "changes": record.changes,
            "reason": record.reason,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(prev_hash + body.encode()).digest()
