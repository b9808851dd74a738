"""The copy's client of the centre's feed endpoint: answers, refusals, outages."""

from __future__ import annotations

import orjson
import pytest

from limes.feed.centre import CentreRefused, CentreUnreachable, Credentials, HttpCentre
from limes.service.replication import CopyFilter


def answering(status: int, body: bytes, seen: list[tuple[str, dict[str, str]]]) -> HttpCentre:
    def get(path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        seen.append((path, headers))
        return status, body

    return HttpCentre(get, Credentials(token="t0ken"))


def test_a_page_asks_with_the_filter_and_the_token() -> None:
    seen: list[tuple[str, dict[str, str]]] = []
    centre = answering(
        200, orjson.dumps({"items": [{"seq": 3, "skipped": True}], "position": 4}), seen
    )
    items, position = centre.page(2, 10, CopyFilter.of(["arrest"], [], ["FR", "DE"]))
    assert ([i.seq for i in items], position) == ([3], 4)
    path, headers = seen[0]
    assert path == "/v1/feed?after=2&limit=10&category=arrest&state=DE&state=FR"
    assert headers["Authorization"] == "Bearer t0ken"


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (503, b"{}", CentreUnreachable),
        (200, b"not json", CentreUnreachable),
        (200, b'{"items": [{"seq": -1}], "position": 1}', CentreUnreachable),
        (401, b"{}", CentreRefused),
        (403, b"{}", CentreRefused),
    ],
)
def test_what_the_copy_cannot_use_is_an_error_of_its_kind(
    status: int, body: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error):
        answering(status, body, []).page(0, 10, CopyFilter())


def test_no_answer_at_all_is_unreachable() -> None:
    def refused(path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        raise OSError("connection refused")

    with pytest.raises(CentreUnreachable):
        HttpCentre(refused).digest()
    with pytest.raises(CentreUnreachable):
        HttpCentre.at("http://127.0.0.1:9", Credentials()).leaves("DE/arrest")
    with pytest.raises(ValueError, match="http"):
        HttpCentre.at("ftp://centre", Credentials())
