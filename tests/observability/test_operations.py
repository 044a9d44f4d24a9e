"""Operation labels stay bounded and never carry a path; request ids are sane or new."""

from __future__ import annotations

from starlette.routing import Route

from hub.observability.operations import OTHER, OperationNames, route_label
from hub.observability.request_context import request_id_from


def test_named_operations_are_labelled_by_type_and_name() -> None:
    names = OperationNames()
    assert names.label("Needs", "query Needs { needs { totalCount } }") == "query Needs"
    assert names.label(None, "mutation Submit($i: X!) { a }") == "mutation Submit"
    assert names.label(None, "# a comment\nsubscription Live { entryEvents { id } }") == (
        "subscription Live"
    )
    assert names.label(None, "{ needs { totalCount } }") == "query (unnamed)"
    assert names.label(None, "fragment F on Need { id } query Q { a }") == "query Q"
    assert names.label(None, None) == OTHER


def test_random_operation_names_cannot_grow_the_labels_without_bound() -> None:
    names = OperationNames(limit=5)
    labels = {names.label(f"Attack{n}", "query { a }") for n in range(1000)}
    assert len(labels) == 6
    assert OTHER in labels
    # Names that are not GraphQL names (a path, a phone number) are never labels.
    fresh = OperationNames()
    assert fresh.label("/reconfirm/secret", "query { a }") == OTHER
    assert fresh.label("a" * 65, "query { a }") == OTHER


def test_routes_are_labelled_by_template_not_path() -> None:
    route = Route("/reconfirm/{token}", lambda request: None)
    scope = {"method": "GET", "path": "/reconfirm/s3cret", "route": route}
    assert route_label(scope) == "GET /reconfirm/{token}"
    assert route_label({"method": "GET", "path": "/nowhere"}) == "(unmatched)"


def test_incoming_request_ids_are_kept_only_when_sane() -> None:
    assert request_id_from(b"7f3c2a9e-1b2c-4d5e-8f90-123456789abc") == (
        "7f3c2a9e-1b2c-4d5e-8f90-123456789abc"
    )
    made = request_id_from(None)
    assert len(made) == 32
    for bad in (b"short", b"with space in it", b"x" * 200, b"new\nline-injected", b"\xff" * 10):
        replaced = request_id_from(bad)
        assert replaced.encode() != bad
        assert len(replaced) == 32
