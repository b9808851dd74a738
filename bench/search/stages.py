"""Where a person search's CPU goes, stage by stage, on the in-process bench's kept index.

    python -m bench.search.stages FILE [--slowest 60] [--no-freeze]

``FILE`` is what ``python -m bench.search --parts inprocess --index-cache FILE`` kept (the
index and its probes): run it there first. Each timed query's CPU (``time.process_time``)
is split among the stages of ``PersonIndex.find`` by wrapping the functions that do them
(query names, candidates, scoring and its parts, reading hits for their tier, explaining
the answers shown); the mean of each over the slowest queries, and over all, is printed
with the answers' digest (``inprocess.answers_digest``: the same as the bench's).

The collector is frozen after loading (``gc.freeze``) unless ``--no-freeze``: its one
full pass over the index's million objects (some 200 ms) would otherwise land on one
query and be counted in whatever stage it interrupted.
"""

from __future__ import annotations

import argparse
import functools
import gc
import pickle
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.search.inprocess import answers_digest
from limes.search import name_columns, persons, scoring
from limes.search.codes import adopt_codes
from limes.search.name_match import CODE_ROWS
from limes.search.persons import PersonIndex
from limes.search.query import validated

STAGES = ("names", "candidates", "scoring", "tiering", "explaining")


def _wrapped(spent: dict[str, float], owner: Any, name: str, stage: str) -> None:
    """Add the CPU of every call of ``owner.name`` to ``spent[stage]``."""
    original: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[stage] += time.process_time() - started

    setattr(owner, name, timed)


def _instrument(spent: dict[str, float]) -> None:
    for owner, name, stage in (
        (persons, "query_names", "names"),
        (persons, "unborne", "names"),
        (PersonIndex, "_candidates", "candidates"),
        (scoring.Scorer, "contenders", "scoring"),
        (scoring.Scorer, "explain", "explaining"),
        (PersonIndex, "other_name", "tiering"),
        (persons, "forenames_met", "tiering"),
        (persons.Postings, "under", "candidates: postings"),
        (persons, "tallied", "candidates: count"),
        (persons, "difference", "candidates: difference"),
        (persons.np, "argpartition", "candidates: best 200"),
        (name_columns.NameColumns, "gather", "scoring: gather"),
        (scoring.Scorer, "_compare", "scoring: names"),
        (scoring, "other_effects", "scoring: other features"),
    ):
        _wrapped(spent, owner, name, stage)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("cache", type=Path)
    parser.add_argument("--slowest", type=int, default=60)
    parser.add_argument("--no-freeze", action="store_true")
    args = parser.parse_args(argv)
    with args.cache.open("rb") as file:
        kept = pickle.load(file)  # noqa: S301 - a file the bench wrote
    index = PersonIndex.restored(kept["state"])
    adopt_codes(kept["codes"], index.code_arrays(), CODE_ROWS)
    queries = [validated(p.query) for p in kept["person_probes"]]
    warm_up = kept["sizes"]["warm_up"]
    del kept
    if not args.no_freeze:
        gc.collect()
        gc.freeze()
    spent: dict[str, float] = defaultdict(float)
    _instrument(spent)
    for query in queries[:warm_up]:
        index.search(query, limit=10)
    rows: list[tuple[float, dict[str, float]]] = []
    answers = []
    for query in queries[warm_up:]:
        spent.clear()
        started = time.process_time()
        answers.append(index.search(query, limit=10))
        rows.append((time.process_time() - started, dict(spent)))
    load = Path("/proc/loadavg").read_text().split()[:3]
    totals = sorted(total for total, _ in rows)
    print(
        f"{len(rows)} queries, answers digest {answers_digest(answers)}, load {' '.join(load)}; "
        f"CPU p50 {1000 * totals[len(totals) // 2]:.2f} ms, "
        f"p99 {1000 * totals[int(len(totals) * 0.99)]:.2f} ms (instrumented)"
    )
    slowest = sorted(rows, key=lambda row: row[0], reverse=True)[: args.slowest]
    for label, chosen in ((f"the {len(slowest)} slowest", slowest), ("all", rows)):
        mean = sum(total for total, _ in chosen) / len(chosen)
        names = sorted({name for _, row in chosen for name in row}, key=_order)
        split = ", ".join(
            f"{name} {1000 * sum(row.get(name, 0.0) for _, row in chosen) / len(chosen):.2f}"
            for name in names
        )
        print(f"{label}: {1000 * mean:.2f} ms mean CPU: {split} (ms)")


def _order(name: str) -> tuple[int, str]:
    return STAGES.index(name.split(":")[0]), name


if __name__ == "__main__":
    main()
