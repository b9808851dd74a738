"""The copy's list of centre servers: moving on from a server that is down, fenced or
behind, remembering the one that answered, and a refusal not hidden (the addresses'
rule and the rotation itself: tests/test_centres.py)."""

from __future__ import annotations

import orjson
import pytest

from limes.feed.centre import CentreRefused, CentreUnreachable, HttpCentre
from limes.feed.centres import CentreList, from_stored, stored
from limes.service.replication import CopyFilter

FENCED = orjson.dumps({"type": "urn:limes:problem:central-fenced", "status": 503})


def server(status: int, body: bytes, calls: list[str]) -> HttpCentre:
    def get(path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        calls.append(path)
        if status == 0:
            raise ConnectionRefusedError("refused")
        return status, body

    return HttpCentre(get)


def page(position: int) -> bytes:
    return orjson.dumps({"items": [], "position": position})


def test_one_url_is_stored_as_before_and_a_list_remembers_its_current() -> None:
    assert stored(["https://a.test"]) == "https://a.test"
    assert from_stored("https://a.test") == (["https://a.test"], "https://a.test")
    both = stored(["https://a.test", "https://b.test"], "https://b.test")
    assert from_stored(both) == (["https://a.test", "https://b.test"], "https://b.test")


@pytest.mark.parametrize(
    ("status", "body"), [(0, b""), (503, FENCED), (502, b"{}"), (200, page(3))]
)
def test_a_server_down_fenced_failing_or_behind_is_passed_over(status: int, body: bytes) -> None:
    first: list[str] = []
    second: list[str] = []
    remembered: list[str] = []
    centres = CentreList(
        [
            ("https://a.test", server(status, body, first)),
            ("https://b.test", server(200, page(9), second)),
        ],
        remember=remembered.append,
    )
    assert centres.page(5, 10, CopyFilter()) == ([], 9)
    assert (len(first), len(second), remembered, centres.url) == (
        1,
        1,
        ["https://b.test"],
        "https://b.test",
    )
    centres.page(9, 10, CopyFilter())
    assert len(first) == 1  # the one that answered is asked first from now on


def test_every_server_failing_names_each_and_a_refusal_is_not_hidden() -> None:
    calls: list[str] = []
    centres = CentreList(
        [("https://a.test", server(503, FENCED, calls)), ("https://b.test", server(0, b"", calls))]
    )
    with pytest.raises(CentreUnreachable, match=r"central-fenced.*b\.test"):
        centres.digest()
    refusing = CentreList(
        [
            ("https://a.test", server(403, b"{}", calls)),
            ("https://b.test", server(200, page(1), calls)),
        ]
    )
    with pytest.raises(CentreRefused):
        refusing.page(0, 1, CopyFilter())
