"""A bound on how large a document becomes once its fragments are spread out.

Twenty fragments, each spreading the one before it twice, are a document of 1.4 KB that
expands to 2^19 copies of the first one. graphql-core executes it in linear time (it collects
each fragment once per selection set), but strawberry's depth and alias limiters walk every
expansion: such a document held the event loop for over ten seconds, the 21st level for twice
as long. Here the expanded size is counted once per fragment (memoised, so in time linear in
the document), and the limiters run only on documents under the bound.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    ValidationContext,
)

from hub.graphql.errors import ErrorCode, hub_error


def expanded_fields(document: DocumentNode) -> int:
    """How many fields the document's operations select once every fragment spread is replaced
    by its fragment's selections. A spread of an unknown fragment, or one in a cycle, counts
    nothing (graphql-core's own rules refuse those documents)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    sizes: dict[str, int] = {}
    in_progress: set[str] = set()

    def fragment_size(name: str) -> int:
        if name in sizes:
            return sizes[name]
        fragment = fragments.get(name)
        if fragment is None or name in in_progress:
            return 0
        in_progress.add(name)
        size = selections_size(fragment.selection_set.selections)
        in_progress.discard(name)
        sizes[name] = size
        return size

    def selections_size(selections: Iterable[SelectionNode]) -> int:
        total = 0
        for selection in selections:
            if isinstance(selection, FieldNode):
                total += 1
                if selection.selection_set is not None:
                    total += selections_size(selection.selection_set.selections)
            elif isinstance(selection, InlineFragmentNode):
                total += selections_size(selection.selection_set.selections)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment_size(selection.name.value)
        return total

    return sum(
        selections_size(definition.selection_set.selections)
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    )


def expansion_rule(max_fields: int) -> type[ASTValidationRule]:
    """A validation rule refusing documents that expand to more than `max_fields` fields
    (TOO_MANY_TOKENS: the document is too large once spread out)."""

    class ExpansionLimit(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            size = expanded_fields(context.document)
            if size > max_fields:
                context.report_error(
                    hub_error(
                        ErrorCode.TOO_MANY_TOKENS,
                        f"The document selects {size} fields once its fragments are spread "
                        f"out; at most {max_fields} are allowed.",
                    )
                )

    return ExpansionLimit


def within_expansion(rule: type[ASTValidationRule], max_fields: int) -> type[ASTValidationRule]:
    """`rule`, run only on documents that expand to at most `max_fields` fields (the others are
    refused by `expansion_rule`). For rules that do all their work when made, as strawberry's
    depth and alias limiters do."""

    class WithinExpansion(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            if expanded_fields(context.document) <= max_fields:
                rule(context)

    WithinExpansion.__name__ = f"WithinExpansion{rule.__name__}"
    return WithinExpansion
