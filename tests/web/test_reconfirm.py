"""The poster's private reconfirmation link: shown once at posting, it opens a page that says
the entry is still current, met or withdrawn; the link's secret stays on that page."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx

from tests.conftest import GraphQLClient
from tests.helpers import SUBMIT_NEED, need_input
from tests.live.conftest import free_port
from tests.web.test_pages import _csrf

STATE = """query($id: ID!) { node(id: $id) { ... on Need { status } }
                            entryHistory(entryId: $id) { action } }"""


async def _posted(gql: GraphQLClient) -> tuple[str, str]:
    payload = (await gql.data(SUBMIT_NEED, {"input": need_input()}))["submitNeed"]
    return payload["need"]["id"], payload["reconfirmationToken"]


async def test_the_posting_page_gives_the_link(app_client: httpx.AsyncClient) -> None:
    form = (await app_client.get("/needs/new")).text
    fields = {"csrf": _csrf(form), "organization_name": "武汉市第九医院", "province": "湖北省",
              "item0_name": "医用防护口罩", "item0_category": "face.medical_respirator",
              "contact_phone": "13800005678"}  # fmt: skip
    posted = await app_client.post("/needs/new", data=fields)
    assert posted.status_code == 200, posted.text
    link = re.search(r'href="/reconfirm/([\w-]{20,})"', posted.text)
    assert link is not None, "the poster is given the private link"
    assert f"http://hub.test/reconfirm/{link.group(1)}" in posted.text  # whole, to keep
    page = await app_client.get(f"/reconfirm/{link.group(1)}")
    assert page.status_code == 200
    assert "武汉市第九医院" in page.text


async def test_still_current_then_met_then_withdrawn(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    entry_id, token = await _posted(gql)
    url = f"/reconfirm/{token}"
    page = await app_client.get(url)
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert '<meta name="referrer" content="no-referrer">' in page.text
    assert "武汉市第七医院" in page.text  # the entry, through the API's inbox query
    assert "13800001234" not in page.text
    csrf = _csrf(page.text)

    current = await app_client.post(url, data={"csrf": csrf, "answer": "STILL_CURRENT"})
    assert current.status_code == 200
    assert "recorded as still current" in current.text
    state = await gql.data(STATE, {"id": entry_id})
    assert state["entryHistory"][-1]["action"] == "entry.reconfirmed"

    met = await app_client.post(url, data={"csrf": csrf, "answer": "FULFILLED"})
    assert "marked as met" in met.text
    assert (await gql.data(STATE, {"id": entry_id}))["node"]["status"] == "FULFILLED"

    withdrawn = await app_client.post(url, data={"csrf": csrf, "answer": "WITHDRAWN"})
    assert "Withdrawn" in withdrawn.text
    assert (await gql.data(STATE, {"id": entry_id}))["node"]["status"] == "CLOSED"
    again = await app_client.get(url)
    assert "This entry is closed" in again.text
    assert 'name="answer"' not in again.text  # nothing left to answer


async def test_a_forged_form_changes_nothing(
    gql: GraphQLClient, app_client: httpx.AsyncClient
) -> None:
    entry_id, token = await _posted(gql)
    await app_client.get(f"/reconfirm/{token}")  # the browser has its cookie, not the token
    for fields in ({"csrf": "x" * 43, "answer": "WITHDRAWN"}, {"answer": "WITHDRAWN"}):
        refused = await app_client.post(f"/reconfirm/{token}", data=fields)
        assert refused.status_code == 400
        assert refused.headers["referrer-policy"] == "no-referrer"
    assert (await gql.data(STATE, {"id": entry_id}))["node"]["status"] == "OPEN"
    page = (await app_client.get(f"/reconfirm/{token}")).text
    odd = await app_client.post(f"/reconfirm/{token}", data={"csrf": _csrf(page), "answer": "X"})
    assert odd.status_code == 400
    assert (await gql.data(STATE, {"id": entry_id}))["node"]["status"] == "OPEN"


async def test_an_unknown_link_is_a_friendly_404(app_client: httpx.AsyncClient) -> None:
    for response in (
        await app_client.get("/reconfirm/no-such-link-000000000000"),
        await app_client.get("/reconfirm/x", headers={"accept-language": "zh-CN"}),
    ):
        assert response.status_code == 404
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "30" in response.text  # how long links work
        assert "Traceback" not in response.text
    assert "这个确认链接无效或已过期" in response.text
    page = (await app_client.get("/needs/new")).text  # the browser's CSRF token
    forged = await app_client.post(
        "/reconfirm/no-such-link-000000000000", data={"csrf": _csrf(page), "answer": "FULFILLED"}
    )
    assert forged.status_code == 404


async def test_the_page_in_chinese(gql: GraphQLClient, app_client: httpx.AsyncClient) -> None:
    _, token = await _posted(gql)
    page = await app_client.get(f"/reconfirm/{token}", headers={"accept-language": "zh-CN"})
    assert "这条信息还有效吗？" in page.text
    assert "仍然有效" in page.text and "已经满足" in page.text


def _serve(dsn: str) -> tuple[subprocess.Popen[str], str]:
    """`hub serve` as in production, its log on a pipe; returns once it listens."""
    port = free_port()
    env = {**os.environ, "HUB_DATABASE_URL": dsn, "HUB_IN_PROCESS_JOBS": "false",
           "HUB_HOST": "127.0.0.1", "HUB_PORT": str(port)}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "Uvicorn running on" in line:
            return process, f"http://127.0.0.1:{port}"
    raise AssertionError("hub serve did not start")


async def test_the_served_hub_logs_no_link(fresh_dsn: str) -> None:
    # In a process of its own: pytest attaches its log capture to uvicorn's access logger,
    # which makes uvicorn write access lines that the hub's own server never writes.
    process, base = _serve(fresh_dsn)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            _, token = await _posted(GraphQLClient(http))
            page = await http.get(f"/reconfirm/{token}")
            answered = await http.post(
                f"/reconfirm/{token}", data={"csrf": _csrf(page.text), "answer": "FULFILLED"}
            )
            unknown = await http.get(f"/reconfirm/{token}x")
    finally:
        process.terminate()
        # Everything it wrote, to the end (the few lines fit in the pipe meanwhile).
        log, _ = process.communicate(timeout=30)
    assert (page.status_code, answered.status_code, unknown.status_code) == (200, 200, 404)
    assert "Shutting down" in log  # the log was read (to the end, every process's lines)
    assert token not in log
