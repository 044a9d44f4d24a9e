"""What an entry was accepted without, and what a reviewer must complete before verifying it.

Real notices often omit things: a hospital writes "urgently short of protective supplies" with
no list, or gives no phone. Such a need is real, so it is accepted (hub/domain/validation.py
lets its kind's `completed_by_reviewers` be missing), shown to reviewers with what is missing,
and cannot be VERIFIED until a reviewer has added it through the update mutation.

No I/O, and nothing of the project but the domain.
"""

from __future__ import annotations

from hub.domain.accounts import Role, Viewer
from hub.domain.enums import MissingDetail
from hub.domain.errors import ErrorCode, UserError
from hub.domain.kinds import kind_of
from hub.domain.model import EntryDraft

# (field of the submit and update inputs, what the reviewer should do in Chinese and English).
_TODO: dict[MissingDetail, tuple[str, str, str]] = {
    MissingDetail.ITEMS: ("items", "请索取物资清单", "ask for the list"),
    MissingDetail.CONTACT: ("contacts", "请查找联系电话", "find a phone"),
}


def missing_details(draft: EntryDraft) -> tuple[MissingDetail, ...]:
    """What the entry lacks that its kind lets a submission leave to reviewers, in the
    declaration's order; empty for a complete entry and for kinds that allow nothing missing."""
    missing: list[MissingDetail] = []
    for detail in kind_of(draft.kind).completed_by_reviewers:
        if (detail is MissingDetail.ITEMS and not draft.items) or (
            detail is MissingDetail.CONTACT and not draft.contacts
        ):
            missing.append(detail)
    return tuple(missing)


def may_complete(actor: Viewer, draft: EntryDraft) -> bool:
    """Whether `actor` may change an entry to complete it: any reviewer while it lacks
    something (the submitter and coordinators may anyway, hub/domain/accounts.may_edit). The
    change sends it back to the queue like any other, and the audit trail names the reviewer."""
    return actor.has(Role.REVIEWER) and bool(missing_details(draft))


def todo(detail: MissingDetail) -> tuple[str, str]:
    """What a reviewer should do about a missing detail, (Chinese, English)."""
    _field, zh, en = _TODO[detail]
    return zh, en


def incomplete_errors(draft: EntryDraft) -> list[UserError]:
    """Why the entry cannot be verified yet: one INCOMPLETE error per missing detail, on the
    input field that completes it (items, contacts); empty when nothing is missing."""
    errors = []
    for detail in missing_details(draft):
        field, zh, en = _TODO[detail]
        errors.append(
            UserError(
                field,
                ErrorCode.INCOMPLETE,
                {
                    "missing": detail.value,
                    "reason_zh": f"尚不能核实：{zh}，补充后再核实。",
                    "reason_en": f"Cannot be verified yet: {en}, add it, then verify.",
                },
            )
        )
    return errors
