"""Prometheus exposition: the snapshot and health collectors, the /metrics view and API request metrics."""
