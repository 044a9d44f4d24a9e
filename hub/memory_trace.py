"""Where a hub process's memory goes: tracemalloc snapshots written on a signal.

Off by default. With `HUB_TRACEMALLOC=N` (frames kept per allocation) a process starts tracing
when its app starts and, on each SIGUSR2, collects garbage and writes two files to
`HUB_TRACEMALLOC_DIR` (the system's temp folder when unset):

- `hub-memory-<pid>-<n>.tracemalloc`: the snapshot (`tracemalloc.Snapshot.load` reads it);
- `hub-memory-<pid>-<n>.json`: the traced total and a census of objects by type, so that
  per-connection objects can be counted without reading the snapshot.

`bench/live_memory.py` diffs them. A signal rather than a route: nothing is reachable over the
network, only whoever may signal the process (its own user, root) can ask for a snapshot.
Tracing costs CPU and memory of its own (RSS grows by its records): measure RSS untraced.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import signal
import tempfile
import tracemalloc
from collections import Counter
from collections.abc import Callable
from itertools import count
from pathlib import Path

log = logging.getLogger(__name__)
SNAPSHOT_SIGNAL = signal.SIGUSR2
# Types listed in the census (the most numerous first).
CENSUS_TYPES = 300
SNAPSHOT_SUFFIX = ".tracemalloc"
CENSUS_SUFFIX = ".json"


def snapshot_stem(folder: Path, pid: int, number: int) -> Path:
    """The path, without suffix, of process `pid`'s `number`-th snapshot (from 1)."""
    return folder / f"hub-memory-{pid}-{number}"


def census() -> dict[str, int]:
    """How many objects the garbage collector tracks, by module-qualified type name."""
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        kind = type(obj)
        counts[f"{kind.__module__}.{kind.__qualname__}"] += 1
    return dict(counts.most_common(CENSUS_TYPES))


def write_snapshot(folder: Path, number: int) -> Path:
    """Collect garbage, then write snapshot `number` of this process; returns its stem.

    Each file is written under another name and renamed, so that a reader waiting for it
    never sees half of it.
    """
    gc.collect()
    snapshot = tracemalloc.take_snapshot()
    current, peak = tracemalloc.get_traced_memory()
    stem = snapshot_stem(folder, os.getpid(), number)
    partial = stem.with_suffix(".partial")
    snapshot.dump(str(partial))
    os.replace(partial, stem.with_suffix(SNAPSHOT_SUFFIX))
    summary = {"traced": current, "tracedPeak": peak, "census": census()}
    partial.write_text(json.dumps(summary))
    os.replace(partial, stem.with_suffix(CENSUS_SUFFIX))
    return stem


def start_tracing(frames: int, folder: str | None) -> Callable[[], None]:
    """Trace allocations with `frames` frames each and write a snapshot on every SIGUSR2.

    Call from the running event loop. Returns what stops it again (the signal handler and, if
    this call started it, the tracing).
    """
    target = Path(folder) if folder else Path(tempfile.gettempdir())
    target.mkdir(parents=True, exist_ok=True)
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start(frames)
    numbers = count(1)
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        # Blocks the loop while it writes: this is a measuring tool, not a production path.
        stem = write_snapshot(target, next(numbers))
        log.info("memory snapshot written to %s", stem)

    loop.add_signal_handler(SNAPSHOT_SIGNAL, on_signal)
    log.warning(
        "tracing memory allocations (%d frames): SIGUSR2 writes snapshots to %s", frames, target
    )

    def stop() -> None:
        loop.remove_signal_handler(SNAPSHOT_SIGNAL)
        if started:
            tracemalloc.stop()

    return stop
