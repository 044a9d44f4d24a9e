"""Refuse text PostgreSQL cannot store (NUL, unpaired surrogates) before any resolver runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import DocumentNode, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from hub.graphql.errors import ErrorCode, hub_error

# PostgreSQL text cannot hold NUL, and a lone surrogate cannot be encoded as UTF-8: either
# would fail deep in the driver as an internal error instead of a clear refusal.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _bad_value(value: object) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_bad_value(k) or _bad_value(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_value(v) for v in value)
    return False


class _StringFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        if _UNSTORABLE.search(node.value):
            self.found = True


def _bad_document(query: str | None, document: DocumentNode | None) -> bool:
    # Such characters can only reach a literal through a \\u escape: skip the walk otherwise.
    if document is None or not query or "\\u" not in query:
        return False
    finder = _StringFinder()
    visit(document, finder)
    return finder.found


def unstorable(variables: object, query: str | None, document: DocumentNode | None) -> bool:
    """Whether the variables or the document's literals hold text PostgreSQL cannot store."""
    return _bad_value(variables) or _bad_document(query, document)


class RejectUnstorableText(SchemaExtension):
    """A request whose text holds NUL or lone surrogates is refused with BAD_USER_INPUT."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if unstorable(context.variables, context.query, context.graphql_document):
            raise hub_error(
                ErrorCode.BAD_USER_INPUT,
                "Text may not contain NUL characters or unpaired UTF-16 surrogates.",
            )
        yield
