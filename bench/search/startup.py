"""Part 2: building the search indexes from the store, and how soon a change is findable.

``SearchEngine(store, crypto).build()`` reads every active alert, opens its sealed
content and files it: what each ``limes serve`` worker does before it accepts requests.
Freshness: with ``engine.follow(interval=0.2)`` running, alerts are issued one at a time
through ``AlertService.issue`` and the time from its return (committed) until a search
finds the alert is measured, then the same for deleting them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.search.inprocess import ABSENT_SEED_OFFSET
from bench.search.measure import latency_figures, line, load_average
from bench.search.service import service_latency
from bench.search.store import Loaded
from limes.bootstrap import Limes, build
from limes.config import Settings
from limes.demo.generator import DemoGenerator
from limes.domain.alerts import AlertContent
from limes.search.engine import SearchEngine
from limes.search.identifiers import IdentifierQuery, check_query, object_identifiers
from limes.search.query import PersonQuery
from limes.service.demo import sirene_operator

EXTRAPOLATE_TO = (11_700_000, 93_000_000)
GIVE_UP_SECONDS = 10.0
POLL_SECONDS = 0.002
SERVICE_CALLS = 300


def _finder(engine: SearchEngine, content: AlertContent) -> Callable[[], set[str]] | None:
    """A search that finds this alert once it is indexed (None: nothing to search it by)."""
    person = content.person
    if person is not None and person.surnames:
        query = PersonQuery(
            surnames=tuple(n.latin for n in person.surnames),
            forenames=tuple(n.latin for n in person.forenames),
            date_of_birth=person.date_of_birth,
        )
        return lambda: {f.alert_id for f, _ in engine.persons_matching(query, 10)}
    found = object_identifiers(content)
    if not found:
        return None
    checked = check_query(IdentifierQuery(None, found[0][1]))
    return lambda: {f.alert_id for f, _ in engine.identifiers_matching(checked)}


def _wait(search: Callable[[], set[str]], alert_id: str, present: bool) -> float | None:
    """Seconds until ``alert_id`` is (or is no longer) found; None after GIVE_UP_SECONDS."""
    started = time.perf_counter()
    while time.perf_counter() - started < GIVE_UP_SECONDS:
        if (alert_id in search()) is present:
            return time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    return None


def freshness(app: Limes, engine: SearchEngine, count: int, seed: int) -> dict[str, Any]:
    """Issue ``count`` new alerts (half on persons) one by one, then delete them."""
    generator = DemoGenerator(seed + ABSENT_SEED_OFFSET)
    issued: list[tuple[str, int, str, Callable[[], set[str]]]] = []
    appear: list[float] = []
    issue_calls: list[float] = []
    missed = 0
    for state, content in generator.alerts(count // 2, count - count // 2):
        search = _finder(engine, content)
        if search is None:
            continue
        ctx = sirene_operator("bench-freshness", state, "the search benchmark")
        started = time.perf_counter()
        view = app.alerts.issue(ctx, content)
        issue_calls.append(time.perf_counter() - started)
        seconds = _wait(search, view.alert.id, present=True)
        if seconds is None:
            missed += 1
        else:
            appear.append(seconds)
        issued.append((state, view.alert.version, view.alert.id, search))
    vanish: list[float] = []
    for state, version, alert_id, search in issued:
        app.alerts.delete(sirene_operator("bench-freshness", state, "the search benchmark"),
                          alert_id, version)  # fmt: skip
        seconds = _wait(search, alert_id, present=False)
        if seconds is None:
            missed += 1
        else:
            vanish.append(seconds)
    return {
        "interval_s": 0.2,
        "issue_call": latency_figures(issue_calls),
        "issued_until_findable": latency_figures(appear),
        "deleted_until_gone": latency_figures(vanish),
        f"not_within_{GIVE_UP_SECONDS:.0f}_s": missed,
    }


def run(loaded: Loaded, fresh: int, seed: int) -> dict[str, Any]:
    """Part 2 over the var folder ``loaded`` (the freshness alerts are deleted again)."""
    alerts = loaded.persons + loaded.objects
    load = load_average()
    line(
        f"part 2: start-up from the store, {alerts:,} alerts "
        f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    app = build(Settings(var_dir=loaded.var))
    try:
        engine = SearchEngine(app.store, app.crypto)
        built = engine.build()
        rate = built.alerts / built.seconds
        line(
            f"  SearchEngine.build: {built.alerts:,} alerts ({built.persons:,} persons, "
            f"{built.identifiers:,} identifiers) in {built.seconds:.1f} s "
            f"= {rate:,.0f} alerts/s"
        )
        projected = {str(n): round(n / rate) for n in EXTRAPOLATE_TO}
        for n, seconds in projected.items():
            line(
                f"  start-up for {int(n) / 1e6:.1f} M alerts, extrapolated (linear): "
                f"{seconds:,} s ({seconds / 60:.0f} min)"
            )
        service = service_latency(app, engine, loaded.persons, seed, SERVICE_CALLS)
        for name, f in service.items():
            line(
                f"  SearchService.{name} in process (policy, audit record, hits read and "
                f"opened): n={f['n']}  p50 {f['p50_ms']:.2f} ms  p99 {f['p99_ms']:.2f} ms  "
                f"max {f['max_ms']:.2f} ms"
            )
        engine.follow(interval=0.2)
        try:
            fresh_figures = freshness(app, engine, fresh, seed)
        finally:
            engine.stop()
    finally:
        app.close()
    for name in ("issued_until_findable", "deleted_until_gone"):
        f = fresh_figures[name]
        line(
            f"  {name.replace('_', ' ')} (follow interval 0.2 s): n={f['n']}  p50 "
            f"{f['p50_ms']:.0f} ms  p99 {f['p99_ms']:.0f} ms  max {f['max_ms']:.0f} ms"
        )
    return {
        "alerts": alerts,
        "load_average_at_start": load,
        "load_seconds": round(loaded.seconds, 1),
        "build": {
            "alerts": built.alerts,
            "persons": built.persons,
            "identifiers": built.identifiers,
            "seconds": round(built.seconds, 2),
            "alerts_per_s": round(rate),
        },
        "startup_extrapolated_linear_s": projected,
        "service_call": service,
        "freshness": fresh_figures,
    }
