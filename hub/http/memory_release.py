"""Handing memory back to the system after many connections close.

An idle WebSocket costs a few tens of KB in some hundred objects, many of them in reference
cycles (tasks, frames, handlers) that only the cyclic garbage collector frees, and its full
collections are rare. When thousands of sockets close (a load balancer's restart, a news page
closed by its readers), their memory would wait for one, and then glibc would keep what was
freed for reuse: the process's RSS would stay at its peak. So once a batch of connections has
closed, a moment after the last of them, a full collection runs and `malloc_trim` returns what
is free.

A full collection walks every object the process tracks; the app's own (the schema, the
taxonomy, the libraries: most of them) are frozen once it has started, so that collections,
this one and the interpreter's own, walk only what came after.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import os
import sys
from collections.abc import Callable

log = logging.getLogger(__name__)
# Closed connections that make a trim worth its few milliseconds.
BATCH = 100
# Closes come in bursts: wait for this long after one before trimming.
QUIET_SECONDS = 1.0


def _load_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None (musl, macOS: nothing to do there)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


class MemoryRelease:
    """Counts closed connections and trims the heap after a batch of them."""

    def __init__(self, trim: Callable[[int], int] | None = None, batch: int = BATCH) -> None:
        self._trim = trim if trim is not None else _load_trim()
        self._batch = batch
        self._closed = 0
        self._pending: asyncio.TimerHandle | None = None
        self.trims = 0

    def connection_closed(self) -> None:
        """Note one closed connection (called from the event loop)."""
        if self._trim is None:
            return
        self._closed += 1
        if self._closed < self._batch:
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.get_running_loop().call_later(QUIET_SECONDS, self.trim_now)

    def trim_now(self) -> None:
        """Free the closed connections' cycles, and return free heap memory to the system."""
        self._pending = None
        self._closed = 0
        gc.collect()
        if self._trim is not None:
            self._trim(0)
            self.trims += 1


_frozen = False


def freeze_startup_objects() -> None:
    """Keep what exists now (the started app) out of every later garbage collection.

    Once per process: a process that starts several apps (the tests) would otherwise freeze the
    earlier ones' objects, which cycles then could never free.
    """
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()


RELEASE = MemoryRelease()


def use_system_allocator(argv: list[str]) -> None:
    """Start this `hub serve` again on glibc's allocator, unless PYTHONMALLOC says otherwise.

    Python's own allocator keeps small objects in 1 MiB arenas and returns an arena only when
    every object in it is free: after 10,000 sockets close, a few survivors per arena keep
    nearly all of their memory (measured: 18% given back). glibc's returns every free page on
    `malloc_trim` (measured: 90%), for a few percent more memory per object. The process image
    is replaced before anything starts, so its pid, signals and sockets are unchanged.
    """
    if "PYTHONMALLOC" in os.environ:
        return
    os.environ["PYTHONMALLOC"] = "malloc"
    os.execv(sys.executable, [sys.executable, "-m", "hub.cli", *argv])  # noqa: S606 - ourselves
