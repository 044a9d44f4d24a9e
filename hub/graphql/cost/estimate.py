"""The estimated cost of an operation, from its document and variables, before it runs.

Fields are collected as graphql-core executes them: fragments and inline fragments expanded
where their type condition applies, `@skip`/`@include` obeyed, every alias counted. A field
costs its weight (hub.graphql.cost.weights) plus, when it selects fields, the cost of its
selection times the number of elements it may return: `first` for a list or a connection
(whose `edges` and `nodes` take the page size), the server's default page size without it.
An abstract type costs as much as its costliest possible type. Fields are grouped by response
key as execution groups them (a key runs once), and a selection is costed once per type and
page size (memoised), so fragments spread many times cost no time to estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
    visit,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.language import SelectionNode
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from hub.graphql.cost.weights import SIZE_ARGUMENTS, field_weight, list_size, page_default
from hub.graphql.field_collection import Selections

# Fields of a connection that list its page.
PAGE_FIELDS = frozenset({"edges", "nodes"})
META_FIELDS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


def find_operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | None:
    """The operation that runs: the named one, or the only one."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    return next(
        (o for o in operations if o.name is not None and o.name.value == operation_name), None
    )


def cost_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables whose values can change what `document` costs: page sizes, counted
    arguments and the conditions of @skip and @include (a cache of costs keys on them)."""
    finder = _CostVariables()
    visit(document, finder)
    return tuple(sorted(finder.names))


def variables_key(variables: VariableValues, names: tuple[str, ...]) -> tuple[object, ...]:
    """What of `variables` a cached cost depends on (a list by its length)."""
    values = variables.coerced
    return tuple(
        len(value) if isinstance(value, list) else value
        for value in (values.get(name) for name in names)
    )


class _CostVariables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.counted = {"first", *SIZE_ARGUMENTS.values()}

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        if isinstance(node.value, VariableNode) and node.name.value in self.counted:
            self.names.add(node.value.name.value)

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        for argument in node.arguments or ():
            if isinstance(argument.value, VariableNode):
                self.names.add(argument.value.name.value)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: VariableValues,
    default_page_size: int,
    max_page_size: int,
) -> int:
    """The estimated cost of `operation` with its coerced `variables` (graphql-core's)."""
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    if root is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, variables, default_page_size, max_page_size)
    return walk.selection(root, (operation.selection_set,), None)


class _Collector(Selections):
    """Field collection as the compiled path does it, except that a directive whose variables
    cannot be read counts as included: an estimate errs on the costly side."""

    def _included(self, node: SelectionNode) -> bool:
        try:
            return super()._included(node)
        except GraphQLError:
            return True


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
        default_page_size: int,
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.collector = _Collector(schema, fragments, variables)
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self.memo: dict[tuple[str, tuple[int, ...], int | None], int] = {}

    def selection(
        self, type_: GraphQLNamedType, nodes: tuple[SelectionSetNode, ...], page: int | None
    ) -> int:
        """What `nodes` (merged) cost on one value of `type_` (its costliest type when
        abstract)."""
        if is_abstract_type(type_):
            possible = self.schema.get_possible_types(type_)
            return max((self._on(t, nodes, page) for t in possible), default=0)
        if isinstance(type_, GraphQLObjectType):
            return self._on(type_, nodes, page)
        return 0

    def _on(
        self, type_: GraphQLObjectType, nodes: tuple[SelectionSetNode, ...], page: int | None
    ) -> int:
        key = (type_.name, tuple(id(n) for n in nodes), page)
        known = self.memo.get(key)
        if known is not None:
            return known
        # A fragment cycle (which validation refuses anyway) costs nothing the second time.
        self.memo[key] = 0
        fields = self.collector.collect(type_.name, nodes)
        total = sum(self._field(type_, same, page) for same in fields.values())
        self.memo[key] = total
        return total

    def _field(self, parent: GraphQLObjectType, same: list[FieldNode], page: int | None) -> int:
        node = same[0]
        name = node.name.value
        if name == "__typename":
            return 0
        definition = META_FIELDS.get(name) or parent.fields.get(name)
        if definition is None:
            return 0
        weight = field_weight(parent.name, name)
        selections = tuple(n.selection_set for n in same if n.selection_set is not None)
        if not selections:
            return weight
        arguments = self._arguments(definition, node)
        returned = get_nullable_type(definition.type)
        size = 1
        inner_page = None
        if is_list_type(returned):
            size = self._size(parent.name, name, arguments, page if name in PAGE_FIELDS else None)
        elif "first" in definition.args:
            # A connection passes its page size to its `edges` and `nodes`.
            inner_page = self._page(parent.name, name, arguments)
        inner = self.selection(get_named_type(returned), selections, inner_page)
        return weight + size * inner

    def _size(
        self, type_name: str, name: str, arguments: Mapping[str, Any], page: int | None
    ) -> int:
        if "first" in arguments:
            return self._page(type_name, name, arguments)
        counted = SIZE_ARGUMENTS.get((type_name, name))
        if counted is not None:
            value = arguments.get(counted)
            return len(value) if isinstance(value, list) else 1
        return page if page is not None else list_size(type_name, name)

    def _page(self, type_name: str, name: str, arguments: Mapping[str, Any]) -> int:
        first = arguments.get("first")
        if not isinstance(first, int):
            return page_default(type_name, name, self.default_page_size)
        # A page beyond the maximum is refused before its elements are resolved.
        return max(0, min(first, self.max_page_size))

    def _arguments(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        if not definition.args:
            return {}
        try:
            return get_argument_values(definition, node, self.variables)
        except GraphQLError:
            # Execution refuses the field itself; what it would select never runs.
            return {}
