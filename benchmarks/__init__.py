"""Benchmarks: build speed, memory, incremental rebuilds and query latency on a
synthetic corpus generated from the seeds. Run by hand, not by the test suite:

    python -m benchmarks.run --docs 1000
"""
