"""The posture gate: a seeded vulnerable pin fails it, a clean lock passes, an unreachable
PyPI is a distinct failure, and the deadlines of the patch policy hold to the second."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.supplychain.conftest import FIXTURES, RECORDED, DownPyPI, RecordedPyPI

from limes.cli.security import PostureSources, security
from limes.supplychain.lockfile import read_lock
from limes.supplychain.posture import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_OVERDUE,
    assess,
    judge,
)
from limes.supplychain.pypi import NotOnIndex, Unreachable
from limes.supplychain.severity import Severity
from limes.supplychain.versions import Version

CLEAN = FIXTURES / "clean.lock"
VULNERABLE = FIXTURES / "vulnerable.lock"
RECENT = FIXTURES / "recent.lock"
JINJA_316 = datetime(2025, 3, 5, 20, 5, 0, 369721, tzinfo=UTC)  # first upload of 3.1.6 (wheel)


def run(*args: str, fetch: object = None, now: datetime = RECORDED) -> tuple[int, str, str]:
    runner = CliRunner()
    sources = PostureSources(fetch or RecordedPyPI(), lambda: now)  # type: ignore[arg-type]
    result = runner.invoke(security, ["posture", *args], obj=sources, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- the gate ------------------------------------------------------------------------------


def test_clean_lock_passes_the_gate() -> None:
    status, out, err = run("--lock", str(CLEAN), "--enforce")
    assert status == EXIT_OK, err
    assert "PASS: every dependency audited" in out
    for line in ("click  ", "idna  ", "jinja2  "):
        assert line in out
    assert "0 known vulnerabilities, 0 past their deadline, 0 not audited" in out


def test_seeded_vulnerable_pin_fails_the_gate() -> None:
    status, out, err = run("--lock", str(VULNERABLE), "--enforce")
    assert status == EXIT_OVERDUE
    assert "FAIL: 5 vulnerabilities are past their patch deadline" in err
    for advisory in (
        "GHSA-h5c8-rqwp-cp95",
        "GHSA-h75v-3vvj-5mfj",
        "GHSA-q2x7-8rv6-6q7h",
        "GHSA-gmj6-6f8f-6699",
        "GHSA-cpwx-vrp4-4pq7",
    ):
        assert f"jinja2==3.1.2 {advisory} (high)" in err
    assert "fix 3.1.3 available since 2024-01-10, deadline 2024-01-17 23:12Z passed" in err
    assert "CVE-2024-22195" in out  # aliases are shown with the report
    assert "unknown: the advisory states no severity; treated as high" in out


def test_without_enforce_the_overdue_pin_is_reported_not_failed() -> None:
    status, out, _ = run("--lock", str(VULNERABLE))
    assert status == EXIT_OK
    assert "5 vulnerabilities are past their patch deadline (not enforced" in out
    assert re.search(r"^jinja2 +3\.1\.2 +3\.1\.6 +OVERDUE$", out, re.MULTILINE)


def test_unreachable_pypi_is_a_distinct_failure_and_asked_once() -> None:
    down = DownPyPI()
    status, out, err = run("--lock", str(CLEAN), "--enforce", fetch=down)
    assert status == EXIT_INCOMPLETE
    assert status not in (EXIT_OK, EXIT_OVERDUE, 1, 2)
    assert "the vulnerability service (PyPI) could not be reached" in err
    assert "This is not a pass" in err
    assert down.asked == 1  # the first pin finds PyPI down; the others are not asked
    assert out.count("NOT AUDITED") == 3


def test_unreachable_without_enforce_still_fails() -> None:
    status, _, err = run("--lock", str(CLEAN), fetch=DownPyPI())
    assert status == EXIT_INCOMPLETE
    assert "could not be reached" in err


def test_a_pin_pypi_holds_no_release_document_for_is_not_audited() -> None:
    pypi = RecordedPyPI({"jinja2/3.1.2/json": NotOnIndex("PyPI has no jinja2/3.1.2")})
    status, out, err = run("--lock", str(VULNERABLE), fetch=pypi)
    assert status == EXIT_INCOMPLETE
    assert "PyPI lists jinja2 3.1.2 but does not serve /pypi/jinja2/3.1.2/json" in out
    assert "1 of 3 dependencies could not be audited" in err


def test_one_timeout_among_answers_makes_the_report_incomplete() -> None:
    pypi = RecordedPyPI({"idna/json": Unreachable("https://pypi.org/pypi/idna/json: timed out")})
    status, out, _ = run("--lock", str(CLEAN), "--enforce", fetch=pypi)
    assert status == EXIT_INCOMPLETE
    assert "idna==3.20: PyPI unreachable: https://pypi.org/pypi/idna/json: timed out" in out


def test_overdue_wins_over_incomplete() -> None:
    pypi = RecordedPyPI({"idna/json": Unreachable("timed out")})
    status, _, err = run("--lock", str(VULNERABLE), "--enforce", fetch=pypi)
    assert status == EXIT_OVERDUE
    assert "past their patch deadline" in err


@pytest.mark.parametrize(
    "document",
    [
        {"info": {}, "releases": {}, "vulnerabilities": []},
        {"info": {"version": "3.20"}, "releases": {}, "vulnerabilities": "none"},
        {"info": {"version": "3.20"}, "releases": {}, "vulnerabilities": ["GHSA-x"]},
        {"info": {"version": "not a version!"}, "releases": {}, "vulnerabilities": []},
    ],
)
def test_an_unexpected_document_is_not_a_pass(document: dict[str, object]) -> None:
    status, out, _ = run("--lock", str(CLEAN), fetch=RecordedPyPI({"idna/json": document}))
    assert status == EXIT_INCOMPLETE
    assert "idna==3.20: unexpected answer from PyPI" in out


def test_json_report(tmp_path: Path) -> None:
    target = tmp_path / "out" / "posture.json"
    status, _, _ = run("--lock", str(VULNERABLE), "--json", str(target))
    assert status == EXIT_OK
    report = json.loads(target.read_text())
    assert report["summary"] == {
        "dependencies": 3,
        "behind_latest": 1,
        "vulnerabilities": 5,
        "overdue": 5,
        "not_audited": 0,
        "pypi_unreachable": False,
    }
    assert report["policy"] == {
        "critical": "72 hours",
        "high": "7 days",
        "medium": "30 days",
        "low": "30 days",
    }
    jinja = next(d for d in report["dependencies"] if d["name"] == "jinja2")
    assert (jinja["version"], jinja["latest"], jinja["behind_latest"]) == ("3.1.2", "3.1.6", True)
    first = jinja["vulnerabilities"][0]
    assert first["id"] == "GHSA-h5c8-rqwp-cp95"
    assert first["aliases"] == ["CVE-2024-22195"]
    assert first["severity"] == "high"
    assert first["fix"] == "3.1.3"
    assert first["fix_released"] == "2024-01-10T23:12:19.504680Z"
    assert first["days_since_fix"] == 1054.0
    assert first["deadline"] == "2024-01-17T23:12:19.504680Z"
    assert first["overdue"] is True


def test_json_to_stdout() -> None:
    status, out, _ = run("--lock", str(CLEAN), "--json", "-")
    assert status == EXIT_OK
    assert json.loads(out.split("\nPASS")[0])["summary"]["dependencies"] == 3


def test_a_lock_that_is_not_hashed_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "bad.lock"
    lock.write_text("jinja2==3.1.2\n")
    status, _, err = run("--lock", str(lock))
    assert status == 3
    assert "has no --hash" in err


# -- deadlines to the second -------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (JINJA_316 + timedelta(days=7), EXIT_OK),
        (JINJA_316 + timedelta(days=7, microseconds=1), EXIT_OVERDUE),
    ],
)
def test_high_deadline_is_seven_days_after_the_fix(now: datetime, status: int) -> None:
    assert run("--lock", str(RECENT), "--enforce", now=now)[0] == status


def critical(pypi: RecordedPyPI) -> RecordedPyPI:
    document = pypi("jinja2/3.1.5/json")
    (advisory,) = document["vulnerabilities"]
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    scored = {**advisory, "severity": [{"type": "CVSS_V3", "score": vector}]}
    return RecordedPyPI({"jinja2/3.1.5/json": {**document, "vulnerabilities": [scored]}})


@pytest.mark.parametrize(
    ("after", "status"),
    [(timedelta(hours=72), EXIT_OK), (timedelta(hours=72, seconds=1), EXIT_OVERDUE)],
)
def test_critical_deadline_is_72_hours(after: timedelta, status: int) -> None:
    pypi = critical(RecordedPyPI())
    code, out, _ = run("--lock", str(RECENT), "--enforce", fetch=pypi, now=JINJA_316 + after)
    assert code == status
    assert "severity critical [advisory: CVSS 9.8" in out


def test_medium_deadline_is_30_days() -> None:
    pypi = RecordedPyPI()
    document = pypi("jinja2/3.1.5/json")
    medium = [{**document["vulnerabilities"][0], "database_specific": {"severity": "MODERATE"}}]
    pypi = RecordedPyPI({"jinja2/3.1.5/json": {**document, "vulnerabilities": medium}})
    in_time = JINJA_316 + timedelta(days=30)
    assert run("--lock", str(RECENT), "--enforce", fetch=pypi, now=in_time)[0] == EXIT_OK
    late = in_time + timedelta(seconds=1)
    assert run("--lock", str(RECENT), "--enforce", fetch=pypi, now=late)[0] == EXIT_OVERDUE


def test_withdrawn_advisories_are_ignored() -> None:
    pypi = RecordedPyPI()
    document = pypi("jinja2/3.1.5/json")
    withdrawn = [{**document["vulnerabilities"][0], "withdrawn": "2025-03-06T00:00:00Z"}]
    pypi = RecordedPyPI({"jinja2/3.1.5/json": {**document, "vulnerabilities": withdrawn}})
    status, out, _ = run("--lock", str(RECENT), "--enforce", fetch=pypi)
    assert status == EXIT_OK
    assert "0 known vulnerabilities" in out


# -- judging one advisory ----------------------------------------------------------------

RELEASED = {
    Version.parse("2.11.3"): datetime(2021, 2, 1, tzinfo=UTC),
    Version.parse("3.1.3"): datetime(2024, 1, 10, tzinfo=UTC),
    Version.parse("3.1.4"): datetime(2024, 5, 5, tzinfo=UTC),
}


def advisory(**fields: object) -> dict[str, object]:
    return {"id": "GHSA-test", "aliases": [], "summary": "s", **fields}


def test_the_fix_that_counts_is_the_earliest_newer_release() -> None:
    found = judge(
        advisory(fixed_in=["3.1.4", "3.1.3", "2.11.3"]),
        Version.parse("3.1.2"),
        RELEASED,
        RECORDED,
    )
    assert found.fix == "3.1.3"
    assert found.fix_released == datetime(2024, 1, 10, tzinfo=UTC)
    assert found.days_since_fix(RECORDED) == 1055.0


def test_no_fix_is_reported_but_not_due() -> None:
    found = judge(advisory(fixed_in=[]), Version.parse("3.1.2"), RELEASED, RECORDED)
    assert not found.overdue
    assert found.fix is None
    assert found.note == "no fixed version is released yet"


def test_a_fix_without_a_release_date_is_overdue() -> None:
    found = judge(advisory(fixed_in=["9.9.9"]), Version.parse("3.1.2"), RELEASED, RECORDED)
    assert found.overdue
    assert "release date is not on PyPI" in found.note


def test_assess_keeps_lock_order_and_needs_an_aware_clock(pypi: RecordedPyPI) -> None:
    pins = read_lock(VULNERABLE)
    report = assess(pins, pypi, lambda: RECORDED, workers=3)
    assert [d.name for d in report.dependencies] == ["click", "jinja2", "idna"]
    assert report.findings and all(f.rating.severity is Severity.HIGH for _, f in report.findings)
    with pytest.raises(ValueError, match="aware"):
        assess(pins, pypi, lambda: datetime(2026, 1, 1), workers=1)
