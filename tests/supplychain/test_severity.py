"""Severity ratings and deadlines: the patch policy, CVSS 3 base scores and the rating
of an advisory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from limes.supplychain.severity import DEADLINES, UNKNOWN_SEVERITY, Severity, cvss3_base_score, rate

# -- severity --------------------------------------------------------------------------


def test_the_patch_policy() -> None:
    assert DEADLINES == {
        Severity.CRITICAL: timedelta(hours=72),
        Severity.HIGH: timedelta(days=7),
        Severity.MEDIUM: timedelta(days=30),
        Severity.LOW: timedelta(days=30),
    }
    assert UNKNOWN_SEVERITY is Severity.HIGH


@pytest.mark.parametrize(
    ("vector", "score"),
    [  # the FIRST specification's examples and well-known CVEs
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
        ("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 8.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),
    ],
)
def test_cvss3_base_score(vector: str, score: float) -> None:
    assert cvss3_base_score(vector) == score


@pytest.mark.parametrize(
    "vector",
    [
        "CVSS:2.0/AV:N",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H",
        "",
    ],
)
def test_cvss3_refuses_what_is_not_a_vector(vector: str) -> None:
    with pytest.raises(ValueError, match=r"CVSS|metric"):
        cvss3_base_score(vector)


@pytest.mark.parametrize(
    ("advisory", "severity", "source"),
    [
        ({"severity": "CRITICAL"}, Severity.CRITICAL, "advisory: CRITICAL"),
        ({"severity": "moderate"}, Severity.MEDIUM, "advisory: moderate"),
        ({"severity": 7.5}, Severity.HIGH, "advisory: CVSS score 7.5"),
        ({"severity": 3.1}, Severity.LOW, "advisory: CVSS score 3.1"),
        (
            {
                "severity": [
                    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"}
                ]
            },
            Severity.MEDIUM,
            "advisory: CVSS 5.9",
        ),
        (
            {
                "severity": [
                    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N"},
                    {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                ]
            },
            Severity.CRITICAL,
            "advisory: CVSS 9.8",
        ),
        ({"database_specific": {"severity": "LOW"}}, Severity.LOW, "advisory: LOW"),
        # nothing usable: unknown, fail closed as high
        ({}, Severity.HIGH, "unknown"),
        ({"severity": "whatever"}, Severity.HIGH, "unknown"),
        ({"severity": 0}, Severity.HIGH, "unknown"),
        ({"severity": True}, Severity.HIGH, "unknown"),
        (
            {"severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L"}]},
            Severity.HIGH,
            "unknown",
        ),
    ],
)
def test_rate(advisory: dict[str, Any], severity: Severity, source: str) -> None:
    rating = rate(advisory)
    assert rating.severity is severity
    assert rating.source.startswith(source)
    assert rating.deadline == DEADLINES[severity]
