"""Field collection as graphql-core does it: fragments, inline fragments, @skip/@include.

For one set of directive values: the response keys of a selection set on a concrete type, in
document order, each with the field nodes merged under it. The compiled path plans with it
(so that a plan holds no condition) and the cost model estimates with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    is_abstract_type,
)
from graphql.execution.values import VariableValues, get_directive_values
from graphql.language import SelectionNode


class Selections:
    """Collects the fields of selection sets for a document and its variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def collect(
        self, type_name: str, selection_sets: Iterable[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """The fields the selection sets select on `type_name`, by response key."""
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for selection_set in selection_sets:
            self._walk(type_name, selection_set, fields, visited)
        return fields

    def _walk(
        self,
        type_name: str,
        selection_set: SelectionSetNode,
        fields: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, type_name):
                    self._walk(type_name, selection.selection_set, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments.get(name)
                if fragment is None or not self._applies(
                    fragment.type_condition.name.value, type_name
                ):
                    continue
                self._walk(type_name, fragment.selection_set, fields, visited)

    def _included(self, node: SelectionNode) -> bool:
        if not node.directives:
            return True
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include.get("if") is False)

    def _applies(self, condition: str, type_name: str) -> bool:
        if condition == type_name:
            return True
        conditional = self.schema.get_type(condition)
        concrete = self.schema.get_type(type_name)
        if conditional is None or concrete is None or not is_abstract_type(conditional):
            return False
        return self.schema.is_sub_type(conditional, concrete)
