"""``/v1/feed``: the replication feed over HTTP for system clients, and the as-of
headers every answer of a national copy carries."""

from __future__ import annotations

from pathlib import Path

from tests.api.helpers import TestClient, assert_problem, headers
from tests.conftest import FixedClock
from tests.service.copy_helpers import COPY_CLIENT, centre_site, copy_of, person

from limes.api.app import create_app
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
