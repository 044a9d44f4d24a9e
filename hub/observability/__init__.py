"""What the hub tells its operators: Prometheus metrics, JSON logs, request ids, traces."""
