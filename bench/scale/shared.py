"""The index process of ``limes serve --workers N`` measured (issue 15, aims 2 and 4).

Starts the index process as ``limes serve`` does (``IndexProcess`` with
``bootstrap.run_search_index``: it loads the snapshot), then two cold worker processes
that search through it (``bench/scale/startup.py`` in mode ``remote``) side by side, and
prints

* the PSS of the index process and of the two workers, summed (every process alive, so
  shared pages count once), against the PSS of one process holding the index alone;
* the index memory over all of them: each process's PSS less that of a process with the
  same imports and no index (a worker's PSS before its search started), against the
  index memory of one process;
* the per-search latency the hop adds: the same person and object searches through a
  ``RemoteEngine`` from this process against the engine in process (p50, p99).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.scale.startup import pss_kib
from bench.search.measure import latency_figures, line, load_average, timed_calls
from limes.bootstrap import Limes, run_search_index
from limes.config import Settings
from limes.search.identifiers import CheckedQuery
from limes.search.index_client import RemoteEngine
from limes.search.index_server import IndexProcess
from limes.search.query import PersonQuery

Startup = Callable[[Path, str, int, Path | None], list[dict[str, Any]]]


def measure_shared(
    app: Limes,
    settings: Settings,
    startup: Startup,
    alone: dict[str, Any],
    searches: tuple[Sequence[PersonQuery], Sequence[CheckedQuery]],
) -> dict[str, Any]:
    """``alone``: the figures of one process that loaded the snapshot (``startup.py``)."""
    size = f"[{app.store.last_event():,} events]"
    people, checked = searches
    index = IndexProcess(run_search_index, settings)
    index.start()
    try:
        assert index.pid is not None
        remote = RemoteEngine(app.store, app.crypto, index.socket_path)
        workers = startup(settings.var_dir, "remote", 2, index.socket_path)
        index_pss = pss_kib(str(index.pid))  # measured while both workers are alive
        person_s, _ = timed_calls([lambda q=q: remote.persons_matching(q, 10) for q in people], 20)
        object_s, _ = timed_calls([lambda q=q: remote.identifiers_matching(q) for q in checked], 20)
        remote.stop()
    finally:
        index.stop()
    baseline = min(w["pss_kib"] - w["index_kib"] for w in workers)  # imports, no index
    summed = index_pss + sum(w["pss_now_kib"] for w in workers)
    index_memory = (index_pss - baseline) + sum(max(0, w["index_kib"]) for w in workers)
    person, found = latency_figures(person_s), latency_figures(object_s)
    line(
        f"{size} one index process + two workers: {summed / 1024:.0f} MiB PSS summed "
        f"(index process {index_pss / 1024:.0f}, workers "
        f"{', '.join(str(round(w['pss_now_kib'] / 1024)) for w in workers)}), one process "
        f"alone {alone['pss_kib'] / 1024:.0f} MiB: {summed / alone['pss_kib']:.2f}x; index "
        f"memory {index_memory / 1024:.0f} MiB over the three against "
        f"{alone['index_kib'] / 1024:.0f} MiB in one: {index_memory / alone['index_kib']:.2f}x "
        f"(a process without index: {baseline / 1024:.0f} MiB); load average "
        f"{load_average()[0]:.1f}"
    )
    line(
        f"{size} through the index process: person search p50 {person['p50_ms']:.2f} ms "
        f"p99 {person['p99_ms']:.2f} ms; object search p50 {found['p50_ms']:.3f} ms "
        f"p99 {found['p99_ms']:.3f} ms; workers' start-up to the first answered search "
        f"{max(w['seconds'] for w in workers):.1f} s"
    )
    return {
        "shared_pss_kib": summed,
        "shared_index_kib": index_memory,
        "remote_person_p50_ms": person["p50_ms"],
        "remote_person_p99_ms": person["p99_ms"],
        "remote_object_p50_ms": found["p50_ms"],
        "remote_object_p99_ms": found["p99_ms"],
    }
