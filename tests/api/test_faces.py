"""Faces through HTTP: enrolment (JSON or one raw image), search, verification through
``POST /v1/verify``, RFC 9457 problems that store nothing, sealed at rest, the audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.api.helpers import (
    DE_BORDER,
    DE_SIRENE,
    FR_SIRENE,
    TestClient,
    assert_problem,
    body,
    headers,
)
from tests.biometrics.portraits import base64_of, collins, hopper, hopper_again, no_face, two_faces
from tests.store_peek import peek

from limes.audit.heads import ensure_audit_key
from limes.audit.store import RecordQuery
from limes.bootstrap import Limes
from limes.config import Settings
from limes.store.sqlite import SqliteStore

VISA = "visa-1@VISA-DE/DE;roles=visa_officer"


@pytest.fixture
def limes_settings(limes_settings: Settings) -> Settings:
    """With an audit key, so that the log signs its heads (to read records back)."""
    ensure_audit_key(limes_settings.audit_key_path)
    return limes_settings


def enrol(client: TestClient, alert_id: str, images: list[bytes], who: str = DE_SIRENE) -> Any:
    data = body({"images": [base64_of(i) for i in images]})
    return client.post(f"/v1/alerts/{alert_id}/faces", content=data, headers=headers(who))


def search(client: TestClient, image: bytes, who: str = DE_BORDER, **more: Any) -> Any:
    data = body({"image": base64_of(image), **more})
    purpose = "border_check" if who == DE_BORDER else "sirene"
    return client.post("/v1/search/faces", content=data, headers=headers(who, purpose))


def verify(client: TestClient, alert_id: str, image: bytes) -> Any:
    data = body({"alert_id": alert_id, "face": base64_of(image)})
    return client.post("/v1/verify", content=data, headers=headers(DE_BORDER, "border_check"))


def stored(limes: Limes, alert_id: str) -> list[int]:
    with limes.store.read() as tx:
        return [f.number for f in tx.faces.of(alert_id)]


def test_enrol_then_a_border_guard_finds_and_verifies_the_face(
    client: TestClient, issued: dict[str, Any], limes: Limes, db: SqliteStore
) -> None:
    alert_id = issued["id"]
    answer = enrol(client, alert_id, [hopper()])
    assert answer.status_code == 201, answer.text
    (face,) = answer.json()["faces"]
    assert (face["number"], face["media_type"], face["width"]) == (1, "image/jpeg", 512)
    found = search(client, hopper_again()).json()["candidates"]
    assert [c["alert"]["id"] for c in found] == [alert_id]
    assert found[0]["distance"] < 0.2 and found[0]["score"] > 0.98 and found[0]["face"] == 1
    same = verify(client, alert_id, hopper_again()).json()
    assert (same["modality"], same["agrees"], same["face"]) == ("face", True, 1)
    assert same["threshold"] == 0.4 and same["fingers"] == []
    assert verify(client, alert_id, collins()).json()["agrees"] is False
    # image and template are sealed: neither is in the database file or its WAL
    with db.read() as tx:
        [(sealed,)] = peek(tx).rows("SELECT face FROM alert_faces")
    template = limes.faces.index._vectors[0].tobytes()
    files = [Path(db.path), Path(f"{db.path}-wal")]
    for data in [f.read_bytes() for f in files if f.exists()] + [bytes(sealed)]:
        assert hopper()[1000:1064] not in data and template[:64] not in data


def test_one_image_may_be_sent_as_octet_stream(client: TestClient, issued: dict[str, Any]) -> None:
    raw = {**headers(), "Content-Type": "application/octet-stream"}
    url = f"/v1/alerts/{issued['id']}/faces"
    answer = client.post(url, content=hopper_again(), headers=raw)
    assert answer.status_code == 201, answer.text
    assert answer.json()["faces"][0]["media_type"] == "image/png"
    raw = {**headers(DE_BORDER, "border_check"), "Content-Type": "application/octet-stream"}
    found = client.post("/v1/search/faces", content=hopper(), headers=raw).json()
    assert found["candidates"][0]["alert"]["id"] == issued["id"]


@pytest.mark.parametrize(
    ("images", "pointer"),
    [
        (lambda: [b"not an image at all"], "/images/0/bytes/0"),
        (lambda: [collins(), two_faces()], "/images/1/face"),
        (lambda: [no_face()], "/images/0/face"),
    ],
)
def test_bad_images_answer_located_problems_and_store_nothing(
    client: TestClient, issued: dict[str, Any], limes: Limes, images: Any, pointer: str
) -> None:
    problem = assert_problem(enrol(client, issued["id"], images()), 400, "invalid-input")
    assert problem["errors"][0]["pointer"] == pointer
    assert stored(limes, issued["id"]) == []
    data = body({"images": ["@@@"]})
    url = f"/v1/alerts/{issued['id']}/faces"
    problem = assert_problem(
        client.post(url, content=data, headers=headers()), 400, "invalid-input"
    )
    assert problem["errors"][0]["pointer"] == "/images/0"
    both = body({"alert_id": issued["id"], "face": base64_of(hopper()), "records": ["AA=="]})
    asked = client.post("/v1/verify", content=both, headers=headers(DE_BORDER, "border_check"))
    assert assert_problem(asked, 400, "invalid-input")["errors"][0]["pointer"] == "/records"
    assert stored(limes, issued["id"]) == []


def test_only_the_issuing_state_enrols_and_visa_officers_do_not_search(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    assert_problem(enrol(client, issued["id"], [hopper()], FR_SIRENE), 403, "forbidden")
    visa = client.post(
        "/v1/search/faces",
        content=body({"image": base64_of(hopper())}),
        headers=headers(VISA, "visa"),
    )
    assert_problem(visa, 403, "forbidden")
    assert stored(limes, issued["id"]) == []


def test_the_audit_names_the_modality_and_outcome_only(
    client: TestClient, issued: dict[str, Any], limes: Limes
) -> None:
    alert_id = issued["id"]
    assert enrol(client, alert_id, [hopper()]).status_code == 201
    assert search(client, hopper_again(), FR_SIRENE).status_code == 200
    assert verify(client, alert_id, hopper_again()).status_code == 200
    limes.audit.checkpoint()
    ours = []
    for user in ("sirene-1", "sirene-2", "guard-1"):
        page = limes.audit.query(RecordQuery(user=user, limit=1000))
        assert page is not None
        ours += [
            p.record.document
            for p in page.items
            if p.record.document["action"]
            in ("biometric:enrol", "search:faces", "biometric:verify")
        ]
    assert {d["action"] for d in ours} == {"biometric:enrol", "search:faces", "biometric:verify"}
    assert all(d["query"] == {"biometric": {"modality": "face"}} for d in ours)
    verified = [d for d in ours if d["action"] == "biometric:verify" and d["refs"]]
    assert [d["refs"] for d in verified] == [{"agrees": True}]  # the outcome, no score
    raw = orjson.dumps(ours)
    assert base64_of(hopper())[100:140].encode() not in raw and b"JFIF" not in raw
    assert b"template" not in raw
