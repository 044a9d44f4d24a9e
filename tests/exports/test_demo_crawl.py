"""Every export of the demo data, in every state an export allows, holds no protected value."""

from __future__ import annotations

import httpx

from hub.demo.load import load_demo
from hub.domain.open_data import Dataset
from hub.settings import Settings
from hub.store.db import Database
from tests.exports.conftest import DATASETS, FORMATS, readable

WIDE = {
    "verification": "PENDING,IN_REVIEW,VERIFIED,NEEDS_CHANGES,EXPIRED",
    "status": "OPEN,PARTIALLY_FULFILLED,FULFILLED,CLOSED",
}


async def test_demo_exports_hold_no_protected_value(
    db: Database, settings: Settings, app_client: httpx.AsyncClient
) -> None:
    await load_demo(db, settings.entry_lifetimes())
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT name, phone, other_channel FROM contact WHERE visibility = 'PROTECTED'"
        )
        public = await conn.fetch("SELECT phone FROM contact WHERE visibility = 'PUBLIC'")
        entries = await conn.fetchval(
            "SELECT count(*) FROM entry WHERE verification_status <> 'REJECTED' "
            "AND merged_into IS NULL AND kind = ANY($1)",
            [d.entry_kind.value for d in Dataset if d.entry_kind is not None],
        )
    phones = {v for r in rows for v in (r["phone"], r["other_channel"]) if v}
    names = {r["name"] for r in rows if r["name"]}
    assert len(phones) > 20, "the demo data should hold protected contacts to look for"

    content = b""
    contact_names: set[str] = set()
    for dataset in DATASETS:
        params = WIDE if dataset != "organizations" else {}
        for file_format in FORMATS:
            for lang in ("en", "zh"):
                path = f"/export/{dataset}.{file_format}"
                response = await app_client.get(path, params={**params, "lang": lang})
                assert response.status_code == 200
                content += readable(path, response.content)
        json_data = (await app_client.get(f"/export/{dataset}.json", params=params)).json()
        for obj in json_data["data"]:
            contact_names.update((obj["contact_name"] or "").split("; "))
        if dataset != "organizations":
            entries -= len(json_data["data"])
    # Every entry an export may show was shown...
    assert entries == 0
    text = content.decode("utf-8-sig")
    # ...with its public numbers, and no protected one.
    assert any(r["phone"] and r["phone"] in text for r in public)
    assert sorted(p for p in phones if p in text) == []
    # A donor's public provider name may hold their name ("爱心人士 刘女士"): names are looked
    # for where contacts are written.
    assert contact_names - {""}
    assert sorted(contact_names & names) == []
