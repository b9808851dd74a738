"""Speed figures of Limes search: in-process, start-up from the store, HTTP with 2 workers.

    python -m bench.search [--parts inprocess,startup,http,profile] [--no-one-worker]
        [--persons 1700000] [--objects 10000000] [--queries 2000] [--serial]
        [--index-cache FILE] [--slowest K]
        [--store-alerts 100000] [--freshness 100]
        [--http-alerts 100000] [--duration 30] [--concurrency 32]
        [--search-index shared,per-worker]

Prints one line per figure and writes them to build/bench-search/report.json, replacing
the figures of the parts run and keeping those of the others.
Generating the demo data is not part of any figure (its time is printed apart). The
HTTP part measures ``limes serve --workers 2`` in each ``--search-index`` mode and ends
with issue 13's aims table for the faster one (met or not, with the server's CPU per
request), and the 2:1 worker ratio of each; the profile part prints where a request's
CPU goes, stage by stage (``bench/search/profile.py``), over the HTTP part's store.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.search import http, inprocess, profile, startup
from bench.search.measure import line
from bench.search.store import Loaded, prepare

REPORT = Path("build/bench-search/report.json")
PARTS = ("inprocess", "startup", "http", "profile")


class Stores:
    """Loaded var folders by size: parts 2 and 3 share one when their sizes agree."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder, self.seed = folder, seed
        self.made: dict[int, Loaded] = {}

    def get(self, alerts: int) -> Loaded:
        if alerts not in self.made:
            loaded = prepare(self.folder / f"var-{alerts}", alerts, self.seed)
            line(
                f"store: loaded {alerts:,} alerts ({loaded.persons:,} on persons) with "
                f"`limes demo` in {loaded.seconds:.1f} s (not part of the figures)"
            )
            self.made[alerts] = loaded
        return self.made[alerts]


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument("--persons", type=int, default=inprocess.FULL_PERSONS)
    parser.add_argument("--objects", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=2000, help="timed queries per kind")
    parser.add_argument("--warm-up", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--serial", action="store_true", help="build both indexes in this process")
    parser.add_argument(
        "--index-cache", type=Path, default=None,
        help="keep the in-process person index and its probes in this file, and read them "
        "from it when it is there (runs before and after a change search the same index)",
    )  # fmt: skip
    parser.add_argument(
        "--slowest", type=int, default=0, help="print this many slowest person searches"
    )
    parser.add_argument("--store-alerts", type=int, default=100_000)
    parser.add_argument("--freshness", type=int, default=100, help="alerts issued, then deleted")
    parser.add_argument("--http-alerts", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=30, help="seconds per HTTP endpoint")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--no-one-worker", action="store_true", help="skip the 1-worker run (the 2:1 ratio)"
    )
    parser.add_argument(
        "--search-index", default=",".join(http.MODES),
        help="limes serve --search-index modes of the HTTP part, comma-separated",
    )  # fmt: skip
    parser.add_argument("--profile-requests", type=int, default=1000)
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    unknown = set(args.parts.split(",")) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    if not args.search_index or set(args.search_index.split(",")) - set(http.MODES):
        parser.error(f"--search-index takes some of: {', '.join(http.MODES)}")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = arguments(argv)
    parts = args.parts.split(",")
    report: dict[str, Any] = {}
    if "inprocess" in parts:
        sizes = inprocess.Sizes(args.persons, args.objects, args.seed, args.queries, args.warm_up)
        report["inprocess"] = inprocess.run(
            sizes, parallel=not args.serial, cache=args.index_cache, slowest=args.slowest
        )
    if {"startup", "http", "profile"} & set(parts):
        with tempfile.TemporaryDirectory(prefix="limes-bench-search-") as tmp:
            stores = Stores(Path(tmp), args.seed)
            if "startup" in parts:
                loaded = stores.get(args.store_alerts)
                report["startup"] = startup.run(loaded, args.freshness, args.seed)
            if "http" in parts:
                loaded = stores.get(args.http_alerts)
                report["http"] = http.run(
                    loaded, args.duration, args.concurrency, args.seed,
                    one_worker=not args.no_one_worker, modes=tuple(args.search_index.split(",")),
                )  # fmt: skip
            if "profile" in parts:
                loaded = stores.get(args.http_alerts)
                report["profile"] = profile.main(
                    ["--var", str(loaded.var), "--alerts", str(args.http_alerts),
                     "--seed", str(args.seed), "--requests", str(args.profile_requests),
                     "--endpoints", ",".join(profile.ENDPOINTS)]
                )  # fmt: skip
    # Parts run separately (the full in-process run takes an hour) share one report: read
    # it only now, so that what another run wrote meanwhile is kept.
    args.report.parent.mkdir(parents=True, exist_ok=True)
    earlier = json.loads(args.report.read_text()) if args.report.exists() else {}
    args.report.write_text(json.dumps({**earlier, **report}, indent=2) + "\n")
    line(f"report: {args.report}")
    return report


if __name__ == "__main__":
    main()
