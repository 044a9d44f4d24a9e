"""A full public crawl of the demo data never shows a protected phone number or channel."""

from __future__ import annotations

import json
from typing import Any

from hub.demo.load import load_demo
from hub.settings import Settings
from hub.store.db import Database
from tests.conftest import GraphQLClient
from tests.helpers import LODGING_FIELDS, LOGISTICS_FIELDS, NEED_FIELDS, OFFER_FIELDS

ALL_STATES = "[PENDING, IN_REVIEW, VERIFIED, NEEDS_CHANGES, REJECTED, EXPIRED]"
VERIFICATION = "verification { status reviews { reviewer note evidenceUrl } }"
LISTS = {
    "needs": NEED_FIELDS,
    "offers": OFFER_FIELDS,
    "logisticsOffers": LOGISTICS_FIELDS,
    "lodgings": LODGING_FIELDS,
}
ORGANIZATION_FIELDS = "id name contacts { id name phone otherChannel visibility redacted }"


async def _crawl_list(gql: GraphQLClient, field: str, selection: str) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        filter_ = f", filter: {{verificationStatuses: {ALL_STATES}}}" if field in LISTS else ""
        query = f"""query($after: String) {{ {field}(first: 100, after: $after{filter_}) {{
            pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {selection} }} }} }} }}"""
        body = await gql.post(query, {"after": after})
        assert "errors" not in body, body
        pages.append(body)
        info = body["data"][field]["pageInfo"]
        if not info["hasNextPage"]:
            return pages
        after = info["endCursor"]


async def test_public_crawl_never_shows_protected_values(
    db: Database, settings: Settings, gql: GraphQLClient
) -> None:
    await load_demo(db, settings.entry_lifetimes())
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT phone, other_channel FROM contact WHERE visibility = 'PROTECTED'"
        )
    secrets = {v for r in rows for v in (r["phone"], r["other_channel"]) if v}
    assert len(secrets) > 20, "the demo data should hold protected contacts to look for"

    bodies: list[dict[str, Any]] = []
    ids: list[str] = []
    for field, selection in LISTS.items():
        pages = await _crawl_list(gql, field, f"{selection} {VERIFICATION}")
        bodies += pages
        ids += [e["node"]["id"] for p in pages for e in p["data"][field]["edges"]]
    bodies += await _crawl_list(gql, "organizations", ORGANIZATION_FIELDS)
    assert len(ids) > 80
    for entry_id in ids:
        bodies.append(
            await gql.post(
                f'{{ node(id: "{entry_id}") {{ ... on Entry {{ contacts {{ phone otherChannel }} '
                f"organization {{ contacts {{ phone }} }} }} }} "
                f'entryHistory(entryId: "{entry_id}") {{ action actor changedFields reason }} }}'
            )
        )
    text = json.dumps(bodies, ensure_ascii=False)
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []
    # Nor do the outbox and the audit trail hold them (they feed subscriptions and exports).
    async with db.connection() as conn:
        stored = await conn.fetchval(
            "SELECT (SELECT string_agg(payload::text, ' ') FROM entry_event) || "
            "(SELECT string_agg(changes::text, ' ') FROM audit_log)"
        )
    assert sorted(s for s in secrets if s in stored) == []
