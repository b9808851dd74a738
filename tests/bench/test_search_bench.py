"""bench/search: the query makers as tables of known cases, and part 1 at a tiny size."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from random import Random

import pytest
from bench.search.__main__ import main
from bench.search.measure import latency_figures, percentile
from bench.search.object_memory import main as object_memory
from bench.search.queries import identifier_probe, mrz_name_field, td3, typo
from rapidfuzz.distance import OSA

from limes.domain.alerts import DocumentType, Gender, IdentityDocument, Name, Person
from limes.domain.mrz import parse_mrz
from limes.search.identifiers import skeleton

TODAY = date(2026, 1, 15)
MUELLER = Person(
    surnames=(Name("Müller"), Name("Lüdenscheidt")),
    forenames=(Name("Hans"), Name("Peter")),
    date_of_birth="1980-05-17",
    gender=Gender.MALE,
    nationalities=("DE",),
    documents=(IdentityDocument(DocumentType.PASSPORT, "C01X00T47", "DE"),),
)


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        ([], 0.5, 0.0),
        ([3.0], 0.99, 3.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0),
        ([float(i) for i in range(1, 101)], 0.99, 99.0),
        ([float(i) for i in range(1, 101)], 1.0, 100.0),
    ],
)
def test_percentile_is_nearest_rank(values: list[float], share: float, expected: float) -> None:
    assert percentile(values, share) == expected


def test_latency_figures_are_milliseconds() -> None:
    assert latency_figures([0.001, 0.002, 0.010]) == {
        "n": 3, "p50_ms": 2.0, "p99_ms": 10.0, "max_ms": 10.0
    }  # fmt: skip


@pytest.mark.parametrize("seed", range(20))
def test_typo_is_one_edit(seed: int) -> None:
    changed = typo("Schewtschenko", Random(seed))
    assert OSA.distance(changed.lower(), "schewtschenko") <= 1


def test_mrz_name_field_drops_marks_and_pads() -> None:
    assert mrz_name_field(MUELLER) == "MULLER<LUDENSCHEIDT<<HANS<PETER".ljust(39, "<")


def test_td3_parses_with_every_check_digit() -> None:
    zone = parse_mrz(td3(MUELLER, "C01X00T47", TODAY), today=TODAY)
    assert (zone.surnames, zone.given_names) == (("MULLER", "LUDENSCHEIDT"), ("HANS", "PETER"))
    assert zone.date_of_birth == "1980-05-17"
    assert (zone.document_number, zone.nationality_alpha2, zone.sex) == ("C01X00T47", "DE", "male")


def test_td3_of_a_partial_date_of_birth() -> None:
    person = Person(surnames=(Name("Ng"),), date_of_birth="1975")
    zone = parse_mrz(td3(person, "X1234567", TODAY), today=TODAY)
    assert (zone.date_of_birth, zone.sex, zone.nationality) == ("1975", "unspecified", "XXA")


@pytest.mark.parametrize("seed", range(30))
def test_a_typed_stored_identifier_keeps_its_skeleton(seed: int) -> None:
    probe = identifier_probe("WVWZZZ1KZAW000123", 5, Random(seed))
    assert skeleton(probe.value) == skeleton("WVWZZZ1KZAW000123")
    assert probe.source == 5


def test_an_absent_identifier_is_sent_as_it_is() -> None:
    assert identifier_probe("AB-123-CD", None, Random(1)).value == "AB-123-CD"


def test_part_one_runs_at_a_tiny_size_and_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    main(["--parts", "inprocess", "--serial", "--persons", "150", "--objects", "600",
          "--queries", "40", "--warm-up", "4", "--report", str(report)])  # fmt: skip
    figures = json.loads(report.read_text())["inprocess"]
    persons, objects = figures["persons"], figures["objects"]
    assert persons["persons"] == 150
    assert objects["object_alerts"] == 600
    for search in (persons["person_search"], persons["mrz_search"], objects["object_search"]):
        assert search["n"] == 40
    # stored queries mostly find their own alert: the mixes are what they claim to be
    assert persons["person_search"]["stored_found_in_top10"] >= 15
    assert persons["mrz_search"]["stored_found_in_top10"] >= 15
    assert objects["object_search"]["stored_found"] == objects["object_search"]["stored_queries"]
    assert figures["extrapolated_93m"]["label"].startswith("extrapolated (linear in objects)")


def test_an_endpoint_line_splits_the_server_cpu_by_process() -> None:
    from bench.search.http import _shown

    figures = {
        "requests_per_s": 250.0, "p50_ms": 1.0, "p99_ms": 2.0, "max_ms": 3.0, "non_2xx_3xx": 0,
        "socket_errors": {"timeouts": 0}, "server_cpu_us": 5000.0,
        "server_cpu_us_by_process": {"audit writer": 400.0, "search index": 2500.0,
                                     "workers": 2100.0},
    }  # fmt: skip
    shown = _shown("POST /v1/search/persons", figures).splitlines()
    assert "server CPU 5,000 µs/request" in shown[0]
    split = "audit writer 400 µs, search index 2,500 µs, workers 2,100 µs"
    assert shown[1].split(": ", 1)[1] == split


def test_part1_reads_its_index_back_from_the_cache(tmp_path: Path) -> None:
    cache, report = tmp_path / "persons.pickle", tmp_path / "report.json"
    arguments = "--parts inprocess --persons 150 --objects 0 --queries 30 --warm-up 4".split()
    arguments += ["--report", str(report), "--index-cache", str(cache)]
    main(arguments)
    built = json.loads(report.read_text())["inprocess"]["persons"]
    assert cache.exists()
    when = cache.stat().st_mtime_ns
    main(arguments)
    read = json.loads(report.read_text())["inprocess"]["persons"]
    assert cache.stat().st_mtime_ns == when  # read, not built again
    # the same index and probes: every answer the same, the build's figures kept
    assert read["person_search"]["answers_digest"] == built["person_search"]["answers_digest"]
    assert read["build_s"] == built["build_s"]
    assert read["person_search"]["cpu"]["n"] == 30


def test_the_object_memory_bench_runs_on_a_few_alerts(capsys: pytest.CaptureFixture[str]) -> None:
    per_alert, lookup = object_memory(200)
    out = capsys.readouterr().out
    assert "bytes per object alert" in out and "one lookup" in out
    # the figures are measured, not printed constants: an alert holds at least its 16-byte
    # id and an identifier's hash, and far less than the dict layout's ~300 B; a lookup
    # takes some CPU and well under a millisecond
    assert 20 < per_alert < 300 and 0 < lookup < 1e-3


def test_part1_times_the_person_searches_with_the_heap_frozen(tmp_path: Path) -> None:
    """As the serving index process does (``freeze_startup_heap``): a full collection of
    the index's objects must not land on a timed query; the freeze ends with the part."""
    import gc

    report = tmp_path / "report.json"
    main(["--parts", "inprocess", "--persons", "150", "--objects", "0", "--queries", "20",
          "--warm-up", "4", "--report", str(report)])  # fmt: skip
    persons = json.loads(report.read_text())["inprocess"]["persons"]
    assert persons["gc_frozen_objects"] > 1000
    assert gc.get_freeze_count() == 0


def test_the_index_cost_bench_reads_a_process_cpu_and_the_http_bodies() -> None:
    import os
    import time

    from bench.search.index_cost import person_query, process_cpu

    before, mine = process_cpu(os.getpid()), time.process_time()
    while time.process_time() - mine < 0.05:  # some CPU, counted by the kernel too
        pass
    assert process_cpu(os.getpid()) - before >= 0.03
    query = person_query({"surnames": ["Müller"], "forenames": ["Hans"], "gender": "male",
                          "date_of_birth": "1980-05-17", "nationalities": ["DE"]})  # fmt: skip
    assert (query.surnames, query.gender) == (("Müller",), Gender.MALE)
    assert query.nationalities == ("DE",)
