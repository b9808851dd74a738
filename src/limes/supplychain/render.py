"""The posture report as text for people: every pin, then advisories, then the verdict."""

from __future__ import annotations

from limes.supplychain.posture import EXIT_INCOMPLETE, EXIT_OVERDUE, Dependency, Finding, Report

__all__ = ["render", "verdict"]


def _status(d: Dependency) -> str:
    if not d.audited:
        return "NOT AUDITED"
    if any(f.overdue for f in d.findings):
        return "OVERDUE"
    if d.findings:
        return f"{len(d.findings)} vulnerable"
    return "behind" if d.behind else "ok"


def _finding_line(d: Dependency, f: Finding, report: Report) -> str:
    now = report.generated_at
    names = f.id + (f" ({', '.join(f.aliases)})" if f.aliases else "")
    parts = [
        f"{d.name}=={d.version}  {names}",
        f"  severity {f.rating.severity} [{f.rating.source}]",
    ]
    if f.fix_released is not None and f.deadline is not None:
        parts.append(
            f"  fixed in {f.fix}, released {f.fix_released:%Y-%m-%d %H:%M}Z "
            f"({f.days_since_fix(now)} days ago); deadline {f.deadline:%Y-%m-%d %H:%M}Z"
            + (" — OVERDUE" if f.overdue else " — within the deadline")
        )
    else:
        parts.append(f"  {f.note}" + (" — OVERDUE" if f.overdue else ""))
    if f.summary:
        parts.append(f"  {f.summary}")
    if f.link:
        parts.append(f"  {f.link}")
    return "\n".join(parts)


def render(report: Report) -> str:
    """Every dependency with its version, latest version and status; then the details."""
    rows = [("package", "locked", "latest", "status")]
    rows += [(d.name, d.version, d.latest or "?", _status(d)) for d in report.dependencies]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        f"Security posture of {report.lock} at {report.generated_at:%Y-%m-%d %H:%M}Z "
        f"(advisories and releases from {report.index})",
        "",
    ]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    if report.findings:
        lines += ["", f"Known vulnerabilities ({len(report.findings)}):"]
        lines += [_finding_line(d, f, report) for d, f in report.findings]
    if report.not_audited:
        lines += ["", f"Not audited ({len(report.not_audited)}):"]
        lines += [f"{d.name}=={d.version}: {d.problem}" for d in report.not_audited]
    behind = sum(d.behind for d in report.dependencies)
    lines += [
        "",
        f"{len(report.dependencies)} dependencies, {behind} behind the latest version, "
        f"{len(report.findings)} known vulnerabilities, {len(report.overdue)} past their "
        f"deadline, {len(report.not_audited)} not audited.",
        "Patch policy: "
        + ", ".join(f"{name} {span}" for name, span in report.to_json()["policy"].items())
        + " after a fix is released.",
    ]
    return "\n".join(lines)


def verdict(report: Report, status: int) -> str:
    """One paragraph saying why the exit status is what it is."""
    if status == EXIT_OVERDUE:
        items = [
            f"  {d.name}=={d.version} {f.id} ({f.rating.severity}): "
            + (
                f"fix {f.fix} available since {f.fix_released:%Y-%m-%d}, deadline "
                f"{f.deadline:%Y-%m-%d %H:%M}Z passed"
                if f.fix_released is not None and f.deadline is not None
                else f.note
            )
            for d, f in report.overdue
        ]
        return "\n".join(
            [f"FAIL: {len(items)} vulnerabilities are past their patch deadline:", *items]
        )
    if status == EXIT_INCOMPLETE:
        if report.unreachable:
            first = report.dependencies[0].problem
            return (
                "FAIL: the vulnerability service (PyPI) could not be reached, so nothing was "
                f"audited: {first}. This is not a pass."
            )
        return (
            f"FAIL: {len(report.not_audited)} of {len(report.dependencies)} dependencies could "
            "not be audited (listed above), so the posture is unknown. This is not a pass."
        )
    if report.overdue:
        return (
            f"{len(report.overdue)} vulnerabilities are past their patch deadline "
            "(not enforced: run with --enforce to fail on them)."
        )
    return "PASS: every dependency audited; no vulnerability is past its patch deadline."
