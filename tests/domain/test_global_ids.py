"""Global ids: one encoding for the API, webhooks and exports."""

from __future__ import annotations

import base64
from uuid import UUID

from hub.domain.enums import EntryKind
from hub.domain.global_ids import (
    NODE_TYPES,
    entry_global_id,
    expect_global_id,
    parse_global_id,
    to_global_id,
)
from hub.domain.kinds import KINDS

SOME = UUID("12345678-1234-5678-1234-567812345678")


def test_an_id_is_type_and_uuid_in_url_safe_base64_without_padding() -> None:
    encoded = to_global_id("Organization", SOME)
    assert "=" not in encoded
    assert base64.urlsafe_b64decode(encoded + "==").decode() == f"Organization:{SOME}"
    assert parse_global_id(encoded) == ("Organization", SOME)


def test_every_kind_is_a_node_type_named_by_its_api_type() -> None:
    for kind in KINDS:
        assert kind.type_name in NODE_TYPES
        assert parse_global_id(entry_global_id(kind.kind, SOME)) == (kind.type_name, SOME)
    assert entry_global_id(EntryKind.LOGISTICS_OFFER, SOME) == to_global_id("LogisticsOffer", SOME)


def test_foreign_or_malformed_ids_are_refused() -> None:
    assert parse_global_id(to_global_id("Unknown", SOME)) is None
    assert parse_global_id("not base64!") is None
    assert expect_global_id(to_global_id("Need", SOME), "Offer") is None
    assert expect_global_id(to_global_id("Need", SOME), "Need") == SOME
