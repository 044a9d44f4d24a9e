"""A limit is one limit for every process on the same Redis (`hub serve --workers N`)."""

from __future__ import annotations

from dataclasses import replace

from hub.settings import Settings
from tests.helpers import SUBMIT_NEED, need_input
from tests.limits.conftest import client_at, refusal, running
from tests.live.conftest import RedisServer


async def test_two_instances_on_one_redis_share_a_limit(
    settings: Settings, redis_server: RedisServer
) -> None:
    shared = replace(
        settings,
        redis_url=redis_server.url,
        rate_limit_overrides=(("submit_client", "3/hour"),),
    )
    async with (
        running(shared) as first,
        running(shared) as second,
        client_at(first, "198.51.100.90") as via_first,
        client_at(second, "198.51.100.90") as via_second,
        client_at(second, "198.51.100.91") as someone_else,
    ):
        await via_first.data(SUBMIT_NEED, {"input": need_input()})
        await via_second.data(SUBMIT_NEED, {"input": need_input()})
        await via_first.data(SUBMIT_NEED, {"input": need_input()})
        # The fourth, on either instance, is over the shared limit.
        refusal(await via_second.post(SUBMIT_NEED, {"input": need_input()}))
        refusal(await via_first.post(SUBMIT_NEED, {"input": need_input()}))
        served = await someone_else.data(SUBMIT_NEED, {"input": need_input()})
        assert served["submitNeed"]["need"] is not None


async def test_without_redis_the_hub_still_serves(settings: Settings) -> None:
    # A Redis that is down: counted nowhere, served anyway (and said in the log).
    gone = replace(settings, redis_url="redis://127.0.0.1:1/0")
    async with running(gone) as app, client_at(app, "198.51.100.92") as client:
        body = await client.data(SUBMIT_NEED, {"input": need_input()})
        assert body["submitNeed"]["need"] is not None
