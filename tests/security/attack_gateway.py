"""The attack on the gateway (``.ci/attack``): ``python -m tests.security.attack_gateway
SECONDS [EXAMPLES]``.

The whole path runs in processes of its own (``tests/gateway/stack.py``: a Limes over
mutual TLS, ``python -m limes.gateway`` in front). Hypothesis then sends, as ETIAS (its
pinned certificate and token), as EES, and with wrong or no tokens, requests with random
methods, paths, profiles and bodies: JSON of any shape with the profiles' field names and
others, strings of any script and control characters, large and deeply nested values,
and bytes that are no JSON. Each answer must be one the boundary allows:

* never a server error of the gateway (500) and never an unreadable answer;
* a 200 only on a profile of the asking system with its token, and then exactly that
  profile's shape (``gateway/checks.checked_answer``);
* a refusal as an RFC 9457 problem;
* ETIAS never reaches the EES profile, nor a wrong token anything.

At the end both processes must be alive and Limes' log free of unhandled errors. Exits 1
on any finding, printing the first ones.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.gateway import stack
from tests.gateway.helpers import TOKENS

from limes.gateway.checks import BadAnswer, checked_answer
from limes.gateway.upstream import LimesClient
from limes.policy.profiles import QUERY_FIELDS, default_profiles

PROFILES = default_profiles()
MINE = {"etias": {"etias-screening"}, "ees": {"ees-border-check"}}
KEYS = st.sampled_from([*QUERY_FIELDS, "categories", "reason", "alert_id", "", "surnames\x00"])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
LEAF = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
VALUE = st.recursive(
    LEAF,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)
BODY = (
    st.dictionaries(KEYS, VALUE | st.lists(TEXT, max_size=7), max_size=8).map(
        lambda d: json.dumps(d).encode()
    )
    | VALUE.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=6000)
    | st.integers(1, 200).map(lambda n: b"[" * n * 40)
)
PROFILE = st.sampled_from(
    [*PROFILES, "", "../../v1/alerts", "etias-screening/..", "%00", "x" * 300]
)
TOKEN = st.sampled_from(["etias", "ees", "none", "wrong"])


def check(system: str, token: str, profile: str, status: int, body: bytes) -> str | None:
    """What is wrong with this answer, or None."""
    if status >= 500 and status != 502:
        return f"a server error {status}"
    if status == 200:
        if token != system or profile not in MINE[system]:
            return f"200 for {system} with the {token} token on {profile!r}"
        try:
            checked_answer(PROFILES[profile], body)
        except BadAnswer as exc:
            return f"an answer beyond the profile: {exc}"
        return None
    try:
        problem = json.loads(body)
    except ValueError:
        return None if status in (404, 405) else f"{status} that is no JSON problem"
    if not isinstance(problem, dict) or problem.get("status") != status:
        return f"{status} without its problem"
    return None


VALID = json.dumps(
    {"surnames": ["Ivanova"], "date_of_birth": "1984-03-17", "external_reference": "ETIAS-1"}
).encode()
EES = json.dumps({"surnames": ["Ivanova"], "external_reference": "EES-1"}).encode()


def attack(up: stack.Stack, examples: int, seconds: float) -> tuple[list[str], Counter[int]]:
    clients = {name: up.as_system(name) for name in ("etias", "ees")}
    findings: list[str] = []
    statuses: Counter[int] = Counter()
    deadline = time.monotonic() + seconds

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        system=st.sampled_from(["etias", "ees"]),
        token=TOKEN,
        profile=PROFILE,
        raw=BODY,
        method=st.sampled_from(["POST", "POST", "POST", "GET", "PUT"]),
    )
    @example(system="etias", token="etias", profile="etias-screening", raw=VALID, method="POST")
    @example(system="etias", token="etias", profile="ees-border-check", raw=EES, method="POST")
    @example(system="etias", token="ees", profile="ees-border-check", raw=EES, method="POST")
    @example(system="ees", token="ees", profile="ees-border-check", raw=EES, method="POST")
    @example(system="ees", token="ees", profile="etias-screening", raw=VALID, method="POST")
    def one(system: str, token: str, profile: str, raw: bytes, method: str) -> None:
        if time.monotonic() > deadline or len(findings) > 20:
            return
        client: LimesClient = clients[system]
        secret = TOKENS.get(token, "not-a-token")
        headers = {} if token == "none" else {"Authorization": f"Bearer {secret}"}
        conn = client._connection()
        try:
            conn.request(method, f"/v1/screening/{profile}", body=raw, headers=headers)
            response = conn.getresponse()
            body = response.read()
        except OSError as exc:
            client._drop()
            findings.append(f"{method} {profile!r} as {system}: connection failed: {exc!r}")
            return
        statuses[response.status] += 1
        finding = check(system, token, profile if method == "POST" else "", response.status, body)
        if finding:
            findings.append(f"{method} {profile!r} as {system}/{token}: {finding}")

    one()
    for client in clients.values():
        client.close()
    return findings, statuses


def main(argv: list[str]) -> int:
    seconds = float(argv[1]) if len(argv) > 1 else 50.0
    examples = int(argv[2]) if len(argv) > 2 else 400
    with tempfile.TemporaryDirectory(prefix="limes-attack-gateway-") as tmp:
        with stack.running(Path(tmp)) as up:
            started = time.monotonic()
            findings, statuses = attack(up, examples, seconds)
            took = time.monotonic() - started
            for name, process in (("gateway", up.gateway), ("limes", up.limes)):
                if process.poll() is not None:
                    findings.append(f"the {name} process died")
        log = (Path(tmp) / "limes.log").read_text("utf-8", "replace")
        if "unhandled error" in log:
            findings.append("Limes logged an unhandled error")
    print(
        f"attack: gateway: {sum(statuses.values())} requests in {took:.0f} s, answers "
        f"{dict(sorted(statuses.items()))}, {len(findings)} findings"
    )
    for finding in findings[:20]:
        print(f"attack: gateway: {finding}")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
