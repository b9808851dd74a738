"""``/v1/search``: persons, objects and MRZ through the HTTP door.

Each test issues alerts through the API, searches, and checks the hits, their
explanations, the policy's filtering and minimisation, the audit record and the
refusals of bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.api.conftest import Clock
from tests.api.helpers import (
    DE_BORDER,
    DE_SIRENE,
    FR_SIRENE,
    PERSON,
    PROBLEM,
    VEHICLE,
    TestClient,
    body,
    copied,
    headers,
)

from limes.audit.heads import ensure_audit_key
from limes.audit.store import RecordQuery
from limes.bootstrap import Limes, build
from limes.config import AuthMode, Environment, Settings
from limes.store.sqlite import SqliteStore

VISA = "visa-1@CONSULATE/FR;roles=visa_officer"


@pytest.fixture
def limes(db: SqliteStore, api_clock: Clock, tmp_path: Path) -> Iterator[Limes]:
    """The API's Limes with an audit log that signs its heads (to read records back)."""
    settings = Settings(
        var_dir=tmp_path / "var",
        environment=Environment.DEVELOPMENT,
        auth=AuthMode.UNSAFE_DEV_HEADERS,
        max_body_bytes=64 * 1024,
        test_only_fixed_keyring=True,
    )
    ensure_audit_key(settings.audit_key_path)
    app = build(settings, store=db, clock=api_clock)
    yield app
    app.close()


TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _issue(client: TestClient, document: dict[str, Any], who: str = DE_SIRENE) -> str:
    answer = client.post("/v1/alerts", content=body(document), headers=headers(who))
    assert answer.status_code == 201, answer.text
    alert_id: str = answer.json()["id"]
    return alert_id


def _search(
    client: TestClient,
    kind: str,
    query: dict[str, Any],
    who: str = DE_SIRENE,
    purpose: str = "sirene",
) -> Any:
    return client.post(f"/v1/search/{kind}", content=body(query), headers=headers(who, purpose))


def _hits(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["hits"]
    return found


def _feature(hit: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in hit["features"] if f["name"] == name)


def test_a_cyrillic_query_finds_the_latin_alert_and_explains_why(client: TestClient) -> None:
    alert = _issue(client, PERSON)  # Ivanova / Иванова, Olga, 1984-03-17
    hits = _hits(
        _search(
            client,
            "persons",
            {
                "surnames": ["Иванова"],
                "forenames": ["Ольга"],
                "date_of_birth": "1984",
            },
        )
    )
    assert [h["alert"]["id"] for h in hits] == [alert]
    hit = hits[0]
    assert 0.8 <= hit["score"] <= 1.0
    name = _feature(hit, "name")
    assert {p["role"] for p in name["parts"]} == {"surname", "forename"}
    assert all(p["alert"] for p in name["parts"])
    born = _feature(hit, "date_of_birth")
    assert (born["query"], born["alert"], born["note"]) == (
        "1984",
        "1984-03-17",
        "equal as far as both are known",
    )


def test_a_typo_still_hits_but_another_date_of_birth_does_not(client: TestClient) -> None:
    alert = _issue(client, PERSON)
    typo = _hits(
        _search(
            client,
            "persons",
            {"surnames": ["Ivanowa"], "forenames": ["Olga"], "date_of_birth": "1984-03-17"},
        )
    )
    assert [h["alert"]["id"] for h in typo] == [alert]
    other = _hits(
        _search(
            client,
            "persons",
            {"surnames": ["Ivanova"], "forenames": ["Olga"], "date_of_birth": "1950-01-01"},
        )
    )
    assert other == []


def test_a_document_number_alone_finds_the_person(client: TestClient) -> None:
    alert = _issue(client, PERSON)
    number = PERSON["person"]["documents"][0]["number"]
    hits = _hits(_search(client, "persons", {"document_number": number}, DE_BORDER, "border_check"))
    assert [h["alert"]["id"] for h in hits] == [alert]
    assert _feature(hits[0], "document")["score"] == 1.0


def test_swapped_day_and_month(client: TestClient) -> None:
    document = copied(PERSON)
    document["person"]["date_of_birth"] = "1984-03-07"
    alert = _issue(client, document)
    hits = _hits(
        _search(
            client,
            "persons",
            {"surnames": ["Ivanova"], "forenames": ["Olga"], "date_of_birth": "1984-07-03"},
        )
    )
    assert [h["alert"]["id"] for h in hits] == [alert]
    assert _feature(hits[0], "date_of_birth")["note"] == "day and month swapped"


def test_a_border_guard_sees_the_hit_minimised(client: TestClient) -> None:
    _issue(client, PERSON)
    hits = _hits(
        _search(
            client,
            "persons",
            {"surnames": ["Ivanova"], "forenames": ["Olga"]},
            DE_BORDER,
            "border_check",
        )
    )
    assert len(hits) == 1
    alert = hits[0]["alert"]
    assert alert["content"]["reason"] == ""
    assert "reason" in alert["withheld"] and "issuer" in alert["withheld"]


def test_a_visa_officer_never_sees_arrest_alerts(client: TestClient) -> None:
    _issue(client, PERSON)  # an arrest alert
    assert _hits(_search(client, "persons", {"surnames": ["Ivanova"]}, VISA, "visa")) == []
    refused = _search(
        client, "persons", {"surnames": ["Ivanova"], "categories": ["arrest"]}, VISA, "visa"
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM


def test_object_search_finds_look_alikes_across_kinds(client: TestClient) -> None:
    alert = _issue(client, VEHICLE)
    hits = _hits(
        _search(
            client,
            "objects",
            {
                "identifiers": [
                    {"value": "1m8gdm9axkp042788", "kind": "vin"},
                    {
                        "value": "К АВ 123",
                        "country": "DE",
                    },  # Cyrillic К, А, В typed for the Latin letters
                ]
            },
        )
    )
    assert [h["alert"]["id"] for h in hits] == [alert]
    found = {i["kind"]: i for i in hits[0]["identifiers"]}
    assert found["vin"]["exact"] is True


def test_object_search_reports_a_wrong_check_digit_and_still_searches(client: TestClient) -> None:
    alert = _issue(client, VEHICLE)
    answer = _search(client, "objects", {"identifiers": [{"value": "K-AB-I23", "kind": "plate"}]})
    hits = _hits(answer)
    assert [h["alert"]["id"] for h in hits] == [alert]
    assert hits[0]["identifiers"][0]["exact"] is False
    wrong = _search(
        client, "objects", {"identifiers": [{"value": "1M8GDM9A0KP042788", "kind": "vin"}]}
    )
    checks = wrong.json()["checks"]
    assert checks[0]["check"] == "invalid" and checks[0]["problem"]


def test_mrz_search_finds_the_person_and_the_document(client: TestClient) -> None:
    person = copied(PERSON)
    person["person"]["surnames"] = [{"latin": "Eriksson"}]
    person["person"]["forenames"] = [{"latin": "Anna"}, {"latin": "Maria"}]
    person["person"]["date_of_birth"] = "1974-08-12"
    person["person"]["nationalities"] = ["SE"]
    person["person"]["documents"] = []
    alert = _issue(client, person)
    answer = _search(client, "mrz", {"mrz": TD3})
    hits = _hits(answer)
    assert [h["alert"]["id"] for h in hits] == [alert]
    assert answer.json()["mrz"]["document_number"] == "L898902C3"
    # the zone's sex, birth date and nationality are compared as well as the names
    assert _feature(hits[0], "gender")["query"] == "female"
    assert _feature(hits[0], "date_of_birth")["note"] == "equal"


def test_a_bad_mrz_is_refused_with_every_problem_located(client: TestClient) -> None:
    broken = TD3.replace("L898902C36", "L898902C35")
    answer = _search(client, "mrz", {"mrz": broken})
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["errors"] and problem["errors"][0]["pointer"].startswith("/mrz/line/2/")


@pytest.mark.parametrize(
    "query",
    [
        {"surnames": []},
        {"surnames": ["Ivanova"], "date_of_birth": "1984-13-01"},
        {"surnames": ["Ivanova"], "nationalities": ["ZZ"]},
        {"surnames": ["Ivanova"], "unknown": 1},
        {"surnames": ["Ivanova"], "limit": 0},
        {"surnames": ["Ivanova"], "limit": 51},
        {"surnames": ["1234"]},
        {"surnames": ["x" * 201]},
    ],
)
def test_bad_person_queries_are_refused(client: TestClient, query: dict[str, Any]) -> None:
    answer = _search(client, "persons", query)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == PROBLEM


def test_bad_object_queries_are_refused(client: TestClient) -> None:
    queries: list[dict[str, Any]] = [
        {"identifiers": []},
        {"identifiers": [{"value": "--"}]},
        {"identifiers": [{"value": "A" * 41}]},
    ]
    for query in queries:
        answer = _search(client, "objects", query)
        assert answer.status_code == 400, (query, answer.text)


def test_search_needs_credentials_and_a_purpose(client: TestClient) -> None:
    assert (
        client.post(
            "/v1/search/persons", content=body({"surnames": ["X"]}), headers=headers(None)
        ).status_code
        == 401
    )
    no_purpose = client.post(
        "/v1/search/persons", content=body({"surnames": ["X"]}), headers=headers(DE_SIRENE, None)
    )
    assert no_purpose.status_code in (400, 403)


def _searches(limes: Limes) -> list[dict[str, Any]]:
    """The audit records of FR_SIRENE's person searches, oldest first."""
    limes.audit.checkpoint()
    answer = limes.audit.query(RecordQuery(user="sirene-2", limit=1000))
    assert answer is not None
    found = [p.record.document for p in answer.items]
    return [r for r in found if r["action"] == "search:persons"]


def test_a_search_is_audited_without_the_names_searched(client: TestClient, limes: Limes) -> None:
    alert = _issue(client, PERSON)
    _hits(
        _search(
            client, "persons", {"surnames": ["Ivanova"], "date_of_birth": "1984-03-17"}, FR_SIRENE
        )
    )
    search = _searches(limes)[-1]
    assert search["outcome"] == "allowed"
    assert [a["id"] for a in search["alerts"]] == [alert]
    raw = orjson.dumps(search).decode().lower()
    assert "ivanova" not in raw and "1984" not in raw
    tokens = search["query"]["searched"]
    assert tokens["surnames"][0].startswith("i1.") and tokens["date_of_birth"].startswith("i1.")
    # the same search gives the same tokens: a DPO can find who searched for whom
    _search(client, "persons", {"surnames": ["IVANOVA"], "date_of_birth": "1984-03-17"}, FR_SIRENE)
    again = _searches(limes)[-1]
    assert again["query"]["searched"]["surnames"] == tokens["surnames"]


def test_an_alert_is_findable_after_issue_and_gone_after_delete(
    client: TestClient, limes: Limes
) -> None:
    assert _hits(_search(client, "persons", {"surnames": ["Ivanova"]})) == []  # builds the index
    alert = _issue(client, PERSON)
    limes.search.engine.catch_up()  # what the feed follower does every 0.2 s
    assert [
        h["alert"]["id"] for h in _hits(_search(client, "persons", {"surnames": ["Ivanova"]}))
    ] == [alert]
    read = client.get(f"/v1/alerts/{alert}", headers=headers())
    gone = client.delete(
        f"/v1/alerts/{alert}", headers=headers(**{"If-Match": read.headers["ETag"]})
    )
    assert gone.status_code == 204
    limes.search.engine.catch_up()
    assert _hits(_search(client, "persons", {"surnames": ["Ivanova"]})) == []


def test_a_hit_on_an_alert_flagged_by_the_searching_state_says_not_to_act(
    client: TestClient,
) -> None:
    alert = _issue(client, PERSON)
    asked = client.post(
        f"/v1/alerts/{alert}/flags",
        content=body({"reason": "national law"}),
        headers=headers(FR_SIRENE),
    )
    assert asked.status_code in (200, 201), asked.text
    granted = client.post(
        f"/v1/alerts/{alert}/flags/FR/decision",
        content=body({"grant": True, "reason": "agreed"}),
        headers=headers(DE_SIRENE),
    )
    assert granted.status_code == 200, granted.text
    query = {"surnames": ["Ivanova"], "forenames": ["Olga"]}
    french = _hits(_search(client, "persons", query, FR_SIRENE))
    assert french[0]["alert"]["action_note"] == "not to be carried out in FR"
    german = _hits(_search(client, "persons", query, DE_SIRENE))
    assert german[0]["alert"]["action_note"] is None
