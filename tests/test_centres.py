"""A client's list of central servers (limes/centres.py), the rule the copy and the
gateway share: strict addresses (https only for the gateway), and the rotation that asks
the current server first, moves on from one the caller passes over, remembers the one
that answered and names why each failed when none did."""

from __future__ import annotations

import pytest

from limes.centres import Rotation, check_url, is_loopback, parse
from limes.errors import InvalidInput


class Down(Exception):
    pass


@pytest.mark.parametrize(
    "url",
    [
        "ftp://centre.test",
        "http://centre.test",
        "http://10.0.0.1:8000",
        "https://user:pw@centre.test",
        "https://centre.test/?a=1",
        "https://centre.test/#x",
        "https://",
        "https://centre.test:0",
        "https://centre.test:99999",
        "https://centre .test",
        "centre.test",
    ],
)
def test_an_address_that_is_not_https_or_loopback_http_is_refused(url: str) -> None:
    with pytest.raises(InvalidInput, match="not a centre URL"):
        check_url(url)


def test_the_list_keeps_order_splits_commas_and_refuses_repeats() -> None:
    assert parse(["https://a.test/, http://127.0.0.1:8000", "http://localhost:1"]) == [
        "https://a.test",
        "http://127.0.0.1:8000",
        "http://localhost:1",
    ]
    with pytest.raises(InvalidInput, match="twice"):
        parse(["https://a.test", "https://a.test/"])
    with pytest.raises(InvalidInput, match="at least one"):
        parse([])
    with pytest.raises(InvalidInput, match="at most"):
        parse([f"https://c{i}.test" for i in range(9)])


def test_the_gateway_takes_https_only_even_on_loopback() -> None:
    assert check_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    with pytest.raises(InvalidInput, match="https only"):
        check_url("http://127.0.0.1:8000", https_only=True)
    assert parse(["https://a.test/"], https_only=True) == ["https://a.test"]
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("10.0.0.1")


def answers(up: set[str], asked: list[str]):  # type: ignore[no-untyped-def]
    def use(url: str) -> str:
        asked.append(url)
        if url not in up:
            raise Down(f"{url} is down")
        return url

    return use


def test_the_rotation_moves_on_remembers_and_wraps_round() -> None:
    remembered: list[str] = []
    rotation = Rotation([(u, u) for u in ("a", "b", "c")], current="b", remember=remembered.append)
    asked: list[str] = []
    assert rotation.call(answers({"a"}, asked), (Down,), RuntimeError) == "a"
    assert asked == ["b", "c", "a"]  # from the current one, in order, wrapping round
    assert rotation.url == "a" and remembered == ["a"]
    assert rotation.failures == ["b: b is down", "c: c is down"]
    asked.clear()
    assert rotation.call(answers({"a", "b"}, asked), (Down,), RuntimeError) == "a"
    assert asked == ["a"] and rotation.failures == [] and remembered == ["a"]


def test_none_answering_raises_the_callers_failure_naming_each_and_others_pass() -> None:
    rotation = Rotation([(u, u) for u in ("a", "b")])
    with pytest.raises(RuntimeError, match="no centre answered: a: a is down; b: b is down"):
        rotation.call(answers(set(), []), (Down,), RuntimeError)

    def refused(url: str) -> str:
        raise PermissionError("credentials refused")

    with pytest.raises(PermissionError):  # not named as passed over: raised as it is
        rotation.call(refused, (Down,), RuntimeError)
    with pytest.raises(InvalidInput):
        Rotation([])
