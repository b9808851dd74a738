"""The peer of bench/names: OpenSanctions' nomenklatura matcher (logic-v2), as yente runs it.

Runs INSIDE its own venv (``build/peer-venv``, from ``requirements/peer.lock``), never
beside Limes, and imports nothing of Limes:

    build/peer-venv/bin/python bench/names/peer.py --alerts A --queries Q --out O.json

How it searches, per query, the way yente answers ``/match``:

1. **Candidates** — nomenklatura's own blocking index (``nomenklatura.blocker.Index``,
   DuckDB in a temporary folder, built once over every alert). By default every query's
   candidates come from one pass (``Index.match_entities(all_queries)``, the way
   nomenklatura's xref uses it; about 2 s a query one by one made a full run take hours),
   its time shared out over the queries; ``--per-query`` matches each query on its own
   as a single request would. It returns up to
   ``--max-candidates`` (100) candidates ranked by token overlap weighted by IDF over
   name parts, rigour name symbols (which link scripts), the full-name fingerprint, dates
   and countries. yente itself uses Elasticsearch for this step.
2. **Scoring** — ``get_algorithm("logic-v2").compare(query, candidate, default_config())``
   for each candidate.
3. **Hits** — candidates scoring at or above ``--threshold``, 0.7 by default: yente's
   ``SCORE_THRESHOLD = 0.70`` (yente/settings.py), its match cut-off; at most ``--limit``
   (10, yente's ``MAX_MATCHES``), best first.

Entities are FollowTheMoney ``Person``s: ``name`` (forenames + surnames in Latin and, where
there is one, in the original script), ``firstName``/``middleName``/``lastName``,
``alias`` and ``previousName``, ``birthDate``, ``gender``, ``nationality``,
``passportNumber``/``idNumber``, cleaned by FollowTheMoney on the way in as yente cleans
a /match body (``cleaned=False``: country codes lower-cased, ``1980-05-00`` read as
``1980-05``). The matcher is warmed up (its reference data loaded)
before the clock starts. Writes one JSON document: build time, and per query the slots
and scores of its hits and the seconds it took.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

from followthemoney import Dataset, StatementEntity  # type: ignore[import-not-found]
from nomenklatura.blocker import Index  # type: ignore[import-not-found]
from nomenklatura.matching import get_algorithm  # type: ignore[import-not-found]
from nomenklatura.resolver import Linker  # type: ignore[import-not-found]
from nomenklatura.store import MemoryStore  # type: ignore[import-not-found]

ALGORITHM = "logic-v2"
THRESHOLD = 0.7  # yente's SCORE_THRESHOLD
GENDERS = {"male": "male", "female": "female", "unspecified": "other"}
PASSPORT = "passport"

Json = dict[str, Any]


def _full(forenames: list[str], surnames: list[str]) -> str:
    return " ".join([*forenames, *surnames])


def _texts(names: list[Json], original: bool) -> list[str]:
    """Latin forms, or original forms (Latin where a name has none)."""
    return [(n.get("original") or n["latin"]) if original else n["latin"] for n in names]


def alert_properties(person: Json) -> dict[str, list[str]]:
    """A Limes person (as JSON) as the properties of a FollowTheMoney ``Person``."""
    props: dict[str, list[str]] = {k: [] for k in (
        "name", "firstName", "middleName", "lastName", "alias", "previousName",
        "birthDate", "gender", "nationality", "passportNumber", "idNumber")}  # fmt: skip
    forms = [False]
    if any(n.get("original") for n in (*person["surnames"], *person["forenames"])):
        forms.append(True)
    for original in forms:
        surnames = _texts(person["surnames"], original)
        forenames = _texts(person["forenames"], original)
        props["name"].append(_full(forenames, surnames))
        props["lastName"].append(" ".join(surnames))
        props["firstName"] += forenames[:1]
        props["middleName"] += forenames[1:]
    for alias in person.get("aliases", ()):
        props["alias"].append(_full(_texts(alias["forenames"], False),
                                    _texts(alias["surnames"], False)))  # fmt: skip
    for name in (*person.get("names_at_birth", ()), *person.get("previous_names", ())):
        props["previousName"].append(name["latin"])
    if person.get("date_of_birth"):
        props["birthDate"].append(person["date_of_birth"])
    if person.get("gender"):
        props["gender"].append(GENDERS[person["gender"]])
    props["nationality"] += person.get("nationalities", [])
    for doc in person.get("documents", ()):
        key = "passportNumber" if doc["type"] == PASSPORT else "idNumber"
        props[key].append(doc["number"])
    return {k: v for k, v in props.items() if v}


def query_properties(query: Json) -> dict[str, list[str]]:
    """A bench query as the properties of the FollowTheMoney ``Person`` sent to /match."""
    forenames, surnames = query["forenames"], query["surnames"]
    props: dict[str, list[str]] = {"name": [_full(forenames, surnames)]}
    if surnames:
        props["lastName"] = [" ".join(surnames)]
    if forenames:
        props["firstName"] = forenames[:1]
    if len(forenames) > 1:
        props["middleName"] = forenames[1:]
    if query.get("date_of_birth"):
        props["birthDate"] = [query["date_of_birth"]]
    if query.get("gender"):
        props["gender"] = [GENDERS[query["gender"]]]
    if query.get("nationalities"):
        props["nationality"] = list(query["nationalities"])
    return props


def _lines(path: Path) -> Iterator[Json]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def stratified(queries: list[Json], per_kind: int) -> list[Json]:
    """The first ``per_kind`` queries of each kind (all when ``per_kind`` is 0)."""
    if per_kind <= 0:
        return queries
    seen: dict[str, int] = {}
    out = []
    for query in queries:
        if seen.get(query["kind"], 0) < per_kind:
            seen[query["kind"]] = seen.get(query["kind"], 0) + 1
            out.append(query)
    return out


def _progress(queries: list[Json]) -> Iterator[Json]:
    for n, query in enumerate(queries, 1):
        yield query
        if n % 100 == 0:
            print(f"peer: {n}/{len(queries)} queries", file=sys.stderr, flush=True)


def entity_of(query: Json, dataset: Any) -> Any:
    data = {"id": f"q{query['id']}", "schema": "Person", "properties": query_properties(query)}
    return StatementEntity.from_data(dataset, data, cleaned=False)


def answer(
    entity: Any, candidates: list[Any], entities: dict[str, Any], query: Json,
    args: argparse.Namespace, retrieval: float,
) -> Json:  # fmt: skip
    """Score each candidate with logic-v2, keep those at the threshold, time it
    (``retrieval``: the seconds the candidates took, measured by the caller)."""
    algorithm = get_algorithm(ALGORITHM)
    config = algorithm.default_config()
    start = time.perf_counter()
    scored: list[tuple[float, int]] = []
    for identifier, _score in candidates:
        result = algorithm.compare(entity, entities[identifier.id], config)
        if result.score >= args.threshold:
            scored.append((result.score, int(identifier.id[1:])))
    scored.sort(key=lambda hit: (-hit[0], hit[1]))
    scoring = time.perf_counter() - start
    hits = scored[: args.limit]
    return {"id": query["id"], "slots": [s for _, s in hits],
            "scores": [round(v, 4) for v, _ in hits], "seconds": retrieval + scoring,
            "scoring_seconds": scoring, "retrieval_seconds": retrieval}  # fmt: skip


def answers_per_query(
    index: Any, entities: dict[str, Any], queries: list[Json], dataset: Any,
    args: argparse.Namespace,
) -> list[Json]:  # fmt: skip
    """yente's way: each query retrieves its own candidates (one DuckDB query each)."""
    out = []
    for query in _progress(queries):
        entity = entity_of(query, dataset)
        start = time.perf_counter()
        found = [c for _, cands in index.match_entities([entity]) for c in cands]
        out.append(answer(entity, found, entities, query, args, time.perf_counter() - start))
    return out


def answers_in_batch(
    index: Any, entities: dict[str, Any], queries: list[Json], dataset: Any,
    args: argparse.Namespace,
) -> list[Json]:  # fmt: skip
    """nomenklatura's own way (xref): every query's candidates in one pass of the
    blocking index, its time shared out evenly, then each query scored on its own."""
    batch = {f"q{q['id']}": entity_of(q, dataset) for q in queries}
    start = time.perf_counter()
    found: dict[str, list[Any]] = {key: [] for key in batch}
    for identifier, cands in index.match_entities(list(batch.values())):
        found[getattr(identifier, "id", identifier)].extend(cands)
    retrieval = (time.perf_counter() - start) / max(len(queries), 1)
    return [
        answer(batch[f"q{q['id']}"], found[f"q{q['id']}"], entities, q, args, retrieval)
        for q in _progress(queries)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-kind", type=int, default=0, help="0: every query")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--max-candidates", type=int, default=100)
    parser.add_argument(
        "--per-query",
        action="store_true",
        help="retrieve each query's candidates on its own, as yente does (about 2 s each "
        "with DuckDB at 100,000 alerts); default: one blocking pass for all queries",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    dataset = Dataset.make({"name": "limes_bench", "title": "Limes bench/names alerts"})
    warm = StatementEntity.from_data(dataset, {
        "id": "warm-up", "schema": "Person", "properties": {"name": ["Anna Schmidt"]}})  # fmt: skip
    algorithm = get_algorithm(ALGORITHM)
    algorithm.compare(warm, warm, algorithm.default_config())  # loads its reference data
    started = time.perf_counter()
    entities: dict[str, Any] = {}
    store = MemoryStore(dataset, Linker({}))
    with store.writer() as writer:
        for record in _lines(args.alerts):
            entity = StatementEntity.from_data(dataset, {
                "id": f"a{record['slot']}", "schema": "Person",
                "properties": alert_properties(record["person"])}, cleaned=False)  # fmt: skip
            entities[entity.id] = entity
            writer.add_entity(entity)
    with tempfile.TemporaryDirectory(prefix="peer-index-", dir=args.out.parent) as folder:
        index = Index(store.view(dataset), Path(folder), {"max_candidates": args.max_candidates})
        index.build()
        build_seconds = time.perf_counter() - started
        queries = stratified(list(_lines(args.queries)), args.per_kind)
        run = answers_per_query if args.per_query else answers_in_batch
        answers = run(index, entities, queries, dataset, args)
        index.close()
    report = {
        "system": f"nomenklatura {version('nomenklatura')} {ALGORITHM}",
        "versions": {p: version(p) for p in ("nomenklatura", "followthemoney", "rigour")},
        "threshold": args.threshold,
        "max_candidates": args.max_candidates,
        "retrieval": "per query" if args.per_query else "one blocking pass for all queries",
        "alerts": len(entities),
        "build_seconds": build_seconds,
        "answers": answers,
    }
    args.out.write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main()
