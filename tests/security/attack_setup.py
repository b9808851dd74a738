"""Helpers of ``.ci/attack``: a free port, waiting for the server, the schemathesis config.

``python -m tests.security.attack_setup port`` prints a free loopback port;
``wait URL SECONDS`` waits for ``/v1/health``; ``config URL OUT CACHE`` writes a
``schemathesis.toml`` whose dictionaries hold real alert ids of several member states
(read through the API as a SIRENE operator of each), member-state codes and ETags, so
that generated requests reach alerts that exist as well as ones that do not, and which
keeps schemathesis' cache (crashes to replay) in CACHE instead of the working tree;
``summary DIR`` prints the figures of every run from their JUnit reports.
"""

from __future__ import annotations

import json
import socket
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

STATES = ("DE", "FR", "IT", "NL", "PL", "ES", "SE", "AT")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"{url} is not the local server")
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 # nosec B310
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait(base: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if _get(f"{base}/v1/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not answer /v1/health within {seconds} s")


def alert_ids(base: str) -> list[str]:
    ids: list[str] = []
    for state in STATES:
        headers = {
            "X-Limes-Unsafe-Principal": f"attack-setup@SIRENE/{state};roles=sirene_operator",
            "X-Limes-Purpose": "sirene",
        }
        status, body = _get(f"{base}/v1/alerts?limit=5&issuing_state={state}", headers)
        if status != 200:
            raise SystemExit(f"listing the alerts of {state} answered {status}: {body[:300]!r}")
        ids += [item["id"] for item in json.loads(body)["items"]]
    if not ids:
        raise SystemExit("the demo data holds no alert: nothing real to attack")
    return ids


def config(base: str, out: Path, cache: Path) -> None:
    ids = alert_ids(base)
    etags = [f'"{n}"' for n in range(1, 4)]
    lines = [
        "# written by .ci/attack: real alert ids, member states and ETags to draw from",
        "[cache]",
        f"directory = {json.dumps(str(cache.resolve()))}",
        "[dictionaries.alert_ids]",
        f"values = {json.dumps(ids)}",
        "[dictionaries.states]",
        f"values = {json.dumps(list(STATES))}",
        "[dictionaries.etags]",
        f"values = {json.dumps(etags)}",
        "[parameters]",
        '"path.alert_id" = { dictionary = "alert_ids", probability = 0.6 }',
        '"path.other_id" = { dictionary = "alert_ids", probability = 0.6 }',
        '"path.state" = { dictionary = "states", probability = 0.6 }',
        '"header.If-Match" = { dictionary = "etags", probability = 0.5 }',
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(ids)} alert ids of {len(STATES)} states")


def summary(folder: Path) -> None:
    """One line per run: test cases, failures, errors (from each JUnit report)."""
    for report in sorted(folder.glob("*/junit.xml")):
        root = ET.parse(report).getroot()  # noqa: S314 # nosec B314 - our own report
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        cases = sum(int(s.get("tests", 0)) for s in suites)
        failures = sum(int(s.get("failures", 0)) for s in suites)
        errors = sum(int(s.get("errors", 0)) for s in suites)
        print(f"{report.parent.name}: {cases} operations, {failures} failed, {errors} errors")


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "port":
        print(free_port())
    elif command == "wait":
        wait(args[0], float(args[1]))
    elif command == "config":
        config(args[0], Path(args[1]), Path(args[2]))
    elif command == "summary":
        summary(Path(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
