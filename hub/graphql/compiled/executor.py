"""The compiled executor: a query of the kinds' lists answered without graphql-core's execution.

A document is parsed and validated as strawberry does it (the same token limit and rules),
once per text; a plan is built once per (document, operation, values of the variables its
@skip/@include read) and kept in an LRU. Whatever the plan does not cover (an unknown field, a
mutation, invalid input, a bad cursor) returns None: strawberry then runs the request and
remains the reference, errors included.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    parse,
    specified_rules,
    validate,
)
from graphql.execution.values import VariableValues, get_variable_values
from graphql.language import DirectiveNode, Visitor, visit

from hub.graphql.compiled.build import Builder, Reads, Run
from hub.graphql.compiled.listing import CompiledList
from hub.graphql.compiled.nodes import FIELDS as NODE_FIELDS
from hub.graphql.compiled.nodes import CompiledNodes
from hub.graphql.compiled.selection import OutsideVocabulary
from hub.graphql.compiled.taxonomy import FIELD as CATEGORIES
from hub.graphql.compiled.taxonomy import CompiledCategories
from hub.graphql.connections import DEFAULT_PAGE_SIZE
from hub.graphql.context import Context
from hub.graphql.cost.estimate import cost_variables, operation_cost, variables_key
from hub.graphql.cost.limit import budget_of
from hub.graphql.entries.kinds import SHAPES
from hub.graphql.field_collection import Selections
from hub.graphql.permissions import sees_undisclosed
from hub.graphql.text_guard import unstorable
from hub.settings import Settings
from hub.store.db import Connection

log = logging.getLogger("hub.graphql.compiled")
Root = CompiledList | CompiledCategories | CompiledNodes
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
CACHE_SIZE = 512


class _Lru(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> tuple[bool, V | None]:
        if key not in self.entries:
            return False, None
        self.entries.move_to_end(key)
        return True, self.entries[key]

    def put(self, key: K, value: V) -> None:
        self.entries[key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


@dataclass(frozen=True)
class _Document:
    """A parsed, valid document: its operations, fragments, and the variables that
    @skip/@include read (the plan cache's key holds their values)."""

    document: DocumentNode
    operations: dict[str | None, OperationDefinitionNode]
    fragments: dict[str, FragmentDefinitionNode]
    directive_variables: tuple[str, ...]
    unstorable: bool
    # The variables its cost depends on (hub.graphql.cost.estimate.cost_variables).
    cost_variables: tuple[str, ...]


class _DirectiveVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                self.names.add(argument.value.name.value)


@dataclass(frozen=True)
class _Plan:
    """The root fields of an operation, by response key."""

    roots: tuple[tuple[str, Root | str], ...]

    @property
    def needs_database(self) -> bool:
        """Whether a root field reads the database."""
        return any(not isinstance(root, str) and root.needs_database for _, root in self.roots)


class CompiledReads:
    """Answers the public list queries it can compile; None for everything else."""

    def __init__(self, schema: strawberry.Schema, settings: Settings) -> None:
        self.schema = schema
        self.gql = schema._schema
        extra = getattr(schema, "validation_rules", ())
        self.rules = (*specified_rules, *extra)
        self.max_tokens = settings.max_query_tokens
        self.lists = {shape.kind.list_field: shape for shape in SHAPES}
        self.documents: _Lru[str, _Document | None] = _Lru(CACHE_SIZE)
        self.plans: _Lru[tuple[Any, ...], _Plan | None] = _Lru(CACHE_SIZE)
        self.costs: _Lru[tuple[Any, ...], int] = _Lru(CACHE_SIZE)
        self.max_page = settings.max_page_size
        # How many requests the compiled path answered (tests check it was taken).
        self.answered = 0

    async def execute(
        self,
        query: str | None,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        context: Context,
    ) -> dict[str, Any] | None:
        """The response's data, or None: let strawberry run the request."""
        if not query or context.bad_credentials:
            return None
        if variables is not None and not isinstance(variables, dict):
            return None
        try:
            data = await self._answer(query, variables, operation_name, context)
        except (GraphQLError, OutsideVocabulary):
            # A bad page size, cursor or id (strawberry says so); an organization's node.
            return None
        except Exception:
            # Strawberry, the reference, answers (or reports the fault as it always has); a
            # fault of the compiled path itself must still be seen.
            log.warning("compiled read failed; strawberry answers", exc_info=True)
            return None
        if data is not None:
            self.answered += 1
        return data

    async def _answer(
        self,
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        context: Context,
    ) -> dict[str, Any] | None:
        document = self._document(query)
        if document is None or document.unstorable or unstorable(variables, None, None):
            return None
        operation = document.operations.get(operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            return None
        coerced = get_variable_values(
            self.gql, operation.variable_definitions or (), dict(variables or {})
        )
        if isinstance(coerced, list):
            return None
        if self._cost(query, operation_name, document, operation, coerced) > budget_of(
            context.viewer, context.settings
        ):
            # Strawberry refuses it (QUERY_TOO_COSTLY), as for every other path.
            return None
        plan = self._plan(query, operation_name, document, operation, coerced)
        if plan is None:
            return None
        return await self._run(plan, context, coerced)

    def _cost(
        self,
        query: str,
        operation_name: str | None,
        document: _Document,
        operation: OperationDefinitionNode,
        variables: VariableValues,
    ) -> int:
        # Estimating walks the document (about half a millisecond for a page's list): once per
        # document, operation and values of the variables the cost depends on.
        key = (query, operation_name, variables_key(variables, document.cost_variables))
        found, cost = self.costs.get(key)
        if found and cost is not None:
            return cost
        cost = operation_cost(
            self.gql, document.document, operation, variables, DEFAULT_PAGE_SIZE, self.max_page
        )
        self.costs.put(key, cost)
        return cost

    async def _run(
        self, plan: _Plan, context: Context, variables: VariableValues
    ) -> dict[str, Any]:
        run = Run(context.language, context.categories, sees_undisclosed(context.viewer))
        if not plan.needs_database:
            return await self._fields(plan, None, context, variables, run)
        async with context.db.connection() as conn:
            return await self._fields(plan, conn, context, variables, run)

    @staticmethod
    async def _fields(
        plan: _Plan,
        conn: Connection | None,
        context: Context,
        variables: VariableValues,
        run: Run,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, root in plan.roots:
            if isinstance(root, str):
                data[key] = root
            else:
                data[key] = await root.run(conn, context, variables, run)
        return data

    def _document(self, query: str) -> _Document | None:
        found, document = self.documents.get(query)
        if found:
            return document
        document = self._parsed(query)
        self.documents.put(query, document)
        return document

    def _parsed(self, query: str) -> _Document | None:
        try:
            node = parse(query, max_tokens=self.max_tokens)
        except GraphQLError:
            return None
        if validate(self.gql, node, self.rules):
            return None
        operations: dict[str | None, OperationDefinitionNode] = {}
        fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                operations[definition.name.value if definition.name else None] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
        if len(operations) == 1:
            # Without an operation name, the only operation runs.
            operations[None] = next(iter(operations.values()))
        else:
            operations.pop(None, None)
        finder = _DirectiveVariables()
        visit(node, finder)
        return _Document(
            node,
            operations,
            fragments,
            tuple(sorted(finder.names)),
            unstorable(None, query, node),
            cost_variables(node),
        )

    def _plan(
        self,
        query: str,
        operation_name: str | None,
        document: _Document,
        operation: OperationDefinitionNode,
        variables: VariableValues,
    ) -> _Plan | None:
        conditions = tuple(variables.coerced.get(name) for name in document.directive_variables)
        key = (query, operation_name, conditions)
        found, plan = self.plans.get(key)
        if found:
            return plan
        try:
            plan = self._compiled(document, operation, variables)
        except OutsideVocabulary:
            plan = None
        self.plans.put(key, plan)
        return plan

    def _compiled(
        self, document: _Document, operation: OperationDefinitionNode, variables: VariableValues
    ) -> _Plan:
        selections = Selections(self.gql, document.fragments, variables)
        fields = selections.collect("Query", [operation.selection_set])
        roots: list[tuple[str, Root | str]] = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                roots.append((key, "Query"))
                continue
            builder = Builder(selections, Reads())
            if name == CATEGORIES:
                roots.append((key, CompiledCategories(nodes, builder)))
                continue
            if name in NODE_FIELDS:
                roots.append((key, CompiledNodes(nodes, selections)))
                continue
            shape = self.lists.get(name)
            if shape is None:
                raise OutsideVocabulary(name)
            roots.append((key, CompiledList(shape, nodes, builder, self.schema)))
        return _Plan(tuple(roots))
