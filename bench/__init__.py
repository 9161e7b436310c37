"""Benchmarks: `make bench` (or `chirvir bench`). See docs/performance.md."""
