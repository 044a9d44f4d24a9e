"""argon2 runs on a few threads of its own: a burst of sign-ins cannot take more."""

from __future__ import annotations

import asyncio
import threading

import pytest
from graphql import GraphQLError

from hub.graphql.throttle import Throttled
from hub.services.passwords import HashingBusy, HashingPool, verify_password


async def test_at_most_concurrency_hashes_run_at_once_and_the_rest_wait_or_give_up() -> None:
    pool = HashingPool(concurrency=2, wait_seconds=0.2)
    running = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()
    two_started = threading.Event()

    def work() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            if running == 2:
                two_started.set()
        release.wait(10)
        with lock:
            running -= 1

    try:
        calls = [asyncio.create_task(pool.run(work)) for _ in range(5)]
        assert await asyncio.to_thread(two_started.wait, 10)
        # The three beyond the two slots wait their 0.2 s, then give up.
        late = await asyncio.gather(*calls[2:], return_exceptions=True)
        assert all(isinstance(result, HashingBusy) for result in late)
        release.set()
        await asyncio.gather(*calls[:2])
        assert most == 2
    finally:
        release.set()
        pool.close()


async def test_the_pool_verifies_as_argon2_does() -> None:
    pool = HashingPool(concurrency=1, wait_seconds=5)
    try:
        stored = await pool.hash("correct horse battery")
        assert await pool.verify(stored, "correct horse battery")
        assert not await pool.verify(stored, "wrong horse battery")
        assert not await pool.verify(None, "anything at all")
        assert verify_password(stored, "correct horse battery")
    finally:
        pool.close()


async def test_a_busy_pool_is_reported_as_rate_limited() -> None:
    class Info:
        field_name = "signIn"

        class context:
            limiter = None
            retry_after = None

    async def resolver(*args: object, **kwargs: object) -> None:
        raise HashingBusy

    with pytest.raises(GraphQLError) as refused:
        await Throttled().resolve_async(resolver, None, Info())  # type: ignore[arg-type]
    assert refused.value.extensions == {"code": "RATE_LIMITED", "retryAfter": 1}
