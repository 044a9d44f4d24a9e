"""What the compiled path refuses, and helpers over collected fields (the collection itself is
hub.graphql.field_collection, shared with the cost model)."""

from __future__ import annotations

from graphql import FieldNode, SelectionSetNode


class OutsideVocabulary(Exception):
    """The document asks for something the compiled path does not answer: use strawberry."""


def sub_selections(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    """The selection sets of fields merged under one response key."""
    return [node.selection_set for node in nodes if node.selection_set is not None]


def plain(nodes: list[FieldNode]) -> None:
    """Refuse a non-root field with arguments: none in the vocabulary takes any."""
    if any(node.arguments for node in nodes):
        raise OutsideVocabulary("arguments")
