"""Every GraphQL document the pages send is valid against the schema (a renamed field fails
here, not on a volunteer's screen)."""

from __future__ import annotations

from graphql import parse, validate

from hub.graphql.schema import build_schema
from hub.web import documents as doc


def _documents() -> dict[str, str]:
    found = {
        name: value
        for name, value in vars(doc).items()
        if isinstance(value, str) and name.isupper() and "{" in value and name != "ENTRY_ROW"
    }
    for list_name, (field, filter_type, _) in doc.LISTS.items():
        found[f"list {list_name}"] = doc.list_document(field, filter_type)
    for kind, type_name in doc.MUTATION_TYPES.items():
        found[f"update {kind}"] = doc.update_document(kind)
        found[f"close {kind}"] = doc.close_document(kind)
        field = type_name[0].lower() + type_name[1:]
        found[f"submit {kind}"] = doc.submit_document(type_name, field)
    return found


def test_every_document_the_pages_send_is_valid() -> None:
    schema = build_schema()._schema
    documents = _documents()
    assert {"RECONFIRMATION", "RECONFIRM", "EDITABLE", "update LODGING"} <= set(documents)
    problems = {
        name: [error.message for error in validate(schema, parse(text))]
        for name, text in documents.items()
    }
    assert {name: errors for name, errors in problems.items() if errors} == {}
