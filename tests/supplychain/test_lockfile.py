"""Lock files: exact, hashed pins read line by line, and what is not a lock refused with
its file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.supplychain.conftest import ROOT

from limes.supplychain.lockfile import LockError, parse_lock, read_lock

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
