"""The gateway attack's verdicts: what it counts as a finding (the attack itself runs in
``.ci/attack``)."""

from __future__ import annotations

import json

from tests.security.attack_gateway import check

ETIAS = {"source": "SIS", "profile": "etias-screening", "hit": False, "results": []}


def test_the_systems_own_profile_with_its_token_may_answer_its_shape() -> None:
    assert check("etias", "etias", "etias-screening", 200, json.dumps(ETIAS).encode()) is None


def test_findings() -> None:
    body = json.dumps(ETIAS).encode()
    assert check("etias", "ees", "etias-screening", 200, body)  # another system's token
    assert check("etias", "etias", "ees-border-check", 200, body)  # another system's profile
    leak = {
        **ETIAS,
        "hit": True,
        "results": [
            {"source": "SIS", "category": "arrest", "sirene_bureau": "SIRENE DE", "reason": "x"}
        ],
    }
    assert check("etias", "etias", "etias-screening", 200, json.dumps(leak).encode())
    assert check("etias", "etias", "etias-screening", 500, b"")
    assert check("etias", "etias", "etias-screening", 400, b"oops")
    problem = json.dumps({"status": 403, "title": "Not allowed"}).encode()
    assert check("etias", "etias", "ees-border-check", 403, problem) is None
