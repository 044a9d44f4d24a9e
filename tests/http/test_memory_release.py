"""Memory goes back to the system after a batch of connections closes, once, a moment later."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import weakref

import pytest

from hub.http import memory_release
from hub.http.memory_release import MemoryRelease


async def test_a_batch_of_closes_trims_once_after_the_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(memory_release, "QUIET_SECONDS", 0.01)
    calls: list[int] = []
    trimmed = asyncio.Event()

    def trim(pad: int) -> int:
        calls.append(pad)
        trimmed.set()
        return 1

    release = MemoryRelease(trim, batch=3)
    release.connection_closed()
    release.connection_closed()
    assert release._pending is None  # below the batch: nothing scheduled
    for _ in range(5):
        release.connection_closed()
    await asyncio.wait_for(trimmed.wait(), 5)
    assert calls == [0]
    assert release.trims == 1


async def test_no_allocator_to_trim_means_nothing_is_scheduled() -> None:
    release = MemoryRelease(trim=None, batch=1)
    release._trim = None
    release.connection_closed()
    assert release._pending is None


def test_the_trim_collects_cycles_first() -> None:
    class Node:
        other: object

    def trim(pad: int) -> int:
        return 1

    first, second = Node(), Node()
    first.other, second.other = second, first
    alive = weakref.ref(first)
    gc.disable()
    try:
        del first, second
        # Only the cyclic collector frees a cycle.
        assert alive() is not None
        MemoryRelease(trim).trim_now()
        assert alive() is None
    finally:
        gc.enable()


def test_hub_serve_runs_on_the_system_allocator() -> None:
    # `hub serve` replaces itself with a process on glibc's allocator; an explicit choice wins.
    probe = (
        "import os, sys; from hub.http.memory_release import use_system_allocator; "
        "print(os.environ.get('PYTHONMALLOC'), flush=True); "
        "sys.argv = ['hub', '--version'] if 'PYTHONMALLOC' in os.environ else sys.argv; "
        "use_system_allocator(['--help'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONMALLOC"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    lines = out.stdout.splitlines()
    # First run: no PYTHONMALLOC; then `python -m hub.cli --help` under PYTHONMALLOC=malloc.
    assert lines[0] == "None"
    assert "usage" in out.stdout.lower()
    chosen = subprocess.run(
        [sys.executable, "-c", probe],
        env={**env, "PYTHONMALLOC": "pymalloc"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert chosen.stdout.splitlines() == ["pymalloc"]


def test_the_started_app_is_frozen_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests start many apps in one process: freezing each would keep the earlier ones'
    # cycles for ever.
    frozen: list[int] = []
    monkeypatch.setattr(memory_release, "_frozen", False)
    monkeypatch.setattr(memory_release.gc, "freeze", lambda: frozen.append(1))
    memory_release.freeze_startup_objects()
    memory_release.freeze_startup_objects()
    assert frozen == [1]
