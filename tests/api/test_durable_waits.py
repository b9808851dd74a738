"""The hot routes' durable writes are queued, not waited for in a request thread, and
awaited on the event loop before the answer leaves (``threads.off_loop_durable``,
``group_commit.deferring``): the answer never leaves before its record is durable, and
a refusal or failure that comes through a pending write replaces it with the problem
the service would have raised."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from tests.api.helpers import DE_BORDER, PERSON, PROBLEM, TestClient, body, headers

from limes.audit.record import parse
from limes.bootstrap import Limes

GUARD = headers(DE_BORDER, "border_check")
PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance"}


@pytest.fixture
def alert_id(issued: dict[str, Any]) -> str:
    found: str = issued["id"]
    return found


def _wrapped(
    monkeypatch: pytest.MonkeyPatch,
    owner: Any,
    name: str,
    before: Callable[[], None],
) -> None:
    """``owner.name()`` (a transaction) with ``before()`` called as it opens."""
    opened: Callable[..., AbstractContextManager[Any]] = getattr(owner, name)

    @contextmanager
    def wrapped(*args: Any, **kwargs: Any) -> Iterator[Any]:
        before()
        with opened(*args, **kwargs) as tx:
            yield tx

    monkeypatch.setattr(owner, name, wrapped)


def _records(limes: Limes, action: str) -> list[dict[str, Any]]:
    with limes.audit.store.read() as tx:
        return [r for r in (parse(row[5]) for row in tx.all_records()) if r["action"] == action]


def _no_reads_left(limes: Limes, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = limes.alerts.reads
    monkeypatch.setattr(reads, "bounds", dataclasses.replace(reads.bounds, daily_reads=0))


def test_the_record_is_committed_by_the_committer_not_the_request_thread(
    client: TestClient, limes: Limes, alert_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    committers: list[str] = []
    _wrapped(
        monkeypatch,
        limes.audit.store,
        "write",
        lambda: committers.append(threading.current_thread().name),
    )
    answer = client.get(f"/v1/alerts/{alert_id}", headers=GUARD)
    assert answer.status_code == 200, answer.text
    assert committers and all(n.startswith("limes-commit") for n in committers), committers


def test_the_answer_leaves_only_once_its_record_is_committed(
    client: TestClient, limes: Limes, alert_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside, release = threading.Event(), threading.Event()

    def held() -> None:
        inside.set()
        assert release.wait(10)

    _wrapped(monkeypatch, limes.audit.store, "write", held)
    answers: list[int] = []
    reader = threading.Thread(
        target=lambda: answers.append(
            client.get(f"/v1/alerts/{alert_id}", headers=GUARD).status_code
        )
    )
    reader.start()
    assert inside.wait(10)
    reader.join(0.5)
    assert answers == []  # the record is not committed yet: no answer either
    release.set()
    reader.join(10)
    assert answers == [200]
    assert len(_records(limes, "alert:read")) == 1


def test_a_record_that_cannot_be_written_withholds_the_answer(
    client: TestClient, limes: Limes, alert_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full() -> None:
        raise OSError("disk full")

    _wrapped(monkeypatch, limes.audit.store, "write", disk_full)
    for path, content in (
        (f"/v1/alerts/{alert_id}", None),
        ("/v1/search/persons", body({"surnames": [PERSON["person"]["surnames"][0]["latin"]]})),
    ):
        method = "GET" if content is None else "POST"
        answer = client.request(method, path, content=content, headers=GUARD)
        assert answer.status_code == 500, answer.text
        assert answer.headers["content-type"] == PROBLEM
        # AuditUnavailable is answered as every unmapped error is (``problems.py``)
        assert answer.json()["type"] == "urn:limes:problem:internal-error"
        assert set(answer.json()) == PROBLEM_FIELDS  # nothing of the answer left


def test_a_refusal_of_the_read_bounds_replaces_the_answer(
    client: TestClient, limes: Limes, alert_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count is queued, so its refusal arrives through its future: the answer is
    replaced by the problem ``opened`` raises, on record as refused, once."""
    _no_reads_left(limes, monkeypatch)
    answer = client.get(f"/v1/alerts/{alert_id}", headers=GUARD)
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["type"] == "urn:limes:problem:rate-limited"
    assert "retry-after" in answer.headers
    assert set(answer.json()) == PROBLEM_FIELDS
    (record,) = _records(limes, "alert:read")
    assert record["outcome"] == "refused"
    assert record["reason"].startswith("rate-limited: ")


def test_a_refusal_whose_record_fails_is_answered_as_audit_unavailable(
    client: TestClient,
    limes: Limes,
    alert_id: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _no_reads_left(limes, monkeypatch)

    def disk_full() -> None:
        raise OSError("disk full")

    _wrapped(monkeypatch, limes.audit.store, "write", disk_full)
    answer = client.get(f"/v1/alerts/{alert_id}", headers=GUARD)
    assert answer.status_code == 500, answer.text
    assert answer.json()["type"] == "urn:limes:problem:internal-error"
    assert "audit append failed" in caplog.text


def test_a_count_that_cannot_be_written_fails_the_read_on_record(
    client: TestClient, limes: Limes, alert_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read bounds' transaction failing (the store down) fails the read with a 500,
    recorded as failed, as when ``opened`` raised it in the request thread."""

    def store_down() -> None:
        if threading.current_thread().name.startswith("limes-commit"):
            raise OSError("store down")

    _wrapped(monkeypatch, limes.store, "transaction", store_down)
    answer = client.get(f"/v1/alerts/{alert_id}", headers=GUARD)
    assert answer.status_code == 500, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert set(answer.json()) == PROBLEM_FIELDS
    (record,) = _records(limes, "alert:read")
    assert (record["outcome"], record["reason"]) == ("failed", "OSError")
