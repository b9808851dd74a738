"""Severity ratings and deadlines; the real PyPI fetch, with the network replaced."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest

from limes.supplychain import pypi
from limes.supplychain.pypi import HttpFetch, NotOnIndex, Unreachable, project_path, release_path
from limes.supplychain.severity import (
    DEADLINES,
    UNKNOWN_SEVERITY,
    Severity,
    cvss3_base_score,
    rate,
)

# -- severity --------------------------------------------------------------------------


def test_the_patch_policy() -> None:
    assert DEADLINES == {
        Severity.CRITICAL: timedelta(hours=72),
        Severity.HIGH: timedelta(days=7),
        Severity.MEDIUM: timedelta(days=30),
        Severity.LOW: timedelta(days=30),
    }
    assert UNKNOWN_SEVERITY is Severity.HIGH


@pytest.mark.parametrize(
    ("vector", "score"),
    [  # the FIRST specification's examples and well-known CVEs
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 8.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),
    ],
)
def test_cvss3_base_score(vector: str, score: float) -> None:
    assert cvss3_base_score(vector) == score


@pytest.mark.parametrize(
    "vector",
    [
        "CVSS:2.0/AV:N",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H",
        "",
    ],
)
def test_cvss3_refuses_what_is_not_a_vector(vector: str) -> None:
    with pytest.raises(ValueError, match=r"CVSS|metric"):
        cvss3_base_score(vector)


@pytest.mark.parametrize(
    ("advisory", "severity", "source"),
    [
        ({"severity": "CRITICAL"}, Severity.CRITICAL, "advisory: CRITICAL"),
        ({"severity": "moderate"}, Severity.MEDIUM, "advisory: moderate"),
        ({"severity": 7.5}, Severity.HIGH, "advisory: CVSS score 7.5"),
        ({"severity": 3.1}, Severity.LOW, "advisory: CVSS score 3.1"),
        (
            {
                "severity": [
                    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"}
                ]
            },
            Severity.MEDIUM,
            "advisory: CVSS 5.9",
        ),
        (
            {
                "severity": [
                    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"},
                    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                ]
            },
            Severity.CRITICAL,
            "advisory: CVSS 9.8",
        ),
        ({"database_specific": {"severity": "LOW"}}, Severity.LOW, "advisory: LOW"),
        # nothing usable: unknown, fail closed as high
        ({}, Severity.HIGH, "unknown"),
        ({"severity": "whatever"}, Severity.HIGH, "unknown"),
        ({"severity": 0}, Severity.HIGH, "unknown"),
        ({"severity": True}, Severity.HIGH, "unknown"),
        (
            {"severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L"}]},
            Severity.HIGH,
            "unknown",
        ),
    ],
)
def test_rate(advisory: dict[str, Any], severity: Severity, source: str) -> None:
    rating = rate(advisory)
    assert rating.severity is severity
    assert rating.source.startswith(source)
    assert rating.deadline == DEADLINES[severity]


# -- the fetch -------------------------------------------------------------------------


def test_paths_are_checked_before_they_become_urls() -> None:
    assert project_path("Jinja2") == "jinja2/json"
    assert release_path("Jinja2", "3.1.2") == "jinja2/3.1.2/json"
    for bad in ("../admin", "a/b", "x y", ""):
        with pytest.raises(ValueError):
            project_path(bad)
    with pytest.raises(ValueError):
        release_path("jinja2", "../../x")


class FakeOpener:
    """Stands in for urllib's opener: answers from a list, records the requests."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, float]] = []

    def open(self, request: urllib.request.Request, timeout: float) -> Any:
        self.requests.append((request.full_url, timeout))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(answer if isinstance(answer, bytes) else str(answer).encode())


def http_error(code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://pypi.org/x", code, "status", Message(), None)


@pytest.fixture
def opener(monkeypatch: pytest.MonkeyPatch) -> FakeOpener:
    fake = FakeOpener()
    monkeypatch.setattr(pypi.urllib.request, "build_opener", lambda *handlers: fake)
    return fake


def test_fetch_asks_pypi_with_the_timeout(opener: FakeOpener) -> None:
    opener.answers = [b'{"info": {"version": "1.0"}}']
    assert HttpFetch(timeout=3.5)("jinja2/json") == {"info": {"version": "1.0"}}
    assert opener.requests == [("https://pypi.org/pypi/jinja2/json", 3.5)]


def test_404_is_not_on_index_at_once(opener: FakeOpener) -> None:
    opener.answers = [http_error(404)]
    with pytest.raises(NotOnIndex, match=r"PyPI has no jinja2/3\.1\.2"):
        HttpFetch()("jinja2/3.1.2/json")
    assert len(opener.requests) == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([urllib.error.URLError("Name or service not known")] * 2, "Name or service not known"),
        ([TimeoutError("timed out")] * 2, "timed out"),
        ([http_error(503), http_error(502)], "HTTP 502"),
        ([b"<html>", b"<html>"], "not JSON"),
        ([b"[1, 2]", b"[]"], "not a JSON object"),
    ],
)
def test_failures_are_retried_once_then_unreachable(
    opener: FakeOpener, answers: list[object], message: str
) -> None:
    opener.answers = answers
    with pytest.raises(Unreachable, match=message):
        HttpFetch()("jinja2/json")
    assert len(opener.requests) == 2


def test_a_retry_can_succeed(opener: FakeOpener) -> None:
    opener.answers = [TimeoutError("timed out"), b"{}"]
    assert HttpFetch()("jinja2/json") == {}


def test_only_pypi_is_asked() -> None:
    with pytest.raises(ValueError, match="not a PyPI JSON API path"):
        HttpFetch()("../../evil/json")


def test_redirects_leave_pypi_never() -> None:
    handler = pypi._SameHostRedirects()
    request = urllib.request.Request("https://pypi.org/pypi/Jinja2/json")
    with pytest.raises(Unreachable, match="another host"):
        handler.redirect_request(request, None, 301, "Moved", Message(), "https://evil.example/x")
    same = handler.redirect_request(
        request, None, 301, "Moved", Message(), "https://pypi.org/pypi/jinja2/json"
    )
    assert same is not None
    assert same.full_url == "https://pypi.org/pypi/jinja2/json"
