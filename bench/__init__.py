"""Benchmarks: each module prints its figures. Never part of `make test`."""
