"""What each stage of the bulk path costs, in CPU microseconds an alert (issue 15, aim 5).

    python -m bench.ingest_stages [--alerts 50000] [--persons-share 0.01824]

Runs the stages of ``AlertService.bulk_issue`` one after the other over the same demo
alerts, in batches as the bulk path makes them, each stage over a whole batch at a
time, and prints each one's CPU time (``time.process_time``: this process alone, less
sensitive to a shared machine than the wall clock) beside the load average: the
validation, the body's encoding (JSON and deflate), its sealing, the blind-index
tokens, the new ids, the records and change events, the rows the store makes of them,
their insertion in one transaction per batch, and the audit of each batch. The stages
in ``bulk_records.RecordMaker.make_rows`` (all but the last two) are what the worker
processes spread over the cores; the insertion and the audit are the one writer's.
A second run on persons only follows, unless ``--persons-share`` is 1.
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.ingest import KEYRING, SIS_PERSONS_SHARE, bench_settings, ctx_for, sqlite_store
from limes.audit.record import AlertRef
from limes.bootstrap import build
from limes.crypto.bodies import encode_body
from limes.crypto.fields import seal_under
from limes.demo.generator import generate
from limes.domain.events import EventType
from limes.domain.ids import new_id
from limes.domain.match_keys import content_keys
from limes.domain.sealed_fields import SealedField
from limes.domain.validation import validate_content
from limes.policy.permissions import Permission
from limes.service.alert_views import event
from limes.service.audited import recorded_change
from limes.service.bulk_records import NEW_VERSION

BATCH = 20_000


class Stopwatch:
    """CPU seconds spent by stage, summed over the batches."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.process_time()
        try:
            yield
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.process_time() - started


def _batch(watch: Stopwatch, app: Any, state: str, contents: list[Any]) -> None:
    """One batch through each stage of the bulk path in turn, each timed apart, with the
    cyclic garbage collector off as in the bulk path's workers: a collection over the
    whole heap lands in whichever stage happens to allocate past its threshold (one run
    put 6 us an alert into "tokens", the next into "audit")."""
    gc.collect()
    gc.disable()
    try:
        _stages(watch, app, state, contents)
    finally:
        gc.enable()


def _stages(watch: Stopwatch, app: Any, state: str, contents: list[Any]) -> None:
    ctx, maker, now = ctx_for(state), app.alerts.record_maker(state), app.alerts.clock()
    with watch.stage("validate"):
        valid = [validate_content(c, now.date()) for c in contents]
    with watch.stage("encode body"):
        bodies = [encode_body(v) for v in valid]
    with watch.stage("new ids"):
        ids = [new_id() for _ in valid]
    with watch.stage("seal"):
        sealed = [
            seal_under(maker.key, i, SealedField.BODY, b) for i, b in zip(ids, bodies, strict=True)
        ]
    with watch.stage("tokens"):
        tokens = [maker.index.tokens(content_keys(v)) for v in valid]
    with watch.stage("records, events"):
        made = [
            maker.record((i, v.category.value, v.object and v.object.type.value, b, t), now)
            for i, v, b, t in zip(ids, valid, sealed, tokens, strict=True)
        ]
        events = [event(EventType.ALERT_ISSUED, r, now) for r in made]
    with watch.stage("store rows"):
        rows = app.store.bulk_rows_maker()(made, events)
    written = tuple(AlertRef(i, NEW_VERSION, state) for i in ids)
    with watch.stage("audit"):
        with recorded_change(app.alerts.audit, ctx, Permission.ALERT_ISSUE, written):
            with watch.stage("insert"):
                app.store.insert_bulk_rows(rows)


def stages(alerts: int, persons_share: float, seed: int) -> tuple[int, dict[str, float]]:
    """(alerts loaded, CPU seconds by stage) for ``alerts`` demo alerts."""
    persons = round(alerts * persons_share)
    by_state: dict[str, list[Any]] = defaultdict(list)
    for state, content in generate(persons, alerts - persons, seed):
        by_state[state].append(content)
    watch = Stopwatch()
    with tempfile.TemporaryDirectory(prefix="limes-stages-") as tmp:
        store = sqlite_store(Path(tmp))
        app = build(bench_settings(Path(tmp)), store=store, keyring=KEYRING)
        for state, everything in by_state.items():
            for start in range(0, len(everything), BATCH):
                _batch(watch, app, state, everything[start : start + BATCH])
        app.close()
    watch.spent["audit"] -= watch.spent["insert"]  # the audit around the insert, alone
    return alerts, watch.spent


def report(label: str, alerts: int, spent: dict[str, float]) -> None:
    print(f"{label}: {alerts:,} alerts; load average {os.getloadavg()[0]:.1f}", flush=True)
    for name, seconds in spent.items():
        print(f"  {name:18s} {seconds / alerts * 1e6:7.1f} us CPU an alert")
    total = sum(spent.values())
    print(f"  {'in all':18s} {total / alerts * 1e6:7.1f} us CPU an alert", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=50_000)
    parser.add_argument("--persons-share", type=float, default=SIS_PERSONS_SHARE)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    share = args.persons_share
    report(f"bulk path, persons {share:.3%}", *stages(args.alerts, share, args.seed))
    if share < 1:
        report("bulk path, persons only", *stages(args.alerts // 5, 1.0, args.seed))


if __name__ == "__main__":
    main()
