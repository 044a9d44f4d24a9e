"""The outbox's backlog (hub.store.backlog) as Prometheus metric families, read per scrape."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from hub.store.backlog import Backlog


class _Figures:
    """A collector for one scrape's figures (None: the database did not answer)."""

    def __init__(self, backlog: Backlog | None) -> None:
        self.backlog = backlog

    def collect(self) -> Iterable[Metric]:
        backlog = self.backlog
        yield GaugeMetricFamily(
            "hub_backlog_up",
            "1 when this scrape could read the outbox's backlog from the database, else 0.",
            value=0 if backlog is None else 1,
        )
        if backlog is None:
            return
        yield GaugeMetricFamily(
            "hub_outbox_head_position",
            "The newest position of the outbox (entry_event.position).",
            value=backlog.head,
        )
        yield GaugeMetricFamily(
            "hub_outbox_unstamped_events",
            "Committed outbox events no relay has numbered yet (should stay near 0).",
            value=backlog.unstamped,
        )
        events = GaugeMetricFamily(
            "hub_search_index_lag_events",
            "Outbox events a search backend's indexer has not indexed yet.",
            labels=["backend"],
        )
        seconds = GaugeMetricFamily(
            "hub_search_index_lag_seconds",
            "Age of the oldest outbox event a search backend has not indexed yet (0: none).",
            labels=["backend"],
        )
        for indexer in backlog.indexers:
            events.add_metric([indexer.name], indexer.events)
            seconds.add_metric([indexer.name], indexer.seconds)
        yield events
        yield seconds
        slowest = backlog.webhooks
        yield GaugeMetricFamily(
            "hub_webhook_lag_events",
            "Outbox events the enabled webhook furthest behind has not handled yet.",
            value=0 if slowest is None else slowest.events,
        )
        yield GaugeMetricFamily(
            "hub_webhook_lag_seconds",
            "Age of the oldest outbox event an enabled webhook has not handled yet (0: none).",
            value=0 if slowest is None else slowest.seconds,
        )
        hooks = GaugeMetricFamily(
            "hub_webhooks",
            "Webhooks by state (failing: enabled, last attempts failed).",
            labels=["state"],
        )
        hooks.add_metric(["enabled"], backlog.webhooks_enabled)
        hooks.add_metric(["failing"], backlog.webhooks_failing)
        hooks.add_metric(["disabled"], backlog.webhooks_disabled)
        yield hooks


def backlog_exposition(backlog: Backlog | None) -> bytes:
    """The figures in Prometheus' text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Figures(backlog))
    return generate_latest(registry)
