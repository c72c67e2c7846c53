"""Benchmarks: Rempart against its anchor (python-threatexchange) on the same generated files,
same run."""
