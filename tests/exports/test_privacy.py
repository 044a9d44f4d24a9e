"""What never leaves the hub in an export: protected contacts, edit tokens, reviewer notes,
rejected and merged entries (and closed ones unless asked for)."""

from __future__ import annotations

import httpx

from hub.store import duplicates
from hub.store.db import Database
from tests.exports.conftest import DATASETS, FORMATS, PROTECTED, PUBLIC, Published, readable


async def all_files(client: httpx.AsyncClient, **params: str) -> dict[str, bytes]:
    """The index and the fifteen files, by path, as the client receives them; `params` go to
    the entries' files (organizations take only `lang` of them)."""
    paths = ["/export"] + [f"/export/{d}.{f}" for d in DATASETS for f in FORMATS]
    files = {}
    for path in paths:
        entries = path != "/export" and "organizations" not in path
        given = params if entries else {k: v for k, v in params.items() if k == "lang"}
        response = await client.get(path, params=given)
        assert response.status_code == 200, response.text
        files[path] = readable(path, response.content)
    return files


def found(files: dict[str, bytes], text: str) -> list[str]:
    return [path for path, content in files.items() if text.encode() in content]


async def test_protected_contacts_never_appear_in_any_file(
    app_client: httpx.AsyncClient, published: Published
) -> None:
    # Every verification state but REJECTED: a protected contact is protected in all of them.
    wide = "PENDING,IN_REVIEW,VERIFIED,NEEDS_CHANGES,EXPIRED"
    for params in ({}, {"lang": "zh"}, {"verification": wide, "status": "OPEN,CLOSED"}):
        files = await all_files(app_client, **params)
        assert len(files) == 1 + len(FORMATS) * len(DATASETS)
        for secret in PROTECTED:
            assert found(files, secret) == [], secret
        # Nor their masked forms: exports hold public contacts, not redacted ones.
        assert found(files, "138****1234") == []
        assert found(files, "王**") == []
        for token in published.edit_tokens:
            assert found(files, token) == []
    files = await all_files(app_client)
    for public in PUBLIC:
        assert found(files, public), public


async def test_rejected_merged_and_closed_entries_stay_out(
    app_client: httpx.AsyncClient, db: Database, published: Published
) -> None:
    async with db.transaction() as conn:
        # A merged duplicate (REJECTED by the merge), made VERIFIED again to prove the merge
        # alone keeps it out.
        await duplicates.merge_into(conn, published.offer, published.need)
        await conn.execute(
            "UPDATE entry SET verification_status = 'VERIFIED' WHERE id = $1", published.offer
        )
        await conn.execute(
            "UPDATE entry SET verification_status = 'REJECTED', rejection_reason = 'SPAM' "
            "WHERE id = $1",
            published.logistics,
        )
        await conn.execute(
            "UPDATE entry SET status = 'CLOSED', close_reason = '已由政府统一调配' WHERE id = $1",
            published.lodging,
        )
    assert str(published.need).encode() in (await app_client.get("/export/needs.csv")).content

    every = {"verification": "PENDING,IN_REVIEW,VERIFIED,NEEDS_CHANGES,EXPIRED"}
    any_status = {**every, "status": "OPEN,PARTIALLY_FULFILLED,FULFILLED,CLOSED"}
    for params in (every, any_status):
        for dataset, entry_id in (("offers", published.offer), ("logistics", published.logistics)):
            for file_format in FORMATS:
                path = f"/export/{dataset}.{file_format}"
                response = await app_client.get(path, params=params)
                assert response.status_code == 200
                assert str(entry_id).encode() not in readable(path, response.content)
    assert b"SPAM" not in (await app_client.get("/export/logistics.json", params=every)).content

    # Closed: out by default, in when the status filter asks for it.
    default = await app_client.get("/export/lodging.csv")
    assert str(published.lodging).encode() not in default.content
    closed = await app_client.get("/export/lodging.json", params={"status": "CLOSED"})
    assert [e["id"] for e in closed.json()["data"]] == [str(published.lodging)]
    assert closed.json()["data"][0]["status"] == "CLOSED"
