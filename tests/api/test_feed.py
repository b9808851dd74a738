"""``/v1/feed``: the replication feed over HTTP for system clients, and the as-of
headers every answer of a national copy carries."""

from __future__ import annotations

import base64
import functools
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tests.api.helpers import TestClient, assert_problem, headers
from tests.conftest import FixedClock
from tests.service.copy_helpers import (
    COPY_CLIENT,
    COPY_USER,
    centre_site,
    copy_of,
    operator,
    person,
)

from limes.api.app import create_app
from limes.audit.heads import public_pem
from limes.service.audit_forwarding import CONTEXT, batch_hash
from limes.service.replication import CopyFilter
from limes.store.sqlite import SqliteStore


def as_copy() -> dict[str, str]:
    return headers(COPY_CLIENT, "operations")


def test_a_system_client_pages_through_the_feed(tmp_path: Path, clock: FixedClock) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    alert_id = person(site.limes)
    answer = site.client.get("/v1/feed?after=0&limit=5", headers=as_copy())
    assert answer.status_code == 200, answer.text
    (item,) = answer.json()["items"]
    assert (item["seq"], item["alert_id"], item["row_seq"]) == (1, alert_id, 1)
    assert "Ivanova" not in answer.text  # sealed rows only
    skipped = site.client.get("/v1/feed?after=0&state=FR", headers=as_copy()).json()
    assert skipped["items"] == [{"seq": 1, "skipped": True}]
    assert site.client.get("/v1/feed/digest", headers=as_copy()).json()["seq"] == 1
    leaves = site.client.get("/v1/feed/leaves?partition=DE/arrest", headers=as_copy()).json()
    assert leaves["leaves"] == [[alert_id, 1, "active", None]]


def test_bad_input_and_strangers_are_refused(tmp_path: Path, clock: FixedClock) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    assert_problem(site.client.get("/v1/feed?after=-1", headers=as_copy()), 400, "invalid-input")
    assert_problem(site.client.get("/v1/feed?limit=5000", headers=as_copy()), 400, "invalid-input")
    bad = site.client.get("/v1/feed?category=a%20b", headers=as_copy())
    assert_problem(bad, 400, "invalid-input")
    assert site.client.get("/v1/feed", headers=headers(None, None)).status_code == 401
    guard = headers("guard-1@BPOL/FR;roles=border_guard", "border_check")
    assert site.client.get("/v1/feed", headers=guard).status_code == 403


def test_every_answer_of_a_copy_says_its_position_and_age(
    tmp_path: Path, clock: FixedClock
) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    person(site.limes)
    copy = copy_of(site, SqliteStore(tmp_path / "copy.db"), clock)
    copy.copies.catch_up(site.feed())
    clock.advance(seconds=90)
    client = TestClient(create_app(copy))
    answer = client.get("/v1/health")
    assert answer.headers["limes-as-of"] == "1"
    assert answer.headers["limes-as-of-age"] == "90.000"
    assert "limes-as-of" not in site.client.get("/v1/health").headers  # the centre: none


def test_audit_batches_are_validated_strictly_and_leave_nothing_when_refused(
    tmp_path: Path, clock: FixedClock
) -> None:
    site = centre_site(SqliteStore(tmp_path / "c.db"), clock)
    key = Ed25519PrivateKey.generate()
    site.limes.replication.bind(
        operator(), COPY_USER, CopyFilter(), public_pem(key.public_key()).encode()
    )
    record = '{"action":"search:persons","seq":0}'
    good = base64.b64encode(key.sign(CONTEXT + batch_hash(COPY_USER, 0, [record]))).decode()
    post = functools.partial(site.client.post, "/v1/feed/audit", headers=as_copy())
    for bad, pointer in (
        ({"first": -1, "records": [record], "signature": good}, "/first"),
        ({"first": 0, "records": [], "signature": good}, "/records"),
        ({"first": 0, "records": [record], "signature": "not base64!"}, "/signature"),
        ({"first": 0, "records": [record], "signature": good, "extra": 1}, "/extra"),
        ({"first": "0", "records": [record], "signature": good}, "/first"),
    ):
        answer = post(json=bad)
        assert_problem(answer, 400, "invalid-input")
        assert pointer in answer.text
    forged = base64.b64encode(Ed25519PrivateKey.generate().sign(b"x")).decode()
    assert_problem(
        post(json={"first": 0, "records": [record], "signature": forged}), 400, "invalid-input"
    )
    with site.limes.store.read() as tx:
        assert tx.copies.forwarded_next(COPY_USER) == 0  # nothing kept from a refusal
    answer = post(json={"first": 0, "records": [record], "signature": good})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"stored": 1, "repeats": 0, "next": 1}
