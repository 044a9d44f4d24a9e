"""HUB_TRACEMALLOC: off by default; when on, SIGUSR2 writes a snapshot and a census."""

from __future__ import annotations

import asyncio
import json
import os
import tracemalloc
from pathlib import Path

from hub.memory_trace import (
    CENSUS_SUFFIX,
    SNAPSHOT_SIGNAL,
    SNAPSHOT_SUFFIX,
    snapshot_stem,
    start_tracing,
)
from hub.settings import Settings


def test_tracing_is_off_unless_asked_for() -> None:
    assert Settings.from_env({}).tracemalloc_frames == 0
    asked = Settings.from_env({"HUB_TRACEMALLOC": "5", "HUB_TRACEMALLOC_DIR": "/srv/m"})
    assert (asked.tracemalloc_frames, asked.tracemalloc_dir) == (5, "/srv/m")


async def test_the_signal_writes_a_snapshot_and_a_census(tmp_path: Path) -> None:
    stop = start_tracing(2, str(tmp_path))
    stem = snapshot_stem(tmp_path, os.getpid(), 1)
    try:
        os.kill(os.getpid(), SNAPSHOT_SIGNAL)
        async with asyncio.timeout(30):
            # The handler runs on this loop once the signal arrives: ask until its file is there.
            while not stem.with_suffix(CENSUS_SUFFIX).exists():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        stop()
    assert not tracemalloc.is_tracing()
    summary = json.loads(stem.with_suffix(CENSUS_SUFFIX).read_text())
    assert summary["traced"] > 0
    assert summary["census"]["builtins.dict"] > 0
    snapshot = tracemalloc.Snapshot.load(str(stem.with_suffix(SNAPSHOT_SUFFIX)))
    assert snapshot.traceback_limit == 2
    assert len(snapshot.traces) > 0
