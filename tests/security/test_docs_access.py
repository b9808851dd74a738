"""docs/security.md's section on access audit and login abuse states the code's figures."""

from __future__ import annotations

from tests.supplychain.conftest import ROOT

from limes.service import login_limits, refusals
from limes.service.sessions import SESSION_LIFETIME

PAGE = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
SECTION = PAGE[PAGE.index("## Access audit, login abuse, session lifetime") :]


def test_the_figures_are_the_code() -> None:
    said = " ".join(SECTION.split())
    assert f"first {refusals.FULL_PER_MINUTE} are written in full" in said
    assert f"At most {refusals.MAX_KEYS:,} keys" in said
    assert f"Per client address: {login_limits.ADDRESS_FREE} attempts" in said
    assert f"at most {login_limits.BACKOFF_CAP.seconds // 60} minutes between" in said
    assert f"after {login_limits.USERNAME_FREE} attempts without a good login" in said
    assert f"(default {SESSION_LIFETIME.seconds // 3600}, at most 24)" in said
    assert "forgotten an hour after" in said and login_limits.FORGET_AFTER.seconds == 3600
    assert login_limits.HASHES_AT_ONCE == 1 and "checks one password at a time" in said
    waiting = f"lets {login_limits.HASHES_WAITING} more wait at most "
    assert f"{waiting}{login_limits.HASH_WAIT_SECONDS:g} s" in said


def test_every_test_named_exists() -> None:
    for name in ("test_access_audit.py", "test_nul.py", "test_access_records.py"):
        assert name in SECTION
    for line in SECTION.splitlines():
        for cell in line.split("`"):
            if cell.startswith("tests/") and "::" in cell:
                path, _, test = cell.partition("::")
                assert f"def {test}(" in (ROOT / path).read_text(encoding="utf-8"), cell
