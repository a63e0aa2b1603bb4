"""Benchmarks and measurements: `python -m bench` (performance, docs/performance.md), `python -m bench.corpus_quality`."""
