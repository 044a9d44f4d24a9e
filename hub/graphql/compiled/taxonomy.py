"""supplyCategories compiled: the taxonomy the context holds, filtered as its resolver does."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLField
from graphql.execution.values import VariableValues, get_argument_values

from hub.graphql.compiled.build import Builder, Run
from hub.graphql.compiled.vocabulary import CATEGORY
from hub.graphql.context import Context
from hub.store.db import Connection

FIELD = "supplyCategories"


class CompiledCategories:
    """The root field supplyCategories of one document."""

    # The taxonomy is in memory: no database connection is needed.
    needs_database = False

    def __init__(self, nodes: list[FieldNode], builder: Builder) -> None:
        self.node = nodes[0]
        query: Any = builder.schema.query_type
        self.field_def: GraphQLField = query.fields[FIELD]
        self.category = builder.obj("SupplyCategory", CATEGORY, nodes)

    async def run(
        self, _conn: Connection | None, context: Context, variables: VariableValues, run: Run
    ) -> list[dict[str, Any]]:
        """The categories, in the taxonomy's display order (TaxonomyQuery.supply_categories)."""
        args = get_argument_values(self.field_def, self.node, variables)
        group_code = args.get("groupCode")
        include_deprecated = bool(args.get("includeDeprecated"))
        return [
            self.category(c, run)
            for c in context.categories.values()
            if (group_code is None or c.group_code == group_code)
            and (include_deprecated or not c.deprecated)
        ]
