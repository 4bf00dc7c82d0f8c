"""Warm query latency, measured one way for every bench."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def latency_ms(search: Callable[[str], Any], queries: Sequence[str]) -> tuple[float, float]:
    """(p50, p95) in milliseconds of search(q) over the queries, after one warm-up call."""
    search(queries[0])
    times = []
    for q in queries:
        started = time.perf_counter()
        search(q)
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000
