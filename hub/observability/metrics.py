"""The hub's Prometheus metrics, declared once (prometheus-client's default registry).

Counters and histograms are incremented where things happen; the per-process gauges are set by
`hub.observability.sampler`; the database's backlogs (outbox, indexer, webhooks) are read when
/metrics is scraped (hub.http.metrics_endpoint). Under `hub serve --workers N` prometheus-client
runs in its multiprocess mode (hub.observability.multiprocess), so every label set here must be
from a bounded set: never a path, a user's name for something, an address or an id.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Web requests are mostly milliseconds; exports and imports take seconds.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter(
    "hub_http_requests",
    "HTTP requests answered, by operation (GraphQL operation or route template) and status class.",
    ["operation", "status"],
)
HTTP_LATENCY = Histogram(
    "hub_http_request_duration_seconds",
    "Time from a request's arrival to its response's last byte, by operation.",
    ["operation"],
    buckets=LATENCY_BUCKETS,
)
CACHE_HITS = Counter(
    "hub_read_cache_hits",
    "Responses served from the read cache (graphql: anonymous /graphql reads; page: pages).",
    ["cache"],
)
CACHE_MISSES = Counter(
    "hub_read_cache_misses",
    "Cacheable requests the read cache did not hold and that were executed.",
    ["cache"],
)
RATE_LIMIT_REFUSALS = Counter(
    "hub_rate_limit_refusals",
    "Attempts refused by a rate limit, by limit name (hub/limits/table.py) and scope.",
    ["limit", "scope"],
)
WEBHOOK_ATTEMPTS = Counter(
    "hub_webhook_attempts",
    "Webhook delivery attempts, by outcome (SUCCEEDED, RETRYING, FAILED: given up on).",
    ["outcome"],
)
# Gauges: each process sets its own; a scrape sums the processes alive (livesum).
DB_POOL_CONNECTIONS = Gauge(
    "hub_db_pool_connections",
    "Connections the processes' database pools hold, by state (busy or idle).",
    ["state"],
    multiprocess_mode="livesum",
)
DB_POOL_MAX = Gauge(
    "hub_db_pool_max_connections",
    "Connections the processes' database pools may hold at most.",
    multiprocess_mode="livesum",
)
LIVE_SUBSCRIBERS = Gauge(
    "hub_live_subscribers",
    "Live subscriptions (entryEvents and the pages' live lists) open in the processes.",
    multiprocess_mode="livesum",
)
LIVE_CONNECTIONS = Gauge(
    "hub_live_connections",
    "WebSocket connections open in the processes.",
    multiprocess_mode="livesum",
)
