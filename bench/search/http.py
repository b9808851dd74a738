"""Part 3: searches a second over HTTP, ``limes serve --workers 2``, driven by wrk.

The server runs as a subprocess over a var folder loaded as in part 2, with the
development header authentication and the per-principal rate limits and quotas
raised so that the bench meets the server, not the throttle. Bulk-extraction detection
cannot be raised by a setting (600 distinct alerts an hour per principal and worker), so
requests are spread over ``PRINCIPALS`` border guards. wrk (C, a closed loop of
``--concurrency`` connections) runs in its own process on the same two cores; a Lua
script gives each request its body and principal and prints the figures as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from random import Random
from typing import Any

from bench.search.inprocess import ABSENT_SEED_OFFSET
from bench.search.measure import line, load_average
from bench.search.queries import identifier_probe, person_probe
from bench.search.store import LIMES, Loaded
from limes.demo.generator import DemoGenerator
from limes.domain.alerts import Person
from limes.search.identifiers import object_identifiers

PRINCIPALS = 2000
BODIES = 2000
WARM_UP_SECONDS = 5
SERVER_START_SECONDS = 600.0
SERVER_LOG = Path("build/bench-search/server.log")
HEADERS = {"X-Limes-Purpose": "border_check", "Content-Type": "application/json"}

_LUA = """
local bodies = {%(bodies)s}
local principals = %(principals)d
local path = "%(path)s"
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  local who = "bench-" .. (counter %% principals) .. "@BPOL/DE;roles=border_guard"
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["X-Limes-Purpose"] = "border_check",
    ["X-Limes-Unsafe-Principal"] = who,
  }, bodies[(counter %% #bodies) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %%d, "duration_us": %%d, "non_2xx_3xx": %%d, "connect_errors": %%d, '
    .. '"read_errors": %%d, "write_errors": %%d, "timeouts": %%d, "p50_us": %%d, '
    .. '"p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


# wrk's own request (GET of the URL's path), with the figures printed as above
_HEALTH_LUA = _LUA[_LUA.index("function done") :].replace("%%", "%")


def bodies(persons: int, objects: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Request bodies: half from the loaded alerts, half from an absent set."""
    rng = Random(seed)
    stored_people: list[Person] = []
    stored_values: list[str] = []
    for _, content in DemoGenerator(seed).alerts(persons, objects):
        if content.person is not None and content.person.surnames:
            stored_people.append(content.person)
        elif content.object is not None:
            stored_values.extend(v for _, v, _, _ in object_identifiers(content)[:1])
    absent = DemoGenerator(seed + ABSENT_SEED_OFFSET)
    absent_people = [
        c.person for _, c in absent.alerts(BODIES, 0) if c.person and c.person.surnames
    ]
    absent_values = [i[1] for _, c in absent.alerts(0, BODIES) for i in object_identifiers(c)[:1]]
    person_bodies, object_bodies = [], []
    for n in range(BODIES):
        person = rng.choice(stored_people) if n % 2 == 0 else absent_people[n % len(absent_people)]
        query = person_probe(person, n, rng).query
        person_bodies.append({
            "surnames": list(query.surnames), "forenames": list(query.forenames),
            "date_of_birth": query.date_of_birth,
            "gender": query.gender.value if query.gender else None,
            "nationalities": list(query.nationalities),
        })  # fmt: skip
        stored = n % 2 == 0
        value = rng.choice(stored_values) if stored else absent_values[n % len(absent_values)]
        object_bodies.append(
            {"identifiers": [{"value": identifier_probe(value, n if stored else None, rng).value}]}
        )
    return {"/v1/search/persons": person_bodies, "/v1/search/objects": object_bodies}


def lua_script(path: str, payloads: list[dict[str, Any]]) -> str:
    # ensure_ascii: every body is plain ASCII, so a Lua long string holds it unchanged
    quoted = ",\n".join(f"[==[{json.dumps(p, ensure_ascii=True)}]==]" for p in payloads)
    return _LUA % {"bodies": quoted, "principals": PRINCIPALS, "path": path}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(var: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LIMES_VAR": str(var),
        "LIMES_ENV": "development",
        "LIMES_AUTH": "unsafe-dev-headers",
        "LIMES_RATE_PER_SECOND": "100000",
        "LIMES_RATE_BURST": "100000",
        "LIMES_DAILY_READ_QUOTA": "100000000",
    }
    with log.open("wb") as out:
        # a session of its own, so that stopping it reaches uvicorn's worker processes too
        return subprocess.Popen(
            [str(LIMES), "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def wait_healthy(base: str, server: subprocess.Popen[bytes], timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}; see {SERVER_LOG}")
        try:
            with urllib.request.urlopen(f"{base}/v1/health", timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"no healthy server at {base} after {timeout:.0f} s")


def probe(base: str, path: str, body: dict[str, Any]) -> tuple[int, str]:
    """One request by hand: a refusal is better read here than counted by wrk."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + path, json.dumps(body).encode(), method="POST",
        headers={**HEADERS, "X-Limes-Unsafe-Principal": "bench-probe@BPOL/DE;roles=border_guard"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read(300).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(600).decode(errors="replace")


def wrk(base: str, script: Path, seconds: int, concurrency: int, path: str = "") -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(script), base + path]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    found = [x for x in done.stdout.splitlines() if x.startswith("WRK ")]
    if not found:
        raise RuntimeError(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(found[-1][4:])
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non_2xx_3xx": raw["non_2xx_3xx"],
        "socket_errors": {
            k: raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts")
        },
    }


def run(loaded: Loaded, seconds: int, concurrency: int, seed: int) -> dict[str, Any]:
    """Part 3 over the var folder ``loaded``; the server is stopped whatever happens."""
    alerts = loaded.persons + loaded.objects
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install -y wrk)")
    load = load_average()
    line(
        f"part 3: HTTP, limes serve --workers 2, {alerts:,} alerts, wrk -c{concurrency} "
        f"{seconds} s per endpoint (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    figures: dict[str, Any] = {
        "alerts": alerts,
        "load_average_at_start": load,
        "client": f"wrk -t2 -c{concurrency}",
        "principals": PRINCIPALS,
    }
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    tmp = loaded.var.parent
    payloads = bodies(loaded.persons, loaded.objects, seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(loaded.var, port, SERVER_LOG)
    try:
        started = wait_healthy(base, server, SERVER_START_SECONDS)
        line(f"  server healthy after {started:.1f} s (both workers built their indexes)")
        figures["server_start_s"] = round(started, 1)
        for path, sample in payloads.items():
            status, text = probe(base, path, sample[0])
            if status != 200:
                raise RuntimeError(f"POST {path} answered {status}: {text}")
            script = Path(tmp) / (path.rsplit("/", 1)[-1] + ".lua")
            script.write_text(lua_script(path, sample))
            wrk(base, script, WARM_UP_SECONDS, concurrency)
            result = wrk(base, script, seconds, concurrency)
            figures[path] = result
            aim = (
                "met" if result["requests_per_s"] >= 1000 and result["p99_ms"] <= 25 else "NOT met"
            )
            line(
                f"  POST {path}: {result['requests_per_s']:,.0f} requests/s  p50 "
                f"{result['p50_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms  max "
                f"{result['max_ms']:.1f} ms  non-2xx/3xx {result['non_2xx_3xx']}  "
                f"socket errors {sum(result['socket_errors'].values())}  "
                f"(aim >= 1,000/s with p99 <= 25 ms: {aim})"
            )
        # the request path without a search: no authentication, no store, no audit
        script = Path(tmp) / "health.lua"
        script.write_text(_HEALTH_LUA)
        wrk(base, script, WARM_UP_SECONDS, concurrency, "/v1/health")
        result = figures["/v1/health"] = wrk(base, script, seconds, concurrency, "/v1/health")
        aim = "met" if result["requests_per_s"] >= 8000 else "NOT met"
        line(
            f"  GET /v1/health: {result['requests_per_s']:,.0f} requests/s  p50 "
            f"{result['p50_ms']:.1f} ms  p99 {result['p99_ms']:.1f} ms  non-2xx/3xx "
            f"{result['non_2xx_3xx']}  (aim >= 8,000/s: {aim}; load average "
            f"{' '.join(f'{x:.2f}' for x in load_average())})"
        )
    finally:
        stop_server(server)
    return figures
