"""Benchmarks. Each one creates its own database on the embedded server and drops it after."""
