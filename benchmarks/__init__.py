"""Benchmarks: measured figures for import and queries, never run as timed unit tests."""
