"""Which fields a resolver's caller selected on its result, for work done only when asked."""

from __future__ import annotations

from collections.abc import Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from hub.graphql.context import Info


def selected_fields(info: Info) -> frozenset[str]:
    """The names of the fields selected on this field's result, fragments expanded.

    Fields under @skip or @include count as selected: computing something not shown is
    wasteful, never wrong.
    """
    raw = info._raw_info
    names: set[str] = set()
    for node in raw.field_nodes:
        if node.selection_set is not None:
            _collect(node.selection_set, raw.fragments, names, set())
    return frozenset(names)


def _collect(
    node: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    names: set[str],
    seen: set[str],
) -> None:
    for selection in node.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, names, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                _collect(fragment.selection_set, fragments, names, seen)
