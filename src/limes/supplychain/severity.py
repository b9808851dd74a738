"""How bad an advisory is, and how long the patch policy allows before it is fixed.

The patch policy (``docs/security.md``): once a fixed version is available, a
critical vulnerability is patched within 72 hours, a high one within 7 days, any
other within 30 days.

PyPI's advisory records (``vulnerabilities`` in its JSON API, from OSV) carry no
severity today. When a record does carry one, it is used: a qualitative rating
(``"severity": "HIGH"``, or ``database_specific.severity`` as GitHub writes it), a
numeric CVSS score, or OSV ``severity`` entries whose CVSS v3 vector is scored here.
Anything else is *unknown*, and an unknown severity is treated as **high**: fail
closed, a deadline of 7 days rather than none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

__all__ = [
    "DEADLINES",
    "UNKNOWN_SEVERITY",
    "Rating",
    "Severity",
    "cvss3_base_score",
    "rate",
    "severity_of_score",
]


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


DEADLINES: Mapping[Severity, timedelta] = {
    Severity.CRITICAL: timedelta(hours=72),
    Severity.HIGH: timedelta(days=7),
    Severity.MEDIUM: timedelta(days=30),
    Severity.LOW: timedelta(days=30),
}
"""How long after a fixed version is available the fix must be deployed."""

UNKNOWN_SEVERITY = Severity.HIGH
"""The severity of an advisory that states none (fail closed)."""


@dataclass(frozen=True, slots=True)
class Rating:
    """A severity and where it came from (shown next to it in every report)."""

    severity: Severity
    source: str

    @property
    def deadline(self) -> timedelta:
        return DEADLINES[self.severity]


_WORDS = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "moderate": Severity.MEDIUM,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
}


def severity_of_score(score: float) -> Severity | None:
    """CVSS v3 qualitative rating: 9.0+ critical, 7.0+ high, 4.0+ medium, 0.1+ low.

    A score of 0 (none) or outside 0-10 gives None: it rates nothing.
    """
    if not 0.0 < score <= 10.0:
        return None
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW


_CVSS3_WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
    "I": {"H": 0.56, "L": 0.22, "N": 0.0},
    "A": {"H": 0.56, "L": 0.22, "N": 0.0},
}
_CVSS3_PR = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}
_CVSS3_BASE = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")


def _roundup(value: float) -> float:
    """CVSS v3.1 Roundup: the smallest one-decimal number >= value (float-safe)."""
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000
    return (math.floor(scaled / 10_000) + 1) / 10.0


def cvss3_base_score(vector: str) -> float:
    """The base score of a CVSS v3.0/v3.1 vector (``CVSS:3.1/AV:N/AC:L/…``).

    Rule: FIRST CVSS v3.1 specification, section 7.1 (v3.0 vectors are scored by the
    same equations). ``ValueError`` for a vector that is not one, or lacks a base metric.
    """
    parts = vector.strip().split("/")
    if not parts or parts[0] not in ("CVSS:3.0", "CVSS:3.1"):
        raise ValueError(f"{vector!r} is not a CVSS v3 vector")
    metrics: dict[str, str] = {}
    for part in parts[1:]:
        name, sep, value = part.partition(":")
        if not sep or name in metrics:
            raise ValueError(f"{vector!r}: {part!r} is not one metric:value")
        metrics[name] = value
    try:
        base = {name: metrics[name] for name in _CVSS3_BASE}
        scope = base["S"]
        if scope not in ("U", "C"):
            raise KeyError("S")
        av, ac, ui, c, i, a = (
            _CVSS3_WEIGHTS[name][base[name]] for name in ("AV", "AC", "UI", "C", "I", "A")
        )
        pr = _CVSS3_PR[scope][base["PR"]]
    except KeyError as exc:
        raise ValueError(f"{vector!r}: base metric {exc.args[0]} is missing or invalid") from None
    iss = 1 - (1 - c) * (1 - i) * (1 - a)
    if scope == "U":
        impact = 6.42 * iss
    else:
        impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    exploitability = 8.22 * av * ac * pr * ui
    if impact <= 0:
        return 0.0
    if scope == "U":
        return _roundup(min(impact + exploitability, 10))
    return _roundup(min(1.08 * (impact + exploitability), 10))


def _from_value(value: object) -> Rating | None:
    if isinstance(value, str):
        word = _WORDS.get(value.strip().lower())
        if word is not None:
            return Rating(word, f"advisory: {value.strip()}")
        if value.strip().startswith("CVSS:3."):
            return _from_vector(value)
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        found = severity_of_score(float(value))
        return Rating(found, f"advisory: CVSS score {value}") if found else None
    if isinstance(value, list):
        ratings = [r for r in map(_from_entry, value) if r is not None]
        order = list(Severity)
        return min(ratings, key=lambda r: order.index(r.severity), default=None)
    return None


def _from_entry(entry: object) -> Rating | None:
    """One OSV ``severity`` entry: ``{"type": "CVSS_V3", "score": "CVSS:3.1/…"}``."""
    if isinstance(entry, Mapping):
        score = entry.get("score")
        if isinstance(score, str) and score.startswith("CVSS:3."):
            return _from_vector(score)
        if isinstance(score, int | float) and not isinstance(score, bool):
            return _from_value(score)
    return None


def _from_vector(vector: str) -> Rating | None:
    try:
        score = cvss3_base_score(vector)
    except ValueError:
        return None
    found = severity_of_score(score)
    return Rating(found, f"advisory: CVSS {score} ({vector})") if found else None


def rate(advisory: Mapping[str, object]) -> Rating:
    """The severity of one advisory record: its own data if it states one, else unknown.

    Looked at, in order: ``severity`` (a word, a CVSS score, a CVSS v3 vector, or a
    list of OSV severity entries: the worst one counts) and
    ``database_specific.severity``. A CVSS v4 vector is not scored here, so an
    advisory with only that is unknown. Unknown is ``UNKNOWN_SEVERITY`` (high).
    """
    found = _from_value(advisory.get("severity"))
    if found is None:
        specific = advisory.get("database_specific")
        if isinstance(specific, Mapping):
            found = _from_value(specific.get("severity"))
    if found is not None:
        return found
    return Rating(UNKNOWN_SEVERITY, "unknown: the advisory states no severity; treated as high")
