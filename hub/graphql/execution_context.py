"""The execution context of every operation: strawberry's, with a subscription's memory bounded.

graphql-core (3.3) executes each subscription event on a shallow copy of the subscription's
executor, so the copy shares the parent's memo of collected subfields. That memo is keyed on the
identity of field lists built afresh for every event, and keeps those lists alive: it grew by
about 2.6 kB per subscriber for every event delivered, for as long as the socket stayed open
(bench/live_memory.py; tests/live/test_memory.py). Each event now gets memos of its own, which
die with it; within one event they still save the repeated collection of a list's items.
"""

from __future__ import annotations

from typing import Any

from graphql.pyutils import RefMap
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class HubExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context; each subscription event memoizes on its own."""

    def build_per_event_executor(self, payload: Any) -> Any:
        """The executor of one event, with memos that are not the subscription's."""
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        executor._stream_usages = RefMap()
        return executor
