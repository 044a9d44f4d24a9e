"""The checked-in SDL is what the code generates."""

from __future__ import annotations

from pathlib import Path

from hub.graphql.schema import export_sdl

SDL = Path(__file__).resolve().parents[1] / "schema" / "hub.graphql"


def test_checked_in_sdl_matches_the_code() -> None:
    assert SDL.read_text(encoding="utf-8") == export_sdl(), (
        "schema/hub.graphql is out of date: run `hub schema --write` and commit the result"
    )


def test_schema_is_relay_shaped() -> None:
    sdl = export_sdl()
    for fragment in (
        "interface Node",
        "type NeedConnection",
        "totalCount: Int!",
        "node(id: ID!): Node",
        "type UserError",
        "type PageInfo",
    ):
        assert fragment in sdl
