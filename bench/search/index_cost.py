"""What one person or MRZ search costs the index process of ``limes serve --workers N``.

    python -m bench.search.index_cost --var VAR [--alerts 100000] [--requests 2000]
        [--clients 16] [--seed 7]

``VAR`` is a var folder loaded by ``limes demo`` (``bench/search/store.py``; the HTTP
part's, or one made with ``limes init`` and ``limes demo --persons N/10 --objects
9N/10``). The index process is started as ``limes serve`` starts it
(``Limes.start_search_index``) and sent the HTTP part's request bodies (``http.bodies``)
through the workers' ``RemoteEngine`` from ``--clients`` threads at once, as the request
threads of two workers send them; its CPU (utime + stime of /proc/PID/stat) over the
requests, divided by them, is the figure issue 13 names ("server CPU by process").

The same searches are then split in this process, on an engine of its own loaded from
the same snapshot: the search itself (``SearchEngine.persons_matching``), decoding the
request and encoding the answer (``index_wire``); what the index process spends beyond
their sum is its request handling (socket, threads, the GIL).
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.search.http import bodies
from bench.search.inprocess import _mrz_query
from bench.search.measure import line, load_average
from limes.bootstrap import build
from limes.config import from_env
from limes.domain.alerts import Gender
from limes.search.engine import SearchEngine
from limes.search.identifiers import CheckedQuery, IdentifierQuery, check_query
from limes.search.index_wire import _ANSWER, _REQUEST, Answer, Request
from limes.search.query import PersonQuery, validated

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) the process ``pid`` spent so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def person_query(body: dict[str, Any]) -> PersonQuery:
    gender = body.get("gender")
    return validated(
        PersonQuery(
            surnames=tuple(body["surnames"]),
            forenames=tuple(body["forenames"]),
            date_of_birth=body.get("date_of_birth"),
            gender=Gender(gender) if gender else None,
            nationalities=tuple(body.get("nationalities") or ()),
        )
    )


Call = Callable[[SearchEngine], object]


def calls(alerts: int, seed: int) -> dict[str, list[Call]]:
    """The index requests of a person search and of an MRZ search (a person search and
    the document's identifier lookup: ``SearchService.mrz``), per HTTP body."""
    persons = alerts // 10
    made = bodies(persons, alerts - persons, seed)
    today = date.today()
    person_calls: list[Call] = []
    for body in made["/v1/search/persons"]:
        query = person_query(body)
        person_calls.append(lambda engine, q=query: engine.persons_matching(q, 10, tied=True))
    mrz_calls: list[Call] = []
    for body in made["/v1/search/mrz"]:
        query = _mrz_query(body["mrz"], today)
        document = check_query(IdentifierQuery(None, query.document_number or "X"))

        def mrz(engine: SearchEngine, q: PersonQuery = query, d: Any = document) -> object:
            return engine.persons_matching(q, 10, tied=True), engine.identifiers_matching(d)

        mrz_calls.append(mrz)
    return {"persons": person_calls, "mrz": mrz_calls}


def remote_cost(engine: SearchEngine, pid: int, work: list[Call], clients: int) -> float:
    """The index process's CPU per call of ``work``, sent from ``clients`` threads."""
    for call in work[:100]:
        call(engine)
    chunks = [work[n::clients] for n in range(clients)]
    before = process_cpu(pid)
    threads = [
        threading.Thread(target=lambda c=chunk: [call(engine) for call in c]) for chunk in chunks
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (process_cpu(pid) - before) / len(work)


class Recording:
    """An engine's searches, each timed and kept with its request (``local_split``)."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self.seconds = 0.0
        self.exchanges: list[tuple[Request, Answer]] = []

    def persons_matching(self, query: PersonQuery, limit: int, tied: bool = False) -> object:
        started = time.thread_time()
        found = self.engine.persons_matching(query, limit, tied)
        self.seconds += time.thread_time() - started
        asked = Request("persons", query=query, limit=limit, tied=tied)
        self.exchanges.append((asked, Answer(1, persons=tuple(found))))
        return found

    def identifiers_matching(self, query: CheckedQuery) -> object:
        started = time.thread_time()
        found = self.engine.identifiers_matching(query)
        self.seconds += time.thread_time() - started
        self.exchanges.append(
            (Request("identifiers", checked=query), Answer(1, identifiers=tuple(found)))
        )
        return found


def local_split(engine: SearchEngine, work: list[Call]) -> dict[str, float]:
    """The CPU per call of searching, and of the wire's decoding and encoding, here."""
    for call in work[:100]:
        call(engine)
    recording = Recording(engine)
    for call in work:
        call(recording)  # type: ignore[arg-type]
    clock = time.thread_time
    decode = encode = 0.0
    for request, answer in recording.exchanges:
        body = _REQUEST.dump_json(request)
        started = clock()
        _REQUEST.validate_json(body)
        decode += clock() - started
        started = clock()
        _ANSWER.dump_json(answer)
        encode += clock() - started
    spent = {"search": recording.seconds, "decode request": decode, "encode answer": encode}
    return {k: v / len(work) for k, v in spent.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--var", type=Path, required=True)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args(argv)
    os.environ.update({"LIMES_VAR": str(args.var), "LIMES_ENV": "development"})
    work = calls(args.alerts, args.seed)
    app = build(from_env())
    process = app.start_search_index()
    try:
        for kind, chosen in work.items():
            cost = remote_cost(app.search.engine, process.pid or 0, chosen, args.clients)
            load = " ".join(f"{x:.2f}" for x in load_average())
            line(
                f"{kind}: index process CPU {1e6 * cost:,.0f} µs/request over {len(chosen):,} "
                f"requests from {args.clients} threads (load {load})"
            )
    finally:
        process.stop()
        app.close()
    local = build(from_env())
    try:
        local.search.start()
        for kind, chosen in work.items():
            split = local_split(local.search.engine, chosen)
            line(
                f"{kind}: in one process, per request: "
                + ", ".join(f"{k} {1e6 * v:,.0f} µs" for k, v in split.items())
            )
    finally:
        local.close()


if __name__ == "__main__":
    main()
