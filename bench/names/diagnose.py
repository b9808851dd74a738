"""Where Limes' misses of one kind come from: candidate not retrieved, scored too low,
or ranked below others.

    python -m bench.names.diagnose KIND [KIND ...] [--folder build/bench-names] [--show 15]

Reads the ``alerts.jsonl`` and ``queries.jsonl`` a ``python -m bench.names`` run wrote,
indexes the alerts in-process and, for every query of the kinds named that misses its
aim (target not shown first by the kind's rule, ``metrics``: first, or tied first,
among the hits, or for a date-slip kind first among the possible matches with no hit;
for ``absent``, any hit), sorts the miss into

* ``not retrieved`` — the target is not among the candidates scored (blocking);
* ``no tier`` — scored, but neither a hit nor a possible match;
* ``possible`` — a possible match only (below the hit threshold);
* ``ranked below`` — a hit, but another hit comes first;
* ``absent hit`` — an absent person got a strong hit;

and prints the counts and the first ``--show`` misses with the query, the target's
stored names and the scores.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bench.names.classes import DATE_SLIP_KINDS
from bench.names.dataset import Query, read_alerts, read_queries
from bench.names.metrics import shown, tied_first
from limes.domain.alerts import Gender, Person
from limes.search.features import Feature
from limes.search.name_match import query_names
from limes.search.persons import PersonIndex
from limes.search.query import PersonQuery, validated


def person_query(query: Query) -> PersonQuery:
    """The query as the search service takes it: checked, its date in canonical form."""
    return validated(
        PersonQuery(
            surnames=query.surnames,
            forenames=query.forenames,
            date_of_birth=query.date_of_birth,
            gender=Gender(query.gender) if query.gender else None,
            nationalities=query.nationalities,
            document_number=None,
        )
    )


def _names(person: Person) -> str:
    def field(names: tuple) -> str:  # type: ignore[type-arg]
        return " ".join(f"{n.latin}" + (f"[{n.original}]" if n.original else "") for n in names)

    return f"{field(person.surnames)}, {field(person.forenames)} {person.date_of_birth}"


def classify(index: PersonIndex, query: Query) -> tuple[str, str] | None:
    """The cause of a miss and a line of detail; None when the query meets its aims."""
    asked = person_query(query)
    found = index.find(asked)
    if query.target is None:
        if found.hits:
            top = found.hits[0]
            return "absent hit", f"hit {top.slot} {top.score}: {_explained(top.features)}"
        return None
    if found.hits and query.target in (
        found.hits[0].slot,
        *tied_first([(hit.slot, shown(hit)) for hit in found.hits]),
    ):  # first, or tied first with hits the query cannot tell apart (``metrics``)
        return None
    if query.kind in DATE_SLIP_KINDS and not found.hits and found.possible[:1]:
        if found.possible[0].slot == query.target:  # the slip rule: first, no hit above
            return None
    if any(h.slot == query.target for h in found.hits):
        mine = next(h for h in found.hits if h.slot == query.target)
        return "ranked below", f"target {mine.score} < first {found.hits[0].score}"
    if any(h.slot == query.target for h in found.possible):
        mine = next(h for h in found.possible if h.slot == query.target)
        name = next(f.score for f in mine.features if f.name == "name")
        return "possible", f"score {mine.score} name {name}"
    wanted = query_names(asked.surnames, asked.forenames)
    if query.target not in index._candidates(asked, wanted):
        return "not retrieved", ""
    stored = index._stored[query.target]
    features = index._scorer.explain(asked, wanted, stored)
    return "no tier", _explained(features)


def _explained(features: tuple[Feature, ...]) -> str:
    name = next(f for f in features if f.name == "name")
    parts = "; ".join(f"{p.query}->{p.alert} {p.score}" for p in name.parts)
    others = " ".join(f"{f.name}={f.score}({f.alert})" for f in features if f.name != "name")
    return f"name {name.score} {name.alert} [{parts}] {others}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kinds", nargs="+")
    parser.add_argument("--folder", type=Path, default=Path("build/bench-names"))
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args()
    persons = dict(read_alerts(args.folder / "alerts.jsonl"))
    index = PersonIndex()
    index.add_many(persons.items())
    queries = [q for q in read_queries(args.folder / "queries.jsonl") if q.kind in args.kinds]
    for kind in args.kinds:
        causes: Counter[str] = Counter()
        shown = 0
        of_kind = [q for q in queries if q.kind == kind]
        print(f"\n== {kind}: {len(of_kind)} queries")
        for query in of_kind:
            miss = classify(index, query)
            if miss is None:
                continue
            causes[miss[0]] += 1
            if shown < args.show:
                shown += 1
                target = _names(persons[query.target]) if query.target is not None else "-"
                asked = f"{' '.join(query.surnames)}, {' '.join(query.forenames)}"
                print(f"  {miss[0]:14} q={asked} {query.date_of_birth} ({query.note})")
                print(f"  {'':14} t={target}  {miss[1]}")
        print(f"  causes: {dict(causes)}")


if __name__ == "__main__":
    main()
