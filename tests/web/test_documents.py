"""Every GraphQL document the pages send is valid against the schema (a renamed field fails
here, not on a volunteer's screen)."""

from __future__ import annotations

from graphql import parse, validate

from hub.domain.kinds import KINDS
from hub.graphql.schema import build_schema
from hub.web import documents as doc
from hub.web import flow_documents as flow


def _documents() -> dict[str, str]:
    found = {
        name: value
        for module in (doc, flow)
        for name, value in vars(module).items()
        # Fragments (ENTRY_ROW, PLEDGE_ROW) are checked inside the documents that use them.
        if isinstance(value, str)
        and name.isupper()
        and not name.startswith("_")
        and "{" in value
        and not value.lstrip().startswith("fragment")
    }
    for kind in KINDS:
        found[f"list {kind.slug}"] = doc.list_document(kind)
        found[f"update {kind.kind.value}"] = doc.update_document(kind)
        found[f"close {kind.kind.value}"] = doc.close_document(kind)
        found[f"submit {kind.kind.value}"] = doc.submit_document(kind)
    return found


def test_every_document_the_pages_send_is_valid() -> None:
    schema = build_schema()._schema
    documents = _documents()
    assert {"RECONFIRMATION", "RECONFIRM", "EDITABLE", "update LODGING"} <= set(documents)
    assert {"NEED_MATCHES", "OFFER_MATCHES", "PLEDGE", "PLEDGE_PAGE", "CARRIERS",
            "SET_PLEDGE_STATUS", "ASSIGN_CARRIER", "UPDATE_SHIPMENT", "SEND_MESSAGE",
            "submit DONATION_CHANNEL", "update DONATION_CHANNEL", "close DONATION_CHANNEL",
            "list donation-channels"} <= set(documents)  # fmt: skip
    assert "PLEDGE_ROW" not in documents and "ENTRY_ROW" not in documents
    problems = {
        name: [error.message for error in validate(schema, parse(text))]
        for name, text in documents.items()
    }
    assert {name: errors for name, errors in problems.items() if errors} == {}
