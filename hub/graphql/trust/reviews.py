"""The reviewer workflow over GraphQL: the queue, claims and decisions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from uuid import UUID

import strawberry

from hub.domain.enums import EntryKind
from hub.domain.listing import EntryOrder, queue_key
from hub.domain.model import Entry as EntryRecord
from hub.domain.regions import filter_place
from hub.domain.verification import (
    FlagReason,
    Reconfirmation,
    RejectionReason,
    ReviewDecision,
    ReviewMethod,
)
from hub.graphql.common import UserError
from hub.graphql.connections import Connection, after_key, build_connection, counted, page_size
from hub.graphql.context import Info
from hub.graphql.entries import Entry, entry_id_of, entry_of
from hub.graphql.payloads import invalid_id, on_id, payload
from hub.graphql.permissions import guarded_field, guarded_mutation
from hub.graphql.provenance import provenance, reporter_key
from hub.services import merges, reconfirmation
from hub.services import reviews as service
from hub.services.outcome import Outcome
from hub.store import reviews as store

strawberry.enum(Reconfirmation, name="Reconfirmation")


@strawberry.input(description="Which entries a reviewer wants to see.")
class ReviewQueueFilter:
    kinds: list[EntryKind] | None = None
    province: str | None = None
    city: str | None = None
    category_codes: list[str] | None = None

    def to_store(self) -> store.QueueFilter:
        """The store's filter."""
        province, city, _district = filter_place(self.province, self.city)
        return store.QueueFilter(
            kinds=tuple(self.kinds or ()),
            province=province,
            city=city,
            category_codes=tuple(self.category_codes or ())[:50],
        )


@strawberry.input(description="A reviewer's decision on an entry they have claimed.")
class ReviewEntryInput:
    entry_id: strawberry.ID
    decision: ReviewDecision
    method: ReviewMethod
    note: str | None = strawberry.field(default=None, description="What the call established.")
    evidence_url: str | None = None
    rejection_reason: RejectionReason | None = strawberry.field(
        default=None, description="Required when rejecting."
    )


@strawberry.input(description="A report that an entry is wrong.")
class FlagEntryInput:
    entry_id: strawberry.ID
    reason: FlagReason
    note: str | None = strawberry.field(
        default=None, description="What is wrong (reviewers see it)."
    )


@strawberry.type
class FlagEntryPayload:
    entry: Entry | None
    user_errors: list[UserError]


@strawberry.type
class ReviewPayload:
    entry: Entry | None
    user_errors: list[UserError]


async def _on_entry(
    global_id: str, act: Callable[[UUID], Awaitable[Outcome[EntryRecord]]]
) -> Outcome[EntryRecord]:
    """`act` on the entry `global_id` names; invalid_id(entryId) when it names none."""
    return await on_id(entry_id_of(global_id), "entryId", act)


def _view(info: Info) -> Callable[[EntryRecord], Entry]:
    """An entry as this reader may see it."""
    return lambda found: entry_of(found, info.context.may_see_protected_contacts)


@strawberry.type
class ReviewQuery:
    @guarded_field("Entries awaiting review: most urgent, then longest waiting, first.")
    async def review_queue(
        self,
        info: Info,
        filter: ReviewQueueFilter | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Entry]:
        ctx = info.context
        size = page_size(first, ctx.settings.max_page_size)
        # The queue's cursor has the shape of the URGENCY order's (rank, time, id).
        key = after_key(after, EntryOrder.URGENCY)
        flt = (filter or ReviewQueueFilter()).to_store()
        async with ctx.db.connection() as conn:
            records = await store.queue(conn, flt, key, size + 1)

        return build_connection(
            records,
            size,
            EntryOrder.URGENCY,
            queue_key,
            lambda r: entry_of(r, ctx.may_see_protected_contacts),
            counted(ctx.db, lambda conn: store.queue_count(conn, flt)),
            has_previous=key is not None,
        )


@strawberry.type
class ReviewMutation:
    @guarded_mutation("Take an entry for a lease so that no two reviewers check it at once.")
    async def claim_review(self, info: Info, entry_id: strawberry.ID) -> ReviewPayload:
        ctx = info.context
        lease = timedelta(minutes=ctx.settings.review_lease_minutes)
        request = provenance(info, reviewing=True)
        outcome = await _on_entry(
            entry_id,
            lambda entry: service.claim_review(ctx.db, ctx.viewer, entry, lease, request),
        )
        return payload(ReviewPayload, info, outcome, entry=_view(info))

    @guarded_mutation("Give a claimed entry back to the queue.")
    async def release_review(self, info: Info, entry_id: strawberry.ID) -> ReviewPayload:
        ctx = info.context
        outcome = await _on_entry(
            entry_id, lambda entry: service.release_review(ctx.db, ctx.viewer, entry)
        )
        return payload(ReviewPayload, info, outcome, entry=_view(info))

    @guarded_mutation(
        "Report an entry as wrong. Reports never unpublish an entry: enough of them, from "
        "distinct and trusted enough reporters, put it in front of a reviewer; a repeated "
        "report from the same reporter is accepted and adds nothing."
    )
    async def flag_entry(self, info: Info, input: FlagEntryInput) -> FlagEntryPayload:
        ctx = info.context
        reporter = reporter_key(info)

        async def flag(entry: UUID) -> Outcome[EntryRecord]:
            return await service.flag_entry(
                ctx.db,
                ctx.viewer,
                entry,
                input.reason,
                input.note,
                reporter,
                ctx.settings.flag_recheck_weight,
            )

        outcome = await _on_entry(input.entry_id, flag)
        return payload(FlagEntryPayload, info, outcome, entry=_view(info))

    @guarded_mutation("Verify, ask for changes or reject an entry you have claimed.")
    async def review_entry(self, info: Info, input: ReviewEntryInput) -> ReviewPayload:
        ctx = info.context
        decision = service.Decision(
            input.decision, input.method, input.note, input.evidence_url, input.rejection_reason
        )

        request = provenance(info, reviewing=True)

        async def review(entry: UUID) -> Outcome[EntryRecord]:
            return await service.review_entry(
                ctx.db,
                ctx.viewer,
                entry,
                decision,
                ctx.settings.reviews_required,
                ctx.lifetimes,
                request,
            )

        return payload(
            ReviewPayload, info, await _on_entry(input.entry_id, review), entry=_view(info)
        )


@strawberry.input(description="The poster's answer through their private reconfirmation link.")
class ReconfirmEntryInput:
    token: str = strawberry.field(description="The reconfirmationToken given at submission.")
    answer: Reconfirmation


@strawberry.type
class ReconfirmEntryPayload:
    entry: Entry | None
    user_errors: list[UserError]


@strawberry.type
class ReconfirmMutation:
    @guarded_mutation("Say an entry is still current, fulfilled, or withdrawn (no account).")
    async def reconfirm_entry(
        self, info: Info, input: ReconfirmEntryInput
    ) -> ReconfirmEntryPayload:
        ctx = info.context
        outcome = await reconfirmation.reconfirm(ctx.db, input.token, input.answer, ctx.lifetimes)
        return payload(ReconfirmEntryPayload, info, outcome, entry=_view(info))


@strawberry.type
class MergeEntriesPayload:
    entry: Entry | None = strawberry.field(description="The entry kept.")
    user_errors: list[UserError]


@strawberry.type
class MergeMutation:
    @guarded_mutation("Merge duplicates into one entry; they close, every history stays.")
    async def merge_entries(
        self, info: Info, keep_id: strawberry.ID, duplicate_ids: list[strawberry.ID]
    ) -> MergeEntriesPayload:
        ctx = info.context
        keep = entry_id_of(keep_id)
        others = [entry_id_of(i) for i in duplicate_ids[: merges.MAX_MERGE + 1]]
        bad = [n for n, i in enumerate(others) if i is None]
        if keep is None:
            outcome = invalid_id("keepId")
        elif bad:
            outcome = invalid_id(f"duplicateIds.{bad[0]}")
        else:
            outcome = await merges.merge_entries(
                ctx.db, ctx.viewer, keep, [i for i in others if i is not None]
            )
        return payload(MergeEntriesPayload, info, outcome, entry=_view(info))
