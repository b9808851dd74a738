"""The extraction check of ``.ci/attack``: issue 11's extraction scripts against a running
server of several worker processes, each of which must end refused having read no more
than the bound; then the honest list, and the lift.

``python -m tests.security.attack_extraction URL PER_HOUR AUTHORITY_PER_HOUR`` runs them
with a new connection per request (so that the kernel spreads them over the workers) and
exits 1 naming every script that read past its bound or was not refused. The slow-pace
script needs hours of a real clock; it runs on a fake clock in
``tests/service/test_reading.py``.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.attack_setup import STATES

REFUSED = "urn:limes:problem:reads-blocked"


@dataclass
class Outcome:
    read: set[str] = field(default_factory=set)
    refused: str | None = None


def call(
    base: str, path: str, principal: str, purpose: str, body: bytes | None = None
) -> tuple[int, Any]:
    if not base.startswith("http://127.0.0.1:"):
        raise ValueError(f"{base} is not the local server")
    headers = {"X-Limes-Unsafe-Principal": principal, "X-Limes-Purpose": purpose}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(f"{base}{path}", data=body, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 # nosec B310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def walk(base: str, principal: str, purpose: str, page: int, reread: bool = False) -> Outcome:
    """List every state's alerts page by page until refused; with ``reread``, read the
    lowest id seen again between pages."""
    out = Outcome()
    for state in STATES:
        cursor = ""
        while True:
            path = f"/v1/alerts?issuing_state={state}&limit={page}{cursor}"
            status, answer = call(base, path, principal, purpose)
            if status != 200:
                out.refused = answer.get("type")
                return out
            out.read |= {item["id"] for item in answer["items"]}
            if reread and out.read:
                status, again = call(base, f"/v1/alerts/{min(out.read)}", principal, purpose)
                if status != 200:
                    out.refused = again.get("type")
                    return out
            if answer["next_cursor"] is None:
                break
            cursor = f"&cursor={answer['next_cursor']}"
    return out


def one_by_one(base: str, principals: list[str], ids: list[str], each: int) -> Outcome:
    """Each principal reads ``each`` new alerts, one GET at a time, until refused."""
    out, pending = Outcome(), iter(ids)
    for principal in principals:
        for _ in range(each):
            alert_id = next(pending, None)
            if alert_id is None:
                return out
            status, answer = call(base, f"/v1/alerts/{alert_id}", principal, "border_check")
            if status != 200:
                out.refused = answer.get("type")
                return out
            out.read.add(alert_id)
    return out


def register(base: str) -> list[str]:
    ids: list[str] = []
    for state in STATES:
        who = f"ids@SIRENE/{state};roles=sirene_operator"
        status, answer = call(base, f"/v1/alerts?issuing_state={state}&limit=200", who, "sirene")
        if status != 200:
            raise SystemExit(f"listing {state}'s alerts answered {status}: {answer}")
        ids += [item["id"] for item in answer["items"]]
    return ids


def run(base: str, per_hour: int, authority_per_hour: int) -> list[str]:
    failures: list[str] = []

    def check(name: str, outcome: Outcome, bound: int) -> None:
        verdict = "ok" if outcome.refused == REFUSED and len(outcome.read) <= bound else "FAILED"
        print(
            f"attack: extraction: {name}: read {len(outcome.read)} distinct alerts "
            f"(bound {bound}), refused as {outcome.refused}: {verdict}"
        )
        if verdict != "ok":
            failures.append(name)

    guard = "guard@PAF/FR;roles=border_guard"
    whole = call(base, "/v1/alerts?limit=500", guard, "border_check")[0]
    unnamed = call(base, "/v1/alerts?limit=50", guard, "border_check")[0]
    print(f"attack: extraction: GET /v1/alerts?limit=500 as a border guard: {whole}")
    print(f"attack: extraction: GET /v1/alerts (no criterion) as a border guard: {unnamed}")
    if (whole, unnamed) != (400, 403):
        failures.append("the whole register in one listing")
    check("pages of 50", walk(base, guard, "border_check", 50), per_hour)
    police = "police@PJ/FR;roles=police_officer"
    check(
        "pages of 45, re-reading the lowest id",
        walk(base, police, "police_check", 45, True),
        per_hour,
    )
    ids = register(base)
    crowd = [f"guard-{n}@CROWD/FR;roles=border_guard" for n in range(len(ids))]
    check(
        "many principals of one authority",
        one_by_one(base, crowd, ids, per_hour - 5),
        authority_per_hour,
    )

    honest = "honest@PAF/FR;roles=border_guard"
    status, _ = call(base, "/v1/alerts?issuing_state=DE&limit=50", honest, "border_check")
    dpo = "dpo@CNIL/FR;roles=data_protection_officer"
    events = call(base, "/v1/security-events?limit=1000", dpo, "data_protection")[1]["items"]
    raised = [e["kind"] for e in events if e["principal"].startswith("honest@")]
    print(f"attack: extraction: an honest list of 50: {status}, events raised: {raised}")
    if status != 200 or raised:
        failures.append("the honest list")

    blocks = call(base, "/v1/read-blocks", dpo, "data_protection")[1]["items"]
    mine = next(b for b in blocks if b["principal"] == guard.split(";")[0])
    lift: Callable[[], tuple[int, Any]] = lambda: call(  # noqa: E731 - called twice
        base, f"/v1/read-blocks/{mine['id']}/lift", dpo, "data_protection", b'{"reason": "CI"}'
    )
    lifted = lift()[0]
    again = call(base, f"/v1/alerts/{ids[0]}", guard, "border_check")[0]
    print(f"attack: extraction: the DPO lifts the guard's block: {lifted}; it reads again: {again}")
    if (lifted, again, lift()[0]) != (200, 200, 409):
        failures.append("the lift")
    return failures


def main(argv: list[str]) -> None:
    base, per_hour, authority_per_hour = argv[0], int(argv[1]), int(argv[2])
    failures = run(base, per_hour, authority_per_hour)
    if failures:
        print(f"attack: extraction FAILED: {', '.join(failures)}")
        raise SystemExit(1)
    print("attack: extraction: passed")


if __name__ == "__main__":
    main(sys.argv[1:])
