"""Fingerprints through HTTP: enrolment (JSON or one binary record), search and
verification, RFC 9457 problems that store nothing, minimised candidates, the audit."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import pytest
from tests.api.helpers import (
    DE_BORDER,
    DE_SIRENE,
    FR_SIRENE,
    PERSON,
    TestClient,
    assert_problem,
    body,
    copied,
    headers,
)
from tests.biometrics.prints import (
    base64_of,
    finger_image,
    fingers,
    latent,
    png_of,
    sparse,
    transaction,
    type14,
)

from limes.audit.heads import ensure_audit_key
from limes.audit.store import RecordQuery
from limes.biometrics.formats.iso19794_2 import decode
from limes.biometrics.formats.type9 import type9_record
from limes.bootstrap import Limes
from limes.config import Settings

VISA = "visa-1@VISA-DE/DE;roles=visa_officer"
BORDER = {"purpose": "border_check"}


@pytest.fixture
def limes_settings(limes_settings: Settings) -> Settings:
    """With an audit key, so that the log signs its heads (to read records back)."""
    ensure_audit_key(limes_settings.audit_key_path)
    return limes_settings


def enrol(client: TestClient, alert_id: str, records: list[bytes], who: str = DE_SIRENE) -> Any:
    data = body({"records": [base64_of(r) for r in records]})
    return client.post(f"/v1/alerts/{alert_id}/biometrics", content=data, headers=headers(who))


def search(client: TestClient, records: list[bytes], who: str = DE_BORDER, **more: Any) -> Any:
    data = body({"records": [base64_of(r) for r in records], **more})
    purpose = "border_check" if who == DE_BORDER else "sirene"
    return client.post("/v1/search/fingerprints", content=data, headers=headers(who, purpose))


def stored(limes: Limes, alert_id: str) -> list[int]:
    with limes.store.read() as tx:
        return [f.position for f in tx.biometrics.of(alert_id)]


def test_enrol_then_a_border_guard_finds_and_verifies_the_person(
    client: TestClient, issued: dict[str, Any]
) -> None:
    alert_id = issued["id"]
    answer = enrol(client, alert_id, [fingers(0, (1, 2)), fingers(0, (7,))])
    assert answer.status_code == 201, answer.text
    assert [f["position"] for f in answer.json()["fingers"]] == [1, 2, 7]
    assert "template" not in answer.text
    url = f"/v1/alerts/{alert_id}/biometrics"
    listed = client.get(url, headers=headers(DE_BORDER, **BORDER))
    assert listed.status_code == 200, listed.text
    assert [(f["position"], f["enrolled_by"]) for f in listed.json()["fingers"]] == [
        (1, "DE"),
        (2, "DE"),
        (7, "DE"),
    ]
    assert listed.json()["withheld"] is False and "template" not in listed.text
    assert_problem(client.get(url, headers=headers(VISA, "visa")), 403, "forbidden")
    found = search(client, [fingers(0, (2, 7), capture=1)])
    assert found.status_code == 200, found.text
    (candidate, *_) = found.json()["candidates"]
    assert candidate["alert"]["id"] == alert_id
    assert [f["position"] for f in candidate["fingers"]] == [2, 7]
    # the border guard's view withholds the reason, and so does the candidate's alert
    assert PERSON["reason"] not in found.text
    verify = {"alert_id": alert_id, "records": [base64_of(fingers(0, (1,), capture=2))]}
    checked = client.post("/v1/verify", content=body(verify), headers=headers(DE_BORDER, **BORDER))
    assert checked.status_code == 200, checked.text
    assert checked.json()["agrees"] is True and checked.json()["threshold"] == 0.04


def test_one_record_may_be_sent_as_octet_stream(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    binary = headers() | {"Content-Type": "application/octet-stream"}
    url = f"/v1/alerts/{issued['id']}/biometrics"
    assert client.post(url, content=fingers(1, (3,)), headers=binary).status_code == 201
    assert stored(limes, issued["id"]) == [3]
    probe = headers(DE_BORDER, **BORDER) | {"Content-Type": "application/octet-stream"}
    found = client.post("/v1/search/fingerprints", content=fingers(1, (3,), 1), headers=probe)
    assert [c["alert"]["id"] for c in found.json()["candidates"]] == [issued["id"]]
    text = headers() | {"Content-Type": "text/plain"}
    assert_problem(client.post(url, content=b"x", headers=text), 415, "unsupported-media-type")


def test_bad_records_answer_located_problems_and_store_nothing(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    alert_id = issued["id"]
    url = f"/v1/alerts/{alert_id}/biometrics"
    cases: list[tuple[bytes, str, str]] = [
        (body({"records": ["not base64!"]}), "/records/0", "base64"),
        (body({"records": ["\U0001d8bfAAA"]}), "/records/0", "base64"),
        (body({"records": [base64_of(b"FMR\x00 20\x00")]}), "/records/0/bytes/8", "cut short"),
        (body({"records": [base64_of(sparse())]}), "/records/0/views/0", "at least 12"),
        (body({"records": []}), "/records", ""),
        (body({"records": [base64_of(fingers(0, (1,)))], "extra": 1}), "/extra", ""),
        (b'{"records": ["a"], "records": ["b"]}', "", "twice"),
    ]
    for content, pointer, detail in cases:
        problem = assert_problem(
            client.post(url, content=content, headers=headers()), 400, "invalid-input"
        )
        assert detail in problem["detail"]
        if pointer:
            assert pointer in [e["pointer"] for e in problem["errors"]], problem
    assert stored(limes, alert_id) == []


def test_only_the_issuing_state_enrols_and_visa_officers_do_not_search(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    assert_problem(enrol(client, issued["id"], [fingers(0, (1,))], FR_SIRENE), 403, "forbidden")
    assert_problem(enrol(client, issued["id"], [fingers(0, (1,))], DE_BORDER), 403, "forbidden")
    data = body({"records": [base64_of(fingers(0, (1,)))]})
    refused = client.post("/v1/search/fingerprints", content=data, headers=headers(VISA, "visa"))
    assert_problem(refused, 403, "forbidden")
    assert stored(limes, issued["id"]) == []


def test_a_deleted_alert_takes_its_fingers_with_it(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    alert_id = issued["id"]
    assert enrol(client, alert_id, [fingers(2)]).status_code == 201
    deleted = client.delete(f"/v1/alerts/{alert_id}", headers=headers(**{"If-Match": '"1"'}))
    assert deleted.status_code in (200, 204), deleted.text
    assert stored(limes, alert_id) == []
    assert search(client, [fingers(2, (1, 2), capture=1)]).json()["candidates"] == []


def test_a_latent_search_and_the_audit_names_the_modality_only(
    client: TestClient, limes: Limes
) -> None:
    other = copied(PERSON)
    other["person"]["documents"] = []
    answer = client.post("/v1/alerts", content=body(other), headers=headers())
    alert_id = answer.json()["id"]
    assert enrol(client, alert_id, [fingers(2)]).status_code == 201
    position, mark = latent(2, 2)
    found = search(client, [mark], FR_SIRENE).json()["candidates"]
    assert found[0]["alert"]["id"] == alert_id
    assert max(found[0]["fingers"], key=lambda f: f["score"])["position"] == position
    limes.audit.checkpoint()
    ours = []
    for user in ("sirene-1", "sirene-2"):
        page = limes.audit.query(RecordQuery(user=user, limit=1000))
        assert page is not None
        ours += [
            p.record.document
            for p in page.items
            if p.record.document["action"] in ("biometric:enrol", "search:fingerprints")
        ]
    assert {d["action"] for d in ours} == {"biometric:enrol", "search:fingerprints"}
    assert all(d["query"] == {"biometric": {"modality": "fingerprint"}} for d in ours)
    raw = orjson.dumps(ours)
    assert base64_of(mark)[:40].encode() not in raw and b"FMR" not in raw


def test_a_transaction_of_images_enrols_and_a_bare_image_finds_the_alert(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    alert_id = issued["id"]
    url = f"/v1/alerts/{alert_id}/biometrics"
    an2 = headers() | {"Content-Type": "application/x-ansi-nist"}
    bad = transaction(type14(finger_image(1), 2), type14(finger_image(2), 12, "NONE"))
    problem = assert_problem(client.post(url, content=bad, headers=an2), 400, "invalid-input")
    assert [e["pointer"] for e in problem["errors"]] == ["/records/2/fields/14.013"]
    refused = client.post(url, content=transaction(), headers=an2 | {"Content-Length": "x"})
    assert_problem(refused, 400, "invalid-input")
    with_position = client.post(f"{url}?position=2", content=bad, headers=an2)
    assert_problem(with_position, 400, "invalid-input")
    assert stored(limes, alert_id) == []
    good = transaction(type14(finger_image(1), 2), type14(finger_image(2), 7, "NONE"))
    enrolled = client.post(url, content=good, headers=an2)
    assert enrolled.status_code == 201, enrolled.text
    assert [f["position"] for f in enrolled.json()["fingers"]] == [2, 7]
    assert all(f["quality"] >= 20 for f in enrolled.json()["fingers"])
    assert stored(limes, alert_id) == [2, 7]
    probe = headers(DE_BORDER, **BORDER) | {"Content-Type": "image/png"}
    image = png_of(finger_image(2, capture=1))
    found = client.post("/v1/search/fingerprints?position=7", content=image, headers=probe)
    assert found.status_code == 200, found.text
    assert [c["alert"]["id"] for c in found.json()["candidates"]][:1] == [alert_id]
    unknown = client.post("/v1/search/fingerprints", content=image, headers=probe)
    assert [c["alert"]["id"] for c in unknown.json()["candidates"]][:1] == [alert_id]
    not_png = client.post("/v1/search/fingerprints?position=7", content=b"x", headers=probe)
    assert_problem(not_png, 400, "invalid-input")
    assert_problem(
        client.post("/v1/search/fingerprints?position=11", content=image, headers=probe),
        400,
        "invalid-input",
    )
    palm = transaction(type14(finger_image(4), 23, "NONE", record_type=15))
    assert client.post(url, content=palm, headers=an2).status_code == 201
    mark = png_of(finger_image(4, capture=1))
    by_palm = client.post("/v1/search/fingerprints?position=20", content=mark, headers=probe)
    (first, *_) = by_palm.json()["candidates"]
    assert (first["alert"]["id"], first["fingers"][0]["position"]) == (alert_id, 23)


def test_latent_hits_are_listed_apart_and_the_same_fingers_elsewhere_refused(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    scene = {
        "category": "unknown_wanted",
        "action": "identify",
        "issuing_authority": "Bundeskriminalamt",
        "national_reference": "BKA-SCENE-1",
        "reason": "A mark from a burglary scene",
        "person": {"gender": "male"},
        "biometrics": [{"modality": "fingerprint", "format": "ISO/IEC 19794-2", "reference": "S"}],
    }
    answer = client.post("/v1/alerts", content=body(scene), headers=headers())
    assert answer.status_code == 201, answer.text
    scene_id = answer.json()["id"]
    position, mark = latent(2, 2)
    assert enrol(client, scene_id, [mark]).status_code == 201
    assert enrol(client, issued["id"], [fingers(2)]).json()["latent_hits"][0]["slot"] == 100
    found = search(client, [fingers(2, capture=1)]).json()
    (hit,) = found["latent_hits"]
    assert (hit["alert"]["id"], hit["position"]) == (scene_id, position)
    assert scene_id not in [c["alert"]["id"] for c in found["candidates"]]
    other = copied(PERSON)
    other["national_reference"] = "BKA-OTHER"
    other["person"] = PERSON["person"] | {"surnames": [{"latin": "Anders"}], "documents": []}
    second = client.post("/v1/alerts", content=body(other), headers=headers()).json()["id"]
    refused = enrol(client, second, [fingers(2, capture=2)])
    assert "the same fingerprints" in assert_problem(refused, 409, "conflict")["detail"]
    assert stored(limes, second) == []


def type9_transaction(index: int, positions: tuple[int, ...], capture: int) -> bytes:
    iso = decode(fingers(index, positions, capture))
    return transaction(
        *(type9_record(v, iso.width, iso.height, n) for n, v in enumerate(iso.views))
    )


def test_type9_minutiae_enrol_and_search_and_a_bad_one_is_located(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    alert_id = issued["id"]
    url = f"/v1/alerts/{alert_id}/biometrics"
    an2 = headers() | {"Content-Type": "application/x-ansi-nist"}
    iso = decode(fingers(0, (1,)))
    flipped = type9_record(iso.views[0], iso.width, iso.height)
    flipped = replace(flipped, fields=(*flipped.fields[:2], (4, "U"), *flipped.fields[3:]))
    problem = assert_problem(
        client.post(url, content=transaction(flipped), headers=an2), 400, "invalid-input"
    )
    assert [e["pointer"] for e in problem["errors"]] == ["/records/1/fields/9.004"]
    assert stored(limes, alert_id) == []
    enrolled = client.post(url, content=type9_transaction(0, (1, 6), 0), headers=an2)
    assert enrolled.status_code == 201, enrolled.text
    assert stored(limes, alert_id) == [1, 6]
    probe = headers(DE_BORDER, **BORDER) | {"Content-Type": "application/x-ansi-nist"}
    found = client.post(
        "/v1/search/fingerprints", content=type9_transaction(0, (6,), 1), headers=probe
    )
    assert found.status_code == 200, found.text
    (candidate, *_) = found.json()["candidates"]
    assert candidate["alert"]["id"] == alert_id
    assert [f["position"] for f in candidate["fingers"]] == [6]
