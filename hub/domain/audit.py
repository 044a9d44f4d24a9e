"""Audit records: what changed, by whom, redacted and chained into a tamper-evident log."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
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


# The chain of the records written before subject chains (migration 0026): one chain in `seq`
# order, hashed without a chain name.
LEGACY_CHAIN = ""


def chain_of(subject_kind: str, subject_id: UUID | None) -> str:
    """The chain a record about this subject goes on: the subject's id, or its kind when the
    record is about no one thing (an import). Ids are UUIDs, so the two never collide."""
    return str(subject_id) if subject_id is not None else f"kind:{subject_kind}"


def chain_hash(
    prev_hash: bytes, seq: int, at: datetime, record: AuditRecord, chain: str = LEGACY_CHAIN
) -> bytes:
    """SHA-256 over the previous hash and this record's canonical JSON.

    A subject chain's records also hash their chain's name, so a record moved to another
    chain no longer matches; legacy records hash as they always did.
    """
    fields: dict[str, Any] = {
        "seq": seq,
        "at": at.isoformat(),
        "actor_id": str(record.actor_id) if record.actor_id else None,
        "actor_label": record.actor_label,
        "action": record.action,
        "subject_kind": record.subject_kind,
        "subject_id": str(record.subject_id) if record.subject_id else None,
        "changes": record.changes,
        "reason": record.reason,
    }
    if chain != LEGACY_CHAIN:
        fields["chain"] = chain
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(prev_hash + body.encode()).digest()


@dataclass(frozen=True)
class Head:
    """A chain's newest record at some point of the trail."""

    chain: str
    seq: int
    hash: bytes


def heads_digest(heads: Iterable[Head]) -> bytes:
    """SHA-256 over every chain's head, in chain order: one value that changes when any
    record up to the heads is edited or deleted, a chain's newest records included."""
    digest = hashlib.sha256(b"crisis-hub audit heads v1\n")
    for head in sorted(heads, key=lambda h: h.chain):
        digest.update(f"{head.chain}\t{head.seq}\t{head.hash.hex()}\n".encode())
    return digest.digest()


@dataclass(frozen=True)
class Checkpoint:
    """The trail's heads at one point, signed so that copies kept elsewhere can be trusted."""

    seq: int
    at: datetime
    chains: int
    heads_digest: bytes
    signature: bytes | None = None
    key_id: str | None = None

    def message(self) -> bytes:
        """What the signature covers."""
        return (
            f"crisis-hub audit checkpoint v1\nseq={self.seq}\nat={self.at.isoformat()}\n"
            f"chains={self.chains}\nheads={self.heads_digest.hex()}\n"
        ).encode()


def key_id(secret_key: str) -> str:
    """A short public name for a signing key (a hash of it, which tells nothing of the key)."""
    return hashlib.sha256(b"crisis-hub audit key id\n" + secret_key.encode()).hexdigest()[:16]


def _hmac(secret_key: str, message: bytes) -> bytes:
    # The signing key is derived from HUB_SECRET_KEY for this one use only.
    key = hmac.new(secret_key.encode(), b"crisis-hub audit checkpoint key", "sha256").digest()
    return hmac.new(key, message, "sha256").digest()


def sign(checkpoint: Checkpoint, secret_key: str) -> Checkpoint:
    """The checkpoint with its HMAC-SHA256 signature and the key's id."""
    return Checkpoint(
        checkpoint.seq,
        checkpoint.at,
        checkpoint.chains,
        checkpoint.heads_digest,
        _hmac(secret_key, checkpoint.message()),
        key_id(secret_key),
    )


def signature_holds(checkpoint: Checkpoint, secret_key: str) -> bool:
    """Whether the checkpoint was signed with this key and not changed since."""
    if checkpoint.signature is None:
        return False
    return hmac.compare_digest(checkpoint.signature, _hmac(secret_key, checkpoint.message()))


def published(checkpoint: Checkpoint) -> dict[str, Any]:
    """The checkpoint as the hub publishes it (GET /audit/head), for copies kept elsewhere."""
    return {
        "seq": checkpoint.seq,
        "at": checkpoint.at.isoformat(),
        "chains": checkpoint.chains,
        "headsDigest": checkpoint.heads_digest.hex(),
        "signature": checkpoint.signature.hex() if checkpoint.signature else None,
        "keyId": checkpoint.key_id,
        "algorithm": "HMAC-SHA256",
    }


def from_published(data: dict[str, Any]) -> Checkpoint:
    """A copy of a published checkpoint, read back (ValueError when it is not one)."""
    try:
        signature = data.get("signature")
        return Checkpoint(
            int(data["seq"]),
            datetime.fromisoformat(str(data["at"])),
            int(data["chains"]),
            bytes.fromhex(str(data["headsDigest"])),
            bytes.fromhex(str(signature)) if signature else None,
            str(data["keyId"]) if data.get("keyId") else None,
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a published audit checkpoint: {error}") from None
