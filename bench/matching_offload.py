"""Where matching's CPU work should run: the event loop's lag while 8 candidates of 50 long
items are parsed and scored inline, in a thread, or in a process pool.

A ticker sleeps 1 ms in a loop on the event loop while the work runs, and the figures are its
ticks and its lag (how late each wake-up was). Inline, the loop does not tick at all; in a
thread, the GIL hands it back every few milliseconds; a process pool leaves it freer still,
at the price of pickling the inputs and keeping caches in another process. In process, no
database; it never passes or fails on a figure.

    .venv/bin/python bench/matching_offload.py
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import pickle
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from hub.domain.enums import VerificationStatus
from hub.domain.matching import Side, match, side_standards
from hub.domain.model import Item
from hub.domain.region import Region
from hub.domain.units import Unit

CANDIDATES = 8


def _items(spec: str, certifications: tuple[str, ...]) -> tuple[Item, ...]:
    return tuple(
        Item("face.medical_respirator", f"口罩 {i}", Decimal(10), Unit("ITEM"), spec=spec,
             certifications=certifications)
        for i in range(50)
    )  # fmt: skip


def _side(items: tuple[Item, ...]) -> Side:
    return Side(
        items=items,
        left={i: Decimal(10) for i in range(len(items))},
        region=Region("湖北省"),
        verification=VerificationStatus.VERIFIED,
        updated_at=datetime.now(UTC),
    )


def work(need: Side, offers: list[Side]) -> int:
    """Parse each offer's standards and match it against the need; how many matched."""
    now = datetime.now(UTC)
    found = 0
    for offer in offers:
        parsed = replace(offer, stated=side_standards(offer.items))
        found += match(need, parsed, now) is not None
    return found


async def _lag(run: Callable[[], Awaitable[object]]) -> str:
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - started - 0.001)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)  # the ticker is running
    started = time.perf_counter()
    await run()
    took = time.perf_counter() - started
    done.set()
    await tick
    lags.sort()
    if not lags:
        return f"took {took:.2f} s, no tick"
    return (
        f"took {took:.2f} s, ticks {len(lags)}, median lag {lags[len(lags) // 2] * 1000:.1f} ms, "
        f"slowest {lags[-1] * 1000:.1f} ms"
    )


async def main() -> None:
    """Print the three figures and the size of the pickled inputs."""
    need = _side(_items("GB 19083", ()))
    # Distinct strings per candidate, as rows read from the database are.
    offers = [
        _side(_items(f"GB 19083 {n} " + "x" * 480, tuple(f"{n} " + "y" * 190 for _ in range(20))))
        for n in range(CANDIDATES)
    ]
    loop = asyncio.get_running_loop()

    async def inline() -> None:
        work(need, offers)

    print("inline ", await _lag(inline))
    print("thread ", await _lag(lambda: asyncio.to_thread(work, need, offers)))
    with concurrent.futures.ProcessPoolExecutor(1) as pool:
        await loop.run_in_executor(pool, work, need, offers[:1])  # started and warm
        print("process", await _lag(lambda: loop.run_in_executor(pool, work, need, offers)))
    started = time.perf_counter()
    size = len(pickle.dumps((need, offers)))
    print(
        f"pickling the inputs: {(time.perf_counter() - started) * 1000:.1f} ms, {size // 1024} KiB"
    )


if __name__ == "__main__":
    asyncio.run(main())
