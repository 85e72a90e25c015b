"""Benchmarks: run with `python -m bench.<name>`; they print figures, never assert speed."""

import resource
import time


def cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and of its children that have ended (a
    rebuild's worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
