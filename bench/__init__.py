"""Benchmarks and measurements: run `python -m bench.corpus_quality`."""
