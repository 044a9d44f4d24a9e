"""node and nodes compiled, for entries: one statement per kind asked for.

A Node's selection is planned for each kind's type (its fragments and type conditions apply
per type); an organization's id, too many ids or a malformed one are left to strawberry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from graphql import FieldNode, GraphQLField
from graphql.execution.values import VariableValues, get_argument_values

from hub.domain.enums import VerificationStatus
from hub.domain.kinds import KINDS, Kind
from hub.domain.listing import EntryFilter, EntryOrder
from hub.domain.visibility import publicly_shown
from hub.graphql.compiled.build import Builder, Reads, Run
from hub.graphql.compiled.selection import OutsideVocabulary
from hub.graphql.compiled.vocabulary import entry_vocabulary
from hub.graphql.context import Context
from hub.graphql.entries.queries import MAX_NODES
from hub.graphql.field_collection import Selections
from hub.graphql.ids import require_global_id
from hub.store.compiled_reads import PageRead, Row, read_entries
from hub.store.db import Connection

FIELDS = ("node", "nodes")
_VISIBILITY = ("verification_status", "merged_into")


class _Kind:
    """One kind's plan for the node's selection."""

    def __init__(self, kind: Kind, selections: Selections, nodes: list[FieldNode]) -> None:
        self.kind = kind
        builder = Builder(selections, Reads())
        self.make: Callable[[Row, Run], dict[str, Any]] = builder.obj(
            kind.type_name, entry_vocabulary(kind), nodes
        )
        reads = builder.reads
        self.read = PageRead(
            kind=kind.kind,
            flt=EntryFilter(),
            order=EntryOrder.NEWEST,
            after=None,
            limit=0,
            # The state decides who may see the entry at all (hub/domain/visibility.py).
            entry_columns=frozenset(reads.entry | {"id", *_VISIBILITY}),
            detail_columns=frozenset(reads.details),
            organization_columns=frozenset(reads.organization),
            item_columns=frozenset(reads.items) if reads.with_items else None,
            verify_method=reads.verify_method,
        )


class CompiledNodes:
    """The root field node or nodes of one document, for ids of entries."""

    needs_database = True

    def __init__(self, nodes: list[FieldNode], selections: Selections) -> None:
        self.node = nodes[0]
        self.many = self.node.name.value == "nodes"
        query: Any = selections.schema.query_type
        self.field_def: GraphQLField = query.fields[self.node.name.value]
        self.kinds = {kind.type_name: _Kind(kind, selections, nodes) for kind in KINDS}

    async def run(
        self, conn: Connection | None, context: Context, variables: VariableValues, run: Run
    ) -> Any:
        """The node (or nodes, in the order of the ids); null for an id of nothing public."""
        args = get_argument_values(self.field_def, self.node, variables)
        ids: list[str] = list(args["ids"]) if self.many else [args["id"]]
        if len(ids) > MAX_NODES or conn is None:
            raise OutsideVocabulary("too many ids")
        # Malformed ids raise INVALID_ID: strawberry reports it.
        parsed = [require_global_id(global_id) for global_id in ids]
        wanted: dict[str, set[UUID]] = {}
        for type_name, local_id in parsed:
            if type_name == "Organization":
                raise OutsideVocabulary("an organization")
            if type_name in self.kinds:
                wanted.setdefault(type_name, set()).add(local_id)
        found: dict[tuple[str, UUID], dict[str, Any]] = {}
        for type_name, local_ids in wanted.items():
            plan = self.kinds[type_name]
            for row in await read_entries(conn, plan.read, sorted(local_ids)):
                if not publicly_shown(
                    VerificationStatus(row["verification_status"]), row["merged_into"]
                ):
                    if context.viewer.signed_in or context.edit_token is not None:
                        # Reviewers, submitters and token holders may see it: strawberry
                        # decides, as for every reader it is unsure of.
                        raise OutsideVocabulary("an entry the public does not see")
                    continue
                found[(type_name, row["id"])] = plan.make(row, run)
        answers = [found.get(key) for key in parsed]
        return answers if self.many else answers[0]
