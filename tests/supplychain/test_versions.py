"""Project names and versions: names canonical, versions compared as PEP 440 says
(checked against packaging)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version as Reference
from tests.security.fuzzing import FUZZ

from limes.supplychain.versions import InvalidVersion, Version, canonical_name, is_valid_name


@pytest.mark.parametrize(
    ("name", "key"),
    [("Jinja2", "jinja2"), ("zope.interface", "zope-interface"), ("a__b--c..d", "a-b-c-d")],
)
def test_canonical_names(name: str, key: str) -> None:
    assert is_valid_name(name)
    assert canonical_name(name) == key


@pytest.mark.parametrize("name", ["", "-a", "a-", "a/b", "../x", "a b", "ä"])
def test_invalid_names(name: str) -> None:
    assert not is_valid_name(name)


@pytest.mark.parametrize(
    "ordered",
    [
        [
            "1.0.dev1",
            "1.0a1.dev1",
            "1.0a1",
            "1.0a2",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local",
            "1.0.post1.dev1",
            "1.0.post1",
            "1.1",
            "1!0.1",
        ],
    ],
)
def test_pep440_order(ordered: list[str]) -> None:
    versions = [Version.parse(v) for v in ordered]
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions)


@pytest.mark.parametrize(
    ("a", "b"),
    [("1.0", "1.0.0"), ("1.0-RC1", "1.0rc1"), ("v1.0.post", "1.0.post0"), ("1-1", "1.post1")],
)
def test_equal_spellings(a: str, b: str) -> None:
    assert Version.parse(a) == Version.parse(b)
    assert hash(Version.parse(a)) == hash(Version.parse(b))


@pytest.mark.parametrize("text", ["", "x", "1..0", "1.0-", "1.0+", "1.0 beta"])
def test_invalid_versions(text: str) -> None:
    with pytest.raises(InvalidVersion):
        Version.parse(text)


versions = st.builds(
    lambda epoch, release, pre, post, dev, local: (
        (f"{epoch}!" if epoch else "")
        + ".".join(map(str, release))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
        + (f"+{local}" if local else "")
    ),
    st.integers(0, 2),
    st.lists(st.integers(0, 12), min_size=1, max_size=4),
    st.none()
    | st.tuples(st.sampled_from(["a", "b", "rc", "alpha", "c", "pre"]), st.integers(0, 3)),
    st.none() | st.integers(0, 3),
    st.none() | st.integers(0, 3),
    st.none() | st.sampled_from(["ubuntu.1", "7", "a1b2"]),
)


@FUZZ
@given(a=versions, b=versions)
def test_order_agrees_with_packaging(a: str, b: str) -> None:
    mine, theirs = (Version.parse(a), Version.parse(b)), (Reference(a), Reference(b))
    assert (mine[0] < mine[1]) == (theirs[0] < theirs[1])
    assert (mine[0] == mine[1]) == (theirs[0] == theirs[1])
    assert str(mine[0]) == str(theirs[0])
