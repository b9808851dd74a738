"""The real PyPI fetch, with the network replaced: paths checked before they become
URLs, one retry, PyPI only and no redirect away from it.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from email.message import Message
from typing import Any

import pytest

from limes.supplychain import pypi
from limes.supplychain.pypi import HttpFetch, NotOnIndex, Unreachable, project_path, release_path


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
