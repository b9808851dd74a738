"""Timing, percentiles, resident memory and load average: what every part reports."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of the values; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def latency_figures(seconds: Sequence[float]) -> dict[str, Any]:
    """p50, p99 and max in milliseconds, with the number of samples."""
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 4),
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 4),
        "max_ms": round(max(seconds, default=0.0) * 1000, 4),
    }


def timed_calls(calls: Sequence[Callable[[], _T]], warm_up: int) -> tuple[list[float], list[_T]]:
    """Run the first ``warm_up`` calls untimed, then time each remaining one alone."""
    for call in calls[:warm_up]:
        call()
    seconds, results = [], []
    clock = time.perf_counter
    for call in calls[warm_up:]:
        start = clock()
        result = call()
        seconds.append(clock() - start)
        results.append(result)
    return seconds, results


def cpu_timed_calls(
    calls: Sequence[Callable[[], _T]], warm_up: int
) -> tuple[list[float], list[float], list[_T]]:
    """``timed_calls`` with each call's CPU time (``time.process_time``) beside its wall
    time: on a shared machine the wall time follows the load, the CPU time much less."""
    for call in calls[:warm_up]:
        call()
    wall, cpu, results = [], [], []
    clock, cpu_clock = time.perf_counter, time.process_time
    for call in calls[warm_up:]:
        start, cpu_start = clock(), cpu_clock()
        result = call()
        cpu.append(cpu_clock() - cpu_start)
        wall.append(clock() - start)
        results.append(result)
    return wall, cpu, results


def rss_mib() -> float:
    """Resident set size of this process (VmRSS of /proc/self/status) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages: the machine is shared with other engineers."""
    return os.getloadavg()


def line(text: str) -> None:
    """Print one figure line at once: the full run writes to a log that is read while it runs."""
    print(text, flush=True)
