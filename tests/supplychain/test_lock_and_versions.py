"""Lock files are read strictly; versions compare as PEP 440 says (checked against packaging)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version as Reference
from tests.security.fuzzing import FUZZ
from tests.supplychain.conftest import ROOT

from limes.supplychain.lockfile import LockError, parse_lock, read_lock
from limes.supplychain.versions import InvalidVersion, Version, canonical_name, is_valid_name

HASH = "--hash=sha256:" + "a" * 64


@pytest.mark.parametrize("lock", ["runtime.lock", "dev.lock"])
def test_the_project_locks_are_exact_and_hashed(lock: str) -> None:
    pins = read_lock(ROOT / "requirements" / lock)
    assert len(pins) > 20
    assert all(pin.hashes for pin in pins)


def test_continuations_options_and_comments() -> None:
    text = (
        "# header\n--extra-index-url file:///x\n\n"
        f"Jinja2==3.1.2 \\\n    {HASH} \\\n    --hash=sha256:{'b' * 64}\n    # via x\n"
        f"zope.interface[extra]==6.0 ; python_version >= '3.8' {HASH}\n"
    )
    first, second = parse_lock(text)
    assert (first.name, first.key, first.version, first.line) == ("Jinja2", "jinja2", "3.1.2", 4)
    assert len(first.hashes) == 2
    assert (second.key, second.version, second.marker) == (
        "zope-interface",
        "6.0",
        "python_version >= '3.8'",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("jinja2==3.1.2\n", "has no --hash"),
        (f"jinja2>=3.1 {HASH}\n", "is not an exact pin"),
        (f"jinja2 {HASH}\n", "is not an exact pin"),
        (f"https://example.org/x.whl {HASH}\n", "is not an exact pin"),
        (f"jinja2==three {HASH}\n", "is not a PEP 440 version"),
        (f"jinja2==3.1.2 {HASH}\nJinja2==3.1.3 {HASH}\n", "pinned twice"),
        (f"jinja2==3.1.2 \\\n {HASH} \\\n", "ends inside a continued line"),
        (f"{HASH}\n", "a --hash without a requirement"),
        ("# nothing\n", "no pinned requirement"),
    ],
)
def test_what_is_not_a_lock_is_refused(text: str, message: str) -> None:
    with pytest.raises(LockError, match=message):
        parse_lock(text, "x.lock")


def test_read_lock_names_the_file_and_line(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    lock.write_text(f"a==1 {HASH}\nb>=2 {HASH}\n")
    with pytest.raises(LockError, match=r"x\.lock, line 2"):
        read_lock(lock)


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
