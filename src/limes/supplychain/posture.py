"""The security posture of a lock file: every pin, its latest version, its advisories, deadlines.

For each pinned distribution PyPI is asked for the project document (latest version,
every release with its upload times). The advisories that affect the pinned version
come from PyPI's ``vulnerabilities`` field: of the project document when the pin *is*
the latest version (that field describes the latest release), otherwise of the
release document ``/pypi/<name>/<version>/json``.

For every advisory the fix that counts is the earliest-released version named in
``fixed_in`` that is newer than the pin; the time since that release is compared
with the patch policy's deadline for the advisory's severity (``severity``). A pin
whose advisories cannot be learnt (PyPI unreachable, no record of that version, a
document of an unexpected shape) is **not audited**, and a report with any such pin
is incomplete: it never passes as clean.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from limes.clock import Clock
from limes.supplychain.lockfile import Pin
from limes.supplychain.pypi import Fetch, NotOnIndex, Unreachable, project_path, release_path
from limes.supplychain.severity import DEADLINES, Rating, rate
from limes.supplychain.versions import InvalidVersion, Version

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_OK",
    "EXIT_OVERDUE",
    "Dependency",
    "Finding",
    "Report",
    "assess",
    "assess_one",
]

EXIT_OK = 0
EXIT_OVERDUE = 20
"""``--enforce``: a fix has been available for longer than the policy allows."""
EXIT_INCOMPLETE = 21
"""Some pin could not be audited (PyPI unreachable, or it has no data for it)."""


class MalformedDocument(ValueError):
    """A PyPI document lacks a field this module relies on, or holds the wrong type."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One advisory affecting a pinned version, judged against the patch policy.

    ``fix`` is the fixed version that counts and ``fix_released`` its first upload;
    ``deadline`` is ``fix_released`` plus the severity's allowance. ``overdue`` is
    true when the deadline has passed, and also (fail closed) when a fix is named but
    its release date cannot be found. With no fixed version, nothing is due yet.
    """

    id: str
    aliases: tuple[str, ...]
    summary: str
    link: str | None
    rating: Rating
    fixed_in: tuple[str, ...]
    fix: str | None
    fix_released: datetime | None
    deadline: datetime | None
    overdue: bool
    note: str = ""

    def days_since_fix(self, now: datetime) -> float | None:
        """Days (one decimal, rounded down) since the fix was released; None without one."""
        if self.fix_released is None:
            return None
        return math.floor((now - self.fix_released) / timedelta(days=1) * 10) / 10


@dataclass(frozen=True, slots=True)
class Dependency:
    """A pin and what PyPI says about it; ``problem`` says why it was not audited."""

    name: str
    version: str
    latest: str | None = None
    findings: tuple[Finding, ...] = ()
    problem: str | None = None
    unreachable: bool = False

    @property
    def audited(self) -> bool:
        return self.problem is None

    @property
    def behind(self) -> bool:
        """True when a newer (final) version than the pin is on PyPI."""
        if self.latest is None:
            return False
        try:
            return Version.parse(self.latest) > Version.parse(self.version)
        except InvalidVersion:
            return self.latest != self.version


@dataclass(frozen=True, slots=True)
class Report:
    """The posture of one lock file at ``generated_at``."""

    lock: str
    generated_at: datetime
    dependencies: tuple[Dependency, ...]
    index: str = "https://pypi.org/pypi/"
    deadlines: Mapping[str, timedelta] = field(
        default_factory=lambda: {str(k): v for k, v in DEADLINES.items()}
    )

    @property
    def findings(self) -> list[tuple[Dependency, Finding]]:
        return [(d, f) for d in self.dependencies for f in d.findings]

    @property
    def overdue(self) -> list[tuple[Dependency, Finding]]:
        return [(d, f) for d, f in self.findings if f.overdue]

    @property
    def not_audited(self) -> list[Dependency]:
        return [d for d in self.dependencies if not d.audited]

    @property
    def unreachable(self) -> bool:
        """True when PyPI could not be reached for any pin at all."""
        return bool(self.dependencies) and all(d.unreachable for d in self.dependencies)

    def exit_status(self, enforce: bool) -> int:
        """``EXIT_OVERDUE`` if enforcing and a deadline has passed, else ``EXIT_INCOMPLETE``
        if some pin was not audited, else ``EXIT_OK``. Without ``enforce`` overdue
        findings are reported, not failed on; an incomplete report always fails."""
        if enforce and self.overdue:
            return EXIT_OVERDUE
        if self.not_audited:
            return EXIT_INCOMPLETE
        return EXIT_OK

    def to_json(self) -> dict[str, Any]:
        now = self.generated_at
        return {
            "lock": self.lock,
            "generated_at": _iso(now),
            "index": self.index,
            "policy": {name: _hours(span) for name, span in self.deadlines.items()},
            "summary": {
                "dependencies": len(self.dependencies),
                "behind_latest": sum(d.behind for d in self.dependencies),
                "vulnerabilities": len(self.findings),
                "overdue": len(self.overdue),
                "not_audited": len(self.not_audited),
                "pypi_unreachable": self.unreachable,
            },
            "dependencies": [
                {
                    "name": d.name,
                    "version": d.version,
                    "latest": d.latest,
                    "behind_latest": d.behind,
                    "audited": d.audited,
                    "problem": d.problem,
                    "vulnerabilities": [_finding_json(f, now) for f in d.findings],
                }
                for d in self.dependencies
            ],
        }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _hours(span: timedelta) -> str:
    hours = span / timedelta(hours=1)
    return f"{hours:g} hours" if hours < 24 * 7 else f"{span.days} days"


def _finding_json(f: Finding, now: datetime) -> dict[str, Any]:
    return {
        "id": f.id,
        "aliases": list(f.aliases),
        "summary": f.summary,
        "link": f.link,
        "severity": f.rating.severity.value,
        "severity_source": f.rating.source,
        "fixed_in": list(f.fixed_in),
        "fix": f.fix,
        "fix_released": _iso(f.fix_released),
        "days_since_fix": f.days_since_fix(now),
        "deadline": _iso(f.deadline),
        "overdue": f.overdue,
        "note": f.note,
    }


# -- reading PyPI's documents ------------------------------------------------------------


def _field(document: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = document.get(name) if isinstance(document, Mapping) else None
    if not isinstance(value, kind):
        raise MalformedDocument(f"'{name}' is missing or not of the expected type")
    return value


def _latest(project: Mapping[str, Any]) -> str:
    info = _field(project, "info", dict)
    version: str = _field(info, "version", str)
    return version


def _advisories(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = _field(document, "vulnerabilities", list)
    if not all(isinstance(a, dict) for a in found):
        raise MalformedDocument("'vulnerabilities' holds something that is not an object")
    return [a for a in found if not a.get("withdrawn")]


def _release_dates(project: Mapping[str, Any]) -> dict[Version, datetime]:
    """The first upload of every release that has files (unparseable versions skipped)."""
    releases = _field(project, "releases", dict)
    out: dict[Version, datetime] = {}
    for text, files in releases.items():
        try:
            version = Version.parse(text)
        except InvalidVersion:
            continue
        times = []
        for file in files if isinstance(files, list) else ():
            stamp = file.get("upload_time_iso_8601") if isinstance(file, dict) else None
            if isinstance(stamp, str):
                try:
                    times.append(datetime.fromisoformat(stamp.replace("Z", "+00:00")))
                except ValueError:
                    continue
        if times:
            first = min(t if t.tzinfo else t.replace(tzinfo=UTC) for t in times)
            out[version] = min(first, out.get(version, first))
    return out


def _lists(project: Mapping[str, Any], version: str) -> bool:
    """True if the project document names ``version`` among its releases."""
    releases = project.get("releases")
    if not isinstance(releases, dict):
        return False
    wanted = Version.parse(version)
    for text in releases:
        try:
            if Version.parse(text) == wanted:
                return True
        except InvalidVersion:
            continue
    return False


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def judge(
    advisory: Mapping[str, Any],
    pinned: Version,
    released: Mapping[Version, datetime],
    now: datetime,
) -> Finding:
    """One advisory against the pin, the release dates and the patch policy."""
    rating = rate(advisory)
    fixed_in = _strings(advisory.get("fixed_in"))
    fixed = []
    for text in fixed_in:
        try:
            fixed.append(Version.parse(text))
        except InvalidVersion:
            continue
    candidates = [v for v in fixed if v > pinned] or fixed
    dated = sorted((released[v], v) for v in candidates if v in released)
    fix: Version | None = None
    fix_released = deadline = None
    if not fixed_in:
        overdue, note = False, "no fixed version is released yet"
    elif not dated:
        overdue = True
        note = "a fix is named but its release date is not on PyPI: treated as overdue"
        fix = min(candidates) if candidates else None
    else:
        fix_released, fix = dated[0]
        deadline = fix_released + rating.deadline
        overdue, note = now > deadline, ""
    return Finding(
        id=str(advisory.get("id") or "unnamed advisory"),
        aliases=_strings(advisory.get("aliases")),
        summary=" ".join(str(advisory.get("summary") or advisory.get("details") or "").split())[
            :300
        ],
        link=advisory.get("link") if isinstance(advisory.get("link"), str) else None,
        rating=rating,
        fixed_in=fixed_in,
        fix=str(fix) if fix is not None else None,
        fix_released=fix_released,
        deadline=deadline,
        overdue=overdue,
        note=note,
    )


def assess_one(pin: Pin, fetch: Fetch, now: datetime) -> Dependency:
    """The posture of one pin; never raises for what PyPI answers (or fails to)."""
    name, version = pin.name, pin.version
    try:
        project = fetch(project_path(name))
    except NotOnIndex:
        return Dependency(name, version, problem=f"PyPI has no project named {name}")
    except Unreachable as exc:
        return Dependency(name, version, problem=f"PyPI unreachable: {exc}", unreachable=True)
    latest: str | None = None
    try:
        latest = _latest(project)
        pinned = Version.parse(version)
        if Version.parse(latest) == pinned:
            advisories = _advisories(project)
        else:
            advisories = _advisories(fetch(release_path(name, version)))
        released = _release_dates(project)
        findings = tuple(judge(a, pinned, released, now) for a in advisories)
    except NotOnIndex:
        if _lists(project, version):
            problem = (
                f"PyPI lists {name} {version} but does not serve /pypi/{name}/{version}/json, "
                "where the advisories affecting it are: they are unknown"
            )
        else:
            problem = (
                f"PyPI has no release {name} {version}, so the advisories affecting it are unknown"
            )
        return Dependency(name, version, latest, problem=problem)
    except Unreachable as exc:
        return Dependency(
            name, version, latest, problem=f"PyPI unreachable: {exc}", unreachable=True
        )
    except (MalformedDocument, InvalidVersion) as exc:
        return Dependency(name, version, latest, problem=f"unexpected answer from PyPI: {exc}")
    return Dependency(name, version, latest, findings)


def assess(
    pins: Sequence[Pin],
    fetch: Fetch,
    clock: Clock,
    *,
    lock: str = "lock file",
    workers: int = 8,
) -> Report:
    """The posture of every pin, asked of PyPI by ``workers`` threads.

    The first pin is asked alone: if PyPI cannot be reached at all, every pin is
    reported unreachable at once instead of after one timeout each.
    """
    now = clock()
    if now.tzinfo is None:
        raise ValueError("the clock must give aware (UTC) times")
    if not pins:
        return Report(lock, now, ())
    first = assess_one(pins[0], fetch, now)
    rest: Iterable[Dependency]
    if first.unreachable:
        rest = (
            Dependency(p.name, p.version, problem="not asked: PyPI unreachable", unreachable=True)
            for p in pins[1:]
        )
    else:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="posture") as pool:
            rest = list(pool.map(lambda p: assess_one(p, fetch, now), pins[1:]))
    return Report(lock, now, (first, *rest))
