"""Benchmarks: run with `python -m bench.<name>`; they print figures, never assert speed."""
