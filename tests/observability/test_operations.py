"""Operation labels stay bounded and never carry a path; request ids are sane or new."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.routing import Route

from hub.observability.operations import OTHER, OperationNames, route_label
from hub.observability.request_context import request_id_from
from hub.settings import Settings, SettingsError


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
    assert route_label({**scope, "method": "BREW"}) == "OTHER /reconfirm/{token}"


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


def test_observability_settings_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "HUB_LOG_FORMAT": "JSON",
            "HUB_METRICS_TOKEN": "scrape-me",
            "HUB_METRICS_DIR": "/run/hub-metrics",
            "HUB_OTEL_ENDPOINT": "http://collector:4318",
        }
    )
    assert settings.log_format == "json"
    assert settings.metrics_token == "scrape-me"
    assert settings.metrics_dir == Path("/run/hub-metrics")
    assert settings.otel_endpoint == "http://collector:4318"
    defaults = Settings.from_env({})
    assert (defaults.log_format, defaults.metrics_token, defaults.otel_endpoint) == (
        "text",
        None,
        None,
    )
    with pytest.raises(SettingsError, match="HUB_LOG_FORMAT"):
        Settings.from_env({"HUB_LOG_FORMAT": "xml"})
