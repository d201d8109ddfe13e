"""``python -m bench``: orchestration overhead and throughput against a bare Temporal baseline."""
