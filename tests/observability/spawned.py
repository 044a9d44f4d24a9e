"""What a spawned process of tests/observability/test_metrics_processes.py runs: this module
imports nothing of the hub at load time, so that a child starts in a fraction of a second."""

from __future__ import annotations


def serve_some(count: int, subscribers: int) -> None:
    """Count `count` requests and hold `subscribers` subscribers, as one server process would."""
    from hub.observability.metrics import HTTP_REQUESTS, LIVE_SUBSCRIBERS

    for _ in range(count):
        HTTP_REQUESTS.labels("GET /healthz", "2xx").inc()
    LIVE_SUBSCRIBERS.set(subscribers)
