"""One scrape sees every process of `hub serve --workers N` (prometheus-client multiprocess).

prometheus-client chooses, when it is first imported, whether values live in this process's
memory or in files under PROMETHEUS_MULTIPROC_DIR that any process can add up. The supervisor
(hub.http.processes) therefore sets that variable before it starts the server processes, which
inherit it; whichever process answers /metrics reads every process's files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

ENV = "PROMETHEUS_MULTIPROC_DIR"
# The files prometheus-client writes there (counter_<pid>.db, gauge_livesum_<pid>.db, ...):
# only those are deleted, whatever else an operator keeps in HUB_METRICS_DIR.
_METRIC_FILES = ("counter_*.db", "gauge_*.db", "histogram_*.db", "summary_*.db")


@contextmanager
def shared_metrics(directory: Path | None) -> Iterator[Path]:
    """While open, processes started from this one keep their metrics in `directory` (or a
    fresh temporary folder, removed on exit). Files left by an earlier run are deleted first:
    they would add a previous run's counts to this one's."""
    made = directory is None
    path = Path(tempfile.mkdtemp(prefix="hub-metrics-")) if directory is None else directory
    path.mkdir(parents=True, exist_ok=True)
    for pattern in _METRIC_FILES:
        for stale in path.glob(pattern):
            stale.unlink()
    previous = os.environ.get(ENV)
    os.environ[ENV] = str(path)
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous
        if made:
            shutil.rmtree(path, ignore_errors=True)


def process_exited(pid: int) -> None:
    """Forget a dead process's gauges (its counters stay: they still count)."""
    directory = os.environ.get(ENV)
    if directory:
        mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]


def scrape_registry() -> CollectorRegistry:
    """What /metrics exposes: every process's metrics in multiprocess mode, else this one's."""
    directory = os.environ.get(ENV)
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, directory)  # type: ignore[no-untyped-call]
    return registry
