"""``limes search …``: the indexes are built from the store, the search goes through the
service (policy, minimisation, audit), and hits come out as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import ALERT, SIRENE_DE, Run, ok, problem

from limes.domain.identifiers import icao_check_digit as cd

INDEXES = "Building search indexes"  # what the commands report on stderr first
BORDER_FR = ("--as", "guard@PAF/FR", "--role", "border_guard", "--purpose", "border_check")
DPO_FR = (
    "--as",
    "dpo@DPO/FR",
    "--role",
    "data_protection_officer",
    "--purpose",
    "data_protection",
)


def td3(surname: str, given: str, number: str, born: str, sex: str, expires: str) -> str:
    """A passport's two lines (ICAO 9303 part 4) with every check digit computed."""
    first = f"P<UTO{surname}<<{given}".ljust(44, "<")
    number = number.ljust(9, "<")
    optional = "<" * 14
    middle = (
        f"{number}{cd(number)}UTO{born}{cd(born)}{sex}{expires}{cd(expires)}"
        f"{optional}{cd(optional)}"
    )
    composite = middle[0:10] + middle[13:20] + middle[21:43]
    return first + "\n" + middle + cd(composite)


TD3 = td3("IVANOV", "IVAN", "L898902C3", "800512", "M", "301231")


def _issued(run: Run) -> str:
    alert_id: str = ok(run("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(ALERT)))[
        "id"
    ]
    return alert_id


def test_a_person_search_by_the_original_script_finds_the_alert(initialised: Run) -> None:
    alert_id = _issued(initialised)
    result = initialised(
        "search", "persons", "--surname", "Иванов", "--forename", "Иван", "--born", "1980",
        *BORDER_FR,
    )  # fmt: skip
    answer = ok(result)
    assert [h["view"]["alert"]["id"] for h in answer["hits"]] == [alert_id]
    assert answer["hits"][0]["view"]["alert"]["content"]["reason"] == ""  # minimised
    assert (
        "Building search indexes" in result.stderr and "Search indexes: 1 alerts" in result.stderr
    )


def test_an_object_search_checks_every_identifier_given(initialised: Run) -> None:
    alert_id = _issued(initialised)
    answer = ok(initialised("search", "objects", "l89 8902 c3", "NOTHING1", *BORDER_FR))
    assert [h["view"]["alert"]["id"] for h in answer["hits"]] == [alert_id]
    assert [c["value"] for c in answer["checks"]] == ["l89 8902 c3", "NOTHING1"]


def test_an_mrz_from_stdin_finds_the_person_and_a_broken_one_is_refused(initialised: Run) -> None:
    alert_id = _issued(initialised)
    answer = ok(initialised("search", "mrz", *BORDER_FR, input=TD3))
    assert alert_id in [h["view"]["alert"]["id"] for h in answer["hits"]]
    broken = TD3[:-1] + str((int(TD3[-1]) + 1) % 10)  # the composite check digit
    body = problem(initialised("search", "mrz", *BORDER_FR, input=broken), 3, after=INDEXES)
    assert "machine readable zone" in body["detail"]
    assert body["errors"][0]["pointer"] == "/mrz/line/2/column/44"


def test_a_search_the_policy_refuses_exits_with_a_problem(initialised: Run) -> None:
    operator = ("--as", "ops@OPS/DE", "--role", "system_operator", "--purpose", "operations")
    body = problem(initialised("search", "objects", "L898902C3", *operator), 5, after=INDEXES)
    assert "search:objects" in body["detail"]


def test_the_dpo_gets_the_tokens_a_search_left_in_the_audit_log(initialised: Run) -> None:
    _issued(initialised)
    ok(initialised("search", "persons", "--surname", "IVANOV", "--born", "1980-05-00", *BORDER_FR))
    tokens = ok(
        initialised("search", "tokens", "--surname", "Иванов", "--born", "1980-05", *DPO_FR)
    )
    answer = ok(initialised("audit", "query", "--user", "guard", *DPO_FR))
    searches = [i["record"] for i in answer["items"] if i["record"]["action"] == "search:persons"]
    # the same person, written in another script and with 00 for the day: the same tokens
    assert searches[-1]["query"]["searched"] == tokens["searched"]
    refused = initialised("search", "tokens", "--surname", "Ivanov", *BORDER_FR)
    assert refused.exit_code == 5


def test_an_mrz_search_is_audited_as_the_person_search_it_makes(initialised: Run) -> None:
    _issued(initialised)
    ok(initialised("search", "mrz", *BORDER_FR, input=TD3))
    asked = ("--surname", "Ivanov", "--forename", "Ivan", "--born", "1980-05-12")
    tokens = ok(initialised("search", "tokens", *asked, "--document", "L898902C3", *DPO_FR))[
        "searched"
    ]
    answer = ok(initialised("audit", "query", "--user", "guard", *DPO_FR))
    record = [i["record"] for i in answer["items"] if i["record"]["action"] == "search:persons"][-1]
    searched = record["query"]["searched"]
    for field in ("surnames", "forenames", "date_of_birth", "document_number"):
        assert searched[field] == tokens[field], field
    assert "IVANOV" not in json.dumps(record).upper()


def test_a_document_number_alone_finds_the_person(initialised: Run) -> None:
    alert_id = _issued(initialised)
    answer = ok(initialised("search", "persons", "--document", "L898902C3", *BORDER_FR))
    assert [h["view"]["alert"]["id"] for h in answer["hits"]] == [alert_id]


def test_a_date_of_birth_years_off_is_printed_as_a_possible_match(initialised: Run) -> None:
    alert_id = _issued(initialised)  # Ivanov Ivan, born 1980-05
    asked = ("--surname", "Ivanov", "--forename", "Ivan", "--born", "1985-05")
    answer = ok(initialised("search", "persons", *asked, *BORDER_FR))
    assert answer["hits"] == []
    assert [h["view"]["alert"]["id"] for h in answer["possible"]] == [alert_id]


def test_a_second_search_loads_the_snapshot_and_the_feed_after_it(
    initialised: Run, var: Path
) -> None:
    """The first search builds the indexes and writes the sealed snapshot; the next one
    loads it rather than read every alert, and applies what was issued since."""
    first_id = _issued(initialised)
    first = initialised("search", "persons", "--surname", "Ivanov", *BORDER_FR)
    assert [h["view"]["alert"]["id"] for h in ok(first)["hits"]] == [first_id]
    assert ok(first)["hits_tied_beyond_limit"] == 0  # no equal hit left out by the limit
    assert "built from the store" in first.stderr
    assert (var / "search" / "index.snapshot").exists()
    person = {
        **ALERT["person"],  # type: ignore[dict-item]
        "surnames": [{"latin": "Petrov"}],
        "documents": [],
        "date_of_birth": "1971-02-03",
    }
    later = {**ALERT, "national_reference": "DE-EAW-2", "person": person}
    second_id = ok(
        initialised("alert", "issue", "--file", "-", *SIRENE_DE, input=json.dumps(later))
    )["id"]
    again = initialised("search", "persons", "--surname", "Petrov", *BORDER_FR)
    assert "loaded from the snapshot of feed position" in again.stderr
    assert [h["view"]["alert"]["id"] for h in ok(again)["hits"]] == [second_id]


def test_a_tampered_snapshot_is_refused_and_the_search_still_answers(
    initialised: Run, var: Path
) -> None:
    """The operator with the var folder edits the snapshot: it is refused, said on
    stderr, rebuilt from the store; the answer is the store's."""
    alert_id = _issued(initialised)
    ok(initialised("search", "persons", "--surname", "Ivanov", *BORDER_FR))
    path = var / "search" / "index.snapshot"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    again = initialised("search", "persons", "--surname", "Ivanov", *BORDER_FR)
    assert [h["view"]["alert"]["id"] for h in ok(again)["hits"]] == [alert_id]
    assert "snapshot refused, rebuilding: part 1 of 1 fails" in again.stderr
    assert "built from the store" in again.stderr
