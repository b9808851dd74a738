"""``limes expire``: the expiry job, run once, with its report."""

from __future__ import annotations

from tests.cli.helpers import Run, ok


def test_expire_prints_its_report(initialised: Run) -> None:
    assert ok(initialised("expire")) == {"expired": 0, "warned": 0}
