"""Part 2's diagnostic: a search through ``SearchService`` in this process, without HTTP.

Between the index (part 1) and the server (part 3) a search also asks the policy,
writes its audit record, and reads and opens the hits from the store; timing the
service call alone shows how much of an HTTP request's time that takes.
"""

from __future__ import annotations

from functools import partial
from random import Random
from typing import Any

from bench.search.inprocess import ABSENT_SEED_OFFSET
from bench.search.measure import latency_figures, timed_calls
from bench.search.queries import identifier_probe, person_probe
from limes.bootstrap import Limes
from limes.demo.generator import DemoGenerator
from limes.domain.roles import Purpose, Role
from limes.policy.permissions import Context, Principal
from limes.policy.standins import unsafe_stand_in_clearance
from limes.search.engine import SearchEngine
from limes.search.identifiers import IdentifierQuery, object_identifiers
from limes.service.search import SearchService
from limes.service.search_answers import SearchAnswer

WARM_UP = 20


def border_guards(count: int) -> list[Context]:
    """Several principals: one would trip the bulk-extraction detector (600 alerts an hour)."""
    return [
        Context(
            Principal(
                f"bench-{i}",
                "DE",
                "BPOL",
                frozenset({Role.BORDER_GUARD}),
                purposes=frozenset({Purpose.BORDER_CHECK}),
                clearance=unsafe_stand_in_clearance("the search benchmark"),
            ),
            Purpose.BORDER_CHECK,
        )
        for i in range(count)
    ]


def service_latency(
    app: Limes, engine: SearchEngine, persons: int, seed: int, count: int
) -> dict[str, Any]:
    """p50/p99 of ``SearchService.persons`` and ``.objects`` over half stored, half absent."""
    search = SearchService(
        engine, app.alerts, app.policy, audit=app.audit, tokens=app.search.tokens,
        clock=app.search.clock,
    )  # fmt: skip
    rng = Random(seed)
    total = count + WARM_UP
    stored = [c.person for _, c in DemoGenerator(seed).alerts(min(persons, total), 0) if c.person]
    stored = [p for p in stored if p.surnames]
    absent_contents = [c for _, c in DemoGenerator(seed + ABSENT_SEED_OFFSET).alerts(total, total)]
    absent = [c.person for c in absent_contents if c.person and c.person.surnames]
    documents = [d.number for p in stored for d in p.documents]
    absent_values = [i[1] for c in absent_contents if c.object for i in object_identifiers(c)[:1]]
    guards = border_guards(total)
    person_calls, object_calls = [], []
    for n in range(total):
        person = stored[n % len(stored)] if n % 2 == 0 else absent[n % len(absent)]
        query = person_probe(person, n, rng).query
        person_calls.append(partial(search.persons, guards[n], query))
        value = (
            documents[n % len(documents)] if n % 2 == 0 else absent_values[n % len(absent_values)]
        )
        typed = identifier_probe(value, n if n % 2 == 0 else None, rng).value
        object_calls.append(partial(search.objects, guards[n], [IdentifierQuery(None, typed)]))
    figures: dict[str, Any] = {}
    for name, calls in (("persons", person_calls), ("objects", object_calls)):
        seconds, answers = timed_calls(calls, WARM_UP)
        figures[name] = {**latency_figures(seconds), "answers_with_hits": _with_hits(answers)}
    return figures


def _with_hits(answers: list[SearchAnswer]) -> int:
    return sum(bool(a.hits) for a in answers)
