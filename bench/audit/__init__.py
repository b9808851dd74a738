"""Audit append benchmarks (issue 13): durable appends a second, across processes."""
