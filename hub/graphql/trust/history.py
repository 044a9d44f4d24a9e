"""The public part of an entry's audit trail."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.domain.history import public_action
from hub.graphql.context import Info
from hub.graphql.entries import entry_id_of
from hub.graphql.errors import ErrorCode, hub_error
from hub.graphql.permissions import for_reviewers
from hub.store import audit, duplicates


@strawberry.type(description="One step in an entry's life: who did what, when.")
class HistoryEvent:
    at: datetime
    action: str = strawberry.field(
        description="entry.submitted, entry.updated, review.claimed, review.decided, ...; "
        "review.reopened where a check sent it back to review (recordedAction says which)."
    )
    actor: str = strawberry.field(
        description="A public handle, or anonymous, edit-token, demo-import or system."
    )
    changed_fields: list[str]
    decision: str | None
    method: str | None
    reason: str | None
    recorded: strawberry.Private[str]

    @strawberry.field(
        description="The action as recorded (reviewers and above only): where `action` is a "
        "stand-in, what happened (source.lost: the link checker found the source gone)."
    )
    def recorded_action(self, info: Info) -> str | None:
        return for_reviewers(info, self.recorded)


@strawberry.type
class HistoryQuery:
    @strawberry.field(description="The public audit trail of an entry, oldest first.")
    async def entry_history(self, info: Info, entry_id: strawberry.ID) -> list[HistoryEvent]:
        local = entry_id_of(entry_id)
        if local is None:
            raise hub_error(ErrorCode.INVALID_ID, "entryId is not an entry's id.")
        async with info.context.db.connection() as conn:
            # A kept entry's history includes the histories of the duplicates merged into it.
            subjects = [local, *await duplicates.merged_into(conn, local)]
            records = sorted(
                [r for subject in subjects for r in await audit.history(conn, subject)],
                key=lambda r: r.seq,
            )
        events = []
        for stored in records:
            changes = stored.record.changes
            events.append(
                HistoryEvent(
                    at=stored.at,
                    # The same answer to all (the read cache stores it): recordedAction
                    # holds what only some may see.
                    action=public_action(stored.record.action),
                    actor=stored.record.actor_label,
                    changed_fields=sorted(
                        k for k, v in changes.items() if isinstance(v, dict) and "before" in v
                    ),
                    decision=changes.get("decision"),
                    method=changes.get("method"),
                    reason=stored.record.reason,
                    recorded=stored.record.action,
                )
            )
        return events
