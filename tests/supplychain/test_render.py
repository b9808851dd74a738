"""The posture report as text for people: a row per pin with its status, the details of
each advisory and of each pin not audited, and a verdict that says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from limes.supplychain.posture import EXIT_INCOMPLETE, EXIT_OK, EXIT_OVERDUE, Finding, Report
from limes.supplychain.posture import Dependency as D
from limes.supplychain.render import render, verdict
from limes.supplychain.severity import Rating, Severity

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
RELEASED = NOW - timedelta(days=10)


def finding(*, overdue: bool) -> Finding:
    return Finding(
        id="GHSA-xxxx-yyyy-zzzz",
        aliases=("CVE-2026-0001",),
        summary="A crafted template runs code.",
        link="https://example.org/advisory",
        rating=Rating(Severity.HIGH, "CVSS 3"),
        fixed_in=("2.0.1",),
        fix="2.0.1",
        fix_released=RELEASED,
        deadline=RELEASED + timedelta(days=7),
        overdue=overdue,
    )


def report(*dependencies: D) -> Report:
    return Report("runtime.lock", NOW, dependencies)


def test_every_pin_has_a_row_with_its_status() -> None:
    text = render(
        report(
            D("click", "8.1.7", latest="8.1.7"),
            D("idna", "3.6", latest="3.7"),
            D("jinja2", "2.0.0", latest="2.0.1", findings=(finding(overdue=True),)),
            D("gone", "1.0", problem="not on the index"),
        )
    )
    rows = text.splitlines()[2:7]
    assert [row.split()[-1] for row in rows] == ["status", "ok", "behind", "OVERDUE", "AUDITED"]
    assert "gone     1.0     ?       NOT AUDITED" in text
    assert "jinja2==2.0.0  GHSA-xxxx-yyyy-zzzz (CVE-2026-0001)" in text
    assert "deadline 2026-05-29 12:00Z — OVERDUE" in text
    assert "gone==1.0: not on the index" in text
    assert "4 dependencies, 2 behind the latest version, 1 known vulnerabilities" in text


def test_the_verdict_says_why() -> None:
    clean = report(D("click", "8.1.7", latest="8.1.7"))
    assert verdict(clean, EXIT_OK).startswith("PASS: every dependency audited")
    late = report(D("jinja2", "2.0.0", findings=(finding(overdue=True),)))
    assert verdict(late, EXIT_OVERDUE).splitlines() == [
        "FAIL: 1 vulnerabilities are past their patch deadline:",
        "  jinja2==2.0.0 GHSA-xxxx-yyyy-zzzz (high): fix 2.0.1 available since 2026-05-22, "
        "deadline 2026-05-29 12:00Z passed",
    ]
    assert "not enforced: run with --enforce" in verdict(late, EXIT_OK)
    down = report(D("click", "8.1.7", problem="timed out", unreachable=True))
    assert "could not be reached, so nothing was audited: timed out" in verdict(
        down, EXIT_INCOMPLETE
    )
    partly = report(D("click", "8.1.7"), D("gone", "1.0", problem="not on the index"))
    assert verdict(partly, EXIT_INCOMPLETE).startswith("FAIL: 1 of 2 dependencies could not")
