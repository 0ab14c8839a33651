"""Benchmark of the public API on a synthetic registry (`make bench`)."""
