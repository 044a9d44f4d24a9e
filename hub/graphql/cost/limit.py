"""Operations estimated to cost more than the caller's budget are refused before they run.

The check runs after validation and before execution, for every way an operation arrives:
strawberry's execution over HTTP (POST, GET, persisted queries) and WebSockets, subscriptions
included (`QueryCostLimit`), and the compiled read path (`CompiledReads`, which leaves an
operation over budget to strawberry to refuse). A client learns what an operation costs by
sending `"extensions": {"queryCost": true}` with it: the response's `extensions.queryCost`
holds `cost` and `budget`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension

from hub.domain.accounts import Viewer
from hub.graphql.connections import DEFAULT_PAGE_SIZE
from hub.graphql.context import Context
from hub.graphql.cost.estimate import find_operation, operation_cost
from hub.graphql.errors import ErrorCode
from hub.settings import Settings

# The request extension that asks for the cost, and the response extension that tells it.
ASK = "queryCost"


@dataclass(frozen=True)
class QueryCost:
    """An operation's estimated cost and the caller's budget."""

    cost: int
    budget: int

    @property
    def over(self) -> bool:
        """Whether the operation may not run."""
        return self.cost > self.budget

    def as_extension(self) -> dict[str, int]:
        """What `extensions.queryCost` shows."""
        return {"cost": self.cost, "budget": self.budget}


def budget_of(viewer: Viewer, settings: Settings) -> int:
    """How much one operation of `viewer` may cost."""
    if viewer.signed_in:
        return settings.query_cost_signed_in
    return settings.query_cost_anonymous


def asks_for_cost(extensions: object) -> bool:
    """Whether a request's `extensions` ask for the cost (`{"queryCost": true}`)."""
    return isinstance(extensions, Mapping) and extensions.get(ASK) is True


def cost_of(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    viewer: Viewer,
    settings: Settings,
) -> QueryCost:
    """The cost of the operation a valid `document` runs, with raw `variables`.

    An operation that cannot run (no such operation, variables that do not coerce) costs 0:
    execution refuses it before any resolver.
    """
    budget = budget_of(viewer, settings)
    operation = find_operation(document, operation_name)
    if operation is None:
        return QueryCost(0, budget)
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {})
    )
    if isinstance(coerced, list):
        return QueryCost(0, budget)
    cost = operation_cost(
        schema, document, operation, coerced, DEFAULT_PAGE_SIZE, settings.max_page_size
    )
    return QueryCost(cost, budget)


def too_costly(found: QueryCost) -> GraphQLError:
    """The refusal of an operation over budget, with both figures."""
    return GraphQLError(
        f"This operation's estimated cost is {found.cost}, above the budget of "
        f"{found.budget} per operation. Ask for fewer fields, aliases or smaller pages "
        "(first), or sign in for a larger budget.",
        extensions={
            "code": ErrorCode.QUERY_TOO_COSTLY.value,
            "cost": found.cost,
            "budget": found.budget,
        },
    )


class QueryCostLimit(SchemaExtension):
    """Refuse an operation over budget before it executes; tell the cost when asked."""

    def __init__(self) -> None:
        self.found: QueryCost | None = None

    def on_execute(self) -> Iterator[None]:
        """Estimate, and refuse over budget, before execution starts."""
        execution = self.execution_context
        context = execution.context
        document = execution.graphql_document
        if isinstance(context, Context) and document is not None:
            self.found = cost_of(
                execution.schema._schema,
                document,
                execution.operation_name,
                execution.variables,
                context.viewer,
                context.settings,
            )
            if self.found.over:
                raise too_costly(self.found)
        yield

    def get_results(self) -> dict[str, object]:
        """`queryCost` when the request asked for it."""
        if self.found is None or not asks_for_cost(self.execution_context.operation_extensions):
            return {}
        return {ASK: self.found.as_extension()}
