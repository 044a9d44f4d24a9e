"""A process reads its own writes at once: every mutation moves the data version.

The database's notification (migration 0019) reaches every process a moment after the commit;
the process that wrote moves its own version as soon as the mutation has run, before its
response is sent, so that the writer's next read is never answered from an older response.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from hub.graphql.context import Context


class MutationsMoveDataVersion(SchemaExtension):
    """Bump the context's data version after every mutation (whatever its outcome)."""

    def on_execute(self) -> Iterator[None]:
        """Bump once the operation has run."""
        try:
            yield
        finally:
            self._bump()

    def _bump(self) -> None:
        context = self.execution_context.context
        mutation = self.execution_context.operation_type is OperationType.MUTATION
        if mutation and isinstance(context, Context) and context.data_version is not None:
            context.data_version.bump()
