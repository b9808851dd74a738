"""Part 1: the indexes in this process, filled straight from the demo generator.

No store and no encryption (part 2 measures those): persons go into a ``PersonIndex``
with ``add_many``, the identifiers of object alerts into an ``IdentifierIndex``. The two
halves are independent, so the full run builds them in two processes at once (the
machine has two cores); each reports the resident memory of its own process.

Memory is RSS (VmRSS), measured three times: before generating, with the generated
input held, after building, and after dropping the input. The index keeps references to
some input strings, so "after dropping the input minus before generating" is the honest
figure (it includes what the allocator keeps); "after building minus with input" is
given beside it.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from random import Random
from typing import Any

from bench.search.measure import (
    cpu_timed_calls,
    latency_figures,
    line,
    load_average,
    rss_mib,
    timed_calls,
)
from bench.search.queries import (
    IdentifierProbe,
    MrzProbe,
    PersonProbe,
    identifier_probe,
    mrz_probe,
    person_probe,
)
from limes.demo.generator import DemoGenerator
from limes.domain.alerts import AlertContent, Gender, Person
from limes.domain.mrz import parse_mrz
from limes.search.codes import adopt_codes, export_codes
from limes.search.identifiers import (
    IdentifierIndex,
    IdentifierMatch,
    IdentifierQuery,
    check_query,
    object_identifiers,
)
from limes.search.name_match import CODE_ROWS
from limes.search.persons import PersonHit, PersonIndex
from limes.search.query import PersonQuery, validated

ABSENT_SEED_OFFSET = 1_000_003
"""Added to the seed for an absent set where the stored one is a loaded store (parts 2, 3)."""


@dataclass(frozen=True, slots=True)
class Sizes:
    persons: int
    objects: int
    seed: int = 7
    queries: int = 2000
    warm_up: int = 100


def _sample(count: int, size: int, rng: Random) -> list[int]:
    return [rng.randrange(count) for _ in range(size)] if count else []


def _memory(before: float, with_input: float, built: float, dropped: float) -> dict[str, float]:
    return {
        "rss_before_generation_mib": round(before, 1),
        "rss_with_input_mib": round(with_input, 1),
        "rss_after_build_mib": round(built, 1),
        "rss_after_dropping_input_mib": round(dropped, 1),
        "index_rss_mib": round(dropped - before, 1),
        "build_growth_rss_mib": round(built - with_input, 1),
    }


# --- persons ------------------------------------------------------------------------------


def _person_calls(
    index: PersonIndex, probes: list[PersonProbe]
) -> list[Callable[[], list[PersonHit]]]:
    return [partial(index.search, validated(p.query), limit=10) for p in probes]


def _mrz_query(text: str, today: date) -> PersonQuery:
    """The person query ``SearchService._mrz`` builds from a zone, copied as it stands."""
    zone = parse_mrz(text, today=today)
    query = PersonQuery(
        surnames=(" ".join(zone.surnames),) if zone.surnames else (),
        forenames=(" ".join(zone.given_names),) if zone.given_names else (),
        date_of_birth=zone.date_of_birth,
        gender={"F": Gender.FEMALE, "M": Gender.MALE}.get(str(zone.sex)),
        nationalities=(zone.nationality_alpha2,) if zone.nationality_alpha2 else (),
        document_number=zone.document_number,
    )
    return validated(query)


def _mrz_calls(
    index: PersonIndex, probes: list[MrzProbe], today: date
) -> list[Callable[[], list[PersonHit]]]:
    return [partial(_mrz_search, index, p.text, today) for p in probes]


def _mrz_search(index: PersonIndex, text: str, today: date) -> list[PersonHit]:
    """What is timed for a zone: parsing it, building the query, the person search."""
    return index.search(_mrz_query(text, today), limit=10)


def _lookup(index: IdentifierIndex, value: str) -> list[IdentifierMatch]:
    """What is timed for an identifier: checking and normalising it, the lookup."""
    return index.lookup(check_query(IdentifierQuery(None, value)))


def _found(hits: list[list[PersonHit]], sources: list[int | None]) -> dict[str, Any]:
    """How often a stored person's query found that person, and absent ones found anyone."""
    stored = [(h, s) for h, s in zip(hits, sources, strict=True) if s is not None]
    absent = [h for h, s in zip(hits, sources, strict=True) if s is None]
    return {
        "stored_queries": len(stored),
        "stored_found_in_top10": sum(any(x.slot == s for x in h) for h, s in stored),
        "absent_queries": len(absent),
        "absent_with_any_hit": sum(bool(h) for h in absent),
    }


def _generated_and_built(
    sizes: Sizes,
) -> tuple[PersonIndex, list[PersonProbe], list[MrzProbe], dict[str, Any]]:
    """Generate the people, index them, draw the probes: the index, the probes and the
    figures of generation, build and memory."""
    rss_before = rss_mib()
    started = time.perf_counter()
    # The set's tail is the absent one: the generator repeats no subject within a set.
    extra = 2 * (sizes.queries + sizes.warm_up)
    generated = [c.person for _, c in DemoGenerator(sizes.seed).alerts(sizes.persons + extra, 0)]
    people: list[Person] = [p for p in generated[: sizes.persons] if p]
    # unknown wanted persons have no name to search by
    absent: list[Person] = [p for p in generated[sizes.persons :] if p and p.surnames]
    del generated
    generation = time.perf_counter() - started
    line(
        f"  persons: generated {len(people):,} (+{len(absent):,} absent) in {generation:.1f} s "
        f"(not part of the figures)"
    )
    rss_input = rss_mib()
    index = PersonIndex()
    started = time.perf_counter()
    index.add_many(enumerate(people))
    build = time.perf_counter() - started
    rss_built = rss_mib()
    line(f"  persons: PersonIndex built in {build:.1f} s = {len(people) / build:,.0f} persons/s")

    rng, today = Random(sizes.seed), date.today()
    count = sizes.queries + sizes.warm_up
    searchable = [i for i, p in enumerate(people) if p.surnames]
    picks = [searchable[i] for i in _sample(len(searchable), count, rng)]
    person_probes = [
        person_probe(people[i], i, rng) if n % 2 == 0 else person_probe(absent[n], None, rng)
        for n, i in enumerate(picks)
    ]
    mrz_probes = [
        mrz_probe(people[i], i, rng, today)
        if n % 2 == 0
        else mrz_probe(absent[n], None, rng, today)
        for n, i in enumerate(picks)
    ]
    del people, absent
    gc.collect()
    rss_dropped = rss_mib()
    figures = {
        "persons": len(index),
        "generation_s": round(generation, 1),
        "build_s": round(build, 2),
        "build_per_s": round(len(index) / build),
        "memory": _memory(rss_before, rss_input, rss_built, rss_dropped),
    }
    return index, person_probes, mrz_probes, figures


def _cached(
    sizes: Sizes, cache: Path
) -> tuple[PersonIndex, list[PersonProbe], list[MrzProbe], dict[str, Any]]:
    """``_generated_and_built``, kept in ``cache`` (a plain pickle of the index's snapshot
    state, the probes and the build's figures: demo data, never sealed) and read from it
    when it is there and of these sizes, so that runs before and after a change search
    the same index without building it again. The build figures are the building run's,
    and so is the memory: the index read back holds its shared strings twice."""
    if cache.exists():
        started = time.perf_counter()
        with cache.open("rb") as file:
            kept = pickle.load(file)  # noqa: S301 - a file this bench wrote
        if kept["sizes"] == vars_of(sizes):
            index = PersonIndex.restored(kept["state"])
            adopt_codes(kept["codes"], index.code_arrays(), CODE_ROWS)
            line(f"  persons: index read from {cache} in {time.perf_counter() - started:.1f} s")
            return index, kept["person_probes"], kept["mrz_probes"], kept["figures"]
        line(f"  persons: {cache} holds other sizes ({kept['sizes']}): built again")
        del kept
    index, person_probes, mrz_probes, figures = _generated_and_built(sizes)
    kept = {
        "sizes": vars_of(sizes),
        "state": index.state(),
        "codes": export_codes(),
        "person_probes": person_probes,
        "mrz_probes": mrz_probes,
        "figures": figures,
    }
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as file:
        pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
        # no memo: at 1.7 M persons it would take gigabytes; a string the index shares
        # between two places is read back as two (the restored index is a little larger)
        pickler.fast = True
        pickler.dump(kept)
    line(f"  persons: index kept in {cache} ({cache.stat().st_size / 2**20:,.0f} MiB)")
    return index, person_probes, mrz_probes, figures


def answers_digest(hits: list[list[PersonHit]]) -> str:
    """A digest of every answer (slots, scores, tiers and features, in order): equal
    before and after a change that must not change what is found."""
    digest = hashlib.sha256()
    for answer in hits:
        digest.update(repr(answer).encode() + b"\n")
    return digest.hexdigest()[:16]


def _slowest(cpu: list[float], probes: list[PersonProbe], count: int) -> None:
    for at in sorted(range(len(cpu)), key=cpu.__getitem__, reverse=True)[:count]:
        q = probes[at].query
        line(
            f"    {1000 * cpu[at]:7.2f} ms CPU  {probes[at].variant:16} "
            f"{' '.join(q.surnames)} / {' '.join(q.forenames)} / {q.date_of_birth}"
        )


def persons_half(sizes: Sizes, cache: Path | None = None, slowest: int = 0) -> dict[str, Any]:
    """Generate, index and search the person alerts; the figures as a dict. With
    ``cache``, the index and probes are kept there and read back (``_cached``); with
    ``slowest``, that many of the slowest person searches are printed."""
    index, person_probes, mrz_probes, built = (
        _generated_and_built(sizes) if cache is None else _cached(sizes, cache)
    )
    try:
        return _persons_timed(sizes, index, person_probes, mrz_probes, built, slowest)
    finally:
        gc.unfreeze()


def _persons_timed(
    sizes: Sizes,
    index: PersonIndex,
    person_probes: list[PersonProbe],
    mrz_probes: list[MrzProbe],
    built: dict[str, Any],
    slowest: int,
) -> dict[str, Any]:
    """``persons_half``'s searches, timed with the index's heap frozen (``gc.freeze``) as
    the serving index process freezes it (``bootstrap.freeze_startup_heap``): else a full
    collection walks the index's million objects (some 200 ms at 1.7 M persons) during
    one query, and is counted as that query's time."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    load = load_average()
    seconds, cpu, hits = cpu_timed_calls(_person_calls(index, person_probes), sizes.warm_up)
    person = {
        **latency_figures(seconds),
        "cpu": latency_figures(cpu),
        "load_average": load,
        "answers_digest": answers_digest(hits),
        **_found(hits, [p.source for p in person_probes[sizes.warm_up :]]),
    }
    variants: dict[str, int] = {}
    for probe in person_probes[sizes.warm_up :]:
        variants[probe.variant] = variants.get(probe.variant, 0) + 1
    person["variants"] = variants
    if slowest:
        line(f"  the {slowest} slowest person searches (CPU):")
        _slowest(cpu, person_probes[sizes.warm_up :], slowest)
    today = date.today()
    seconds, cpu, hits = cpu_timed_calls(_mrz_calls(index, mrz_probes, today), sizes.warm_up)
    mrz = {
        **latency_figures(seconds),
        "cpu": latency_figures(cpu),
        **_found(hits, [p.source for p in mrz_probes[sizes.warm_up :]]),
    }
    figures = {**built, "person_search": person, "mrz_search": mrz, "gc_frozen_objects": frozen}
    print_persons(figures)
    return figures


# --- objects ------------------------------------------------------------------------------

OBJECTS_PER_SEED = 2_000_000
"""Object alerts per generator seed: one demo set cannot hold 10 million, its smallest code
space (Austria's 676 aircraft registrations) runs out near 4 million."""


def object_alerts(seed: int, count: int) -> Iterator[tuple[str, AlertContent]]:
    """``count`` object alerts, from seeds ``seed``, ``seed + 1``, ... in sets of
    ``OBJECTS_PER_SEED``. Across sets an identifier may repeat (small code spaces
    first): alerts sharing an identifier, as real ones do."""
    for first in range(0, count, OBJECTS_PER_SEED):
        chunk = min(OBJECTS_PER_SEED, count - first)
        yield from DemoGenerator(seed + first // OBJECTS_PER_SEED).alerts(0, chunk)


def objects_half(sizes: Sizes) -> dict[str, Any]:
    """Generate, index and look up the identifiers of object alerts; the figures as a dict."""
    rss_before = rss_mib()
    started = time.perf_counter()
    # The set's tail is the absent one: the generator repeats no identifier within a set.
    extra = sizes.queries + sizes.warm_up
    stored = [object_identifiers(c) for _, c in object_alerts(sizes.seed, sizes.objects + extra)]
    absent = [found[0][1] for found in stored[sizes.objects :] if found]
    del stored[sizes.objects :]
    generation = time.perf_counter() - started
    line(
        f"  objects: generated {len(stored):,} (+{len(absent):,} absent) in {generation:.1f} s "
        f"(not part of the figures)"
    )
    rss_input = rss_mib()
    index = IdentifierIndex()
    started = time.perf_counter()
    for slot, found in enumerate(stored):
        index.add(slot, found)
    build = time.perf_counter() - started
    rss_built = rss_mib()
    line(
        f"  objects: IdentifierIndex built in {build:.1f} s = {len(stored) / build:,.0f} alerts/s "
        f"({len(index):,} identifiers)"
    )

    rng = Random(sizes.seed)
    probes: list[IdentifierProbe] = []
    for n, slot in enumerate(_sample(len(stored), sizes.queries + sizes.warm_up, rng)):
        if n % 2 == 0 and stored[slot]:
            probes.append(identifier_probe(rng.choice(stored[slot])[1], slot, rng))
        else:
            probes.append(identifier_probe(absent[n % len(absent)], None, rng))
    alerts = len(stored)
    del stored, absent
    gc.collect()
    rss_dropped = rss_mib()

    calls = [partial(_lookup, index, p.value) for p in probes]
    seconds, results = timed_calls(calls, sizes.warm_up)
    timed = probes[sizes.warm_up :]
    hits = [(r, p) for r, p in zip(results, timed, strict=True) if p.source is not None]
    figures = {
        **latency_figures(seconds),
        "stored_queries": len(hits),
        "stored_found": sum(any(m.slot == p.source for m in r) for r, p in hits),
        "absent_queries": len(timed) - len(hits),
        "absent_with_any_hit": sum(
            bool(r) for r, p in zip(results, timed, strict=True) if p.source is None
        ),
    }
    report = {
        "object_alerts": alerts,
        "identifiers": len(index),
        "generation_s": round(generation, 1),
        "build_s": round(build, 2),
        "build_per_s": round(alerts / build),
        "memory": _memory(rss_before, rss_input, rss_built, rss_dropped),
        "object_search": figures,
    }
    print_objects(report)
    return report


# --- both ---------------------------------------------------------------------------------

FULL_PERSONS = 1_700_000
FULL_OBJECTS = 91_300_000


def extrapolate(persons: dict[str, Any], objects: dict[str, Any], sizes: Sizes) -> dict[str, Any]:
    """Memory and build time at 1.7 M persons + 91.3 M objects, linear in each count."""
    person_factor = FULL_PERSONS / max(sizes.persons, 1)
    object_factor = FULL_OBJECTS / max(sizes.objects, 1)
    memory = (persons["memory"]["index_rss_mib"] * person_factor
              + objects["memory"]["index_rss_mib"] * object_factor)  # fmt: skip
    build = persons["build_s"] * person_factor + objects["build_s"] * object_factor
    return {
        "label": "extrapolated (linear in objects)"
        + ("" if sizes.persons == FULL_PERSONS else " and in persons"),
        "alerts": FULL_PERSONS + FULL_OBJECTS,
        "index_rss_gib": round(memory / 1024, 1),
        "build_s": round(build),
    }


def run(
    sizes: Sizes, *, parallel: bool, cache: Path | None = None, slowest: int = 0
) -> dict[str, Any]:
    """Both halves (in two processes when ``parallel``), then the extrapolation; the
    persons alone with no objects (``persons_half`` takes ``cache`` and ``slowest``)."""
    load = load_average()
    line(
        f"part 1: in-process, {sizes.persons:,} persons + {sizes.objects:,} objects "
        f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    if not sizes.objects:
        persons = persons_half(sizes, cache, slowest)
        return {"sizes": {**vars_of(sizes)}, "load_average_at_start": load, "persons": persons}
    if parallel:
        with ProcessPoolExecutor(max_workers=1) as pool:
            objects_future = pool.submit(objects_half, sizes)
            persons = persons_half(sizes, cache, slowest)
            objects = objects_future.result()
    else:
        persons, objects = persons_half(sizes, cache, slowest), objects_half(sizes)
    report: dict[str, Any] = {
        "sizes": {**vars_of(sizes)},
        "load_average_at_start": load,
        "parallel_halves": parallel,
        "persons": persons,
        "objects": objects,
        "extrapolated_93m": extrapolate(persons, objects, sizes),
    }
    print_extrapolation(report["extrapolated_93m"])
    return report


def vars_of(sizes: Sizes) -> dict[str, int]:
    return {f: getattr(sizes, f) for f in ("persons", "objects", "seed", "queries", "warm_up")}


def print_persons(p: dict[str, Any]) -> None:
    line(
        f"  PersonIndex      {p['persons']:>12,} persons      build {p['build_s']:8.1f} s "
        f"({p['build_per_s']:,}/s)  index RSS {p['memory']['index_rss_mib']:,.0f} MiB "
        f"(growth during build {p['memory']['build_growth_rss_mib']:,.0f} MiB)"
    )
    _searches(("person search", p["person_search"], 5.0), ("MRZ search   ", p["mrz_search"], None))
    ps, ms = p["person_search"], p["mrz_search"]
    cpu, load = ps["cpu"], ps["load_average"]
    line(
        f"  person search CPU (process time) p50 {cpu['p50_ms']:.3f} ms  p99 "
        f"{cpu['p99_ms']:.3f} ms  max {cpu['max_ms']:.3f} ms  (load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; answers digest {ps['answers_digest']}; "
        f"{p.get('gc_frozen_objects', 0):,} objects frozen out of the collector's sight)"
    )
    line(
        f"  found: person {ps['stored_found_in_top10']}/{ps['stored_queries']} stored, "
        f"{ps['absent_with_any_hit']}/{ps['absent_queries']} absent with a hit; "
        f"MRZ {ms['stored_found_in_top10']}/{ms['stored_queries']}, "
        f"{ms['absent_with_any_hit']}/{ms['absent_queries']}"
    )


def print_objects(o: dict[str, Any]) -> None:
    line(
        f"  IdentifierIndex  {o['object_alerts']:>12,} object alerts build {o['build_s']:7.1f} s "
        f"({o['build_per_s']:,}/s)  index RSS {o['memory']['index_rss_mib']:,.0f} MiB "
        f"(growth during build {o['memory']['build_growth_rss_mib']:,.0f} MiB), "
        f"{o['identifiers']:,} identifiers"
    )
    _searches(("object search", o["object_search"], 0.5))
    os_ = o["object_search"]
    line(
        f"  found: object {os_['stored_found']}/{os_['stored_queries']} stored, "
        f"{os_['absent_with_any_hit']}/{os_['absent_queries']} absent with a hit"
    )


def _searches(*rows: tuple[str, dict[str, Any], float | None]) -> None:
    for name, figures, aim in rows:
        verdict = (
            ""
            if aim is None
            else (f"  aim p99 <= {aim} ms: {'met' if figures['p99_ms'] <= aim else 'NOT met'}")
        )
        line(
            f"  {name} n={figures['n']:,}  p50 {figures['p50_ms']:.3f} ms  p99 "
            f"{figures['p99_ms']:.3f} ms  max {figures['max_ms']:.3f} ms{verdict}"
        )


def print_extrapolation(x: dict[str, Any]) -> None:
    line(
        f"  93 M alerts, {x['label']}: index RSS {x['index_rss_gib']} GiB, "
        f"build {x['build_s']:,} s ({x['build_s'] / 60:.0f} min)"
    )
