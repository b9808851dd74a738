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
from datetime import date
from pathlib import Path
from random import Random
from typing import Any

from bench.search import aims
from bench.search.inprocess import ABSENT_SEED_OFFSET
from bench.search.measure import line, load_average
from bench.search.queries import identifier_probe, mrz_probe, person_probe
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


_GET_LUA = _LUA.replace(
    'return wrk.format("POST", path, {\n    ["Content-Type"] = "application/json",',
    'return wrk.format("GET", bodies[(counter %% #bodies) + 1], {',
).replace("}, bodies[(counter %% #bodies) + 1])", "})")
"""A GET of each path of ``bodies`` in turn, each by one of the principals."""

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
    person_bodies, object_bodies, zone_bodies = [], [], []
    today = date.today()
    for n in range(BODIES):
        person = rng.choice(stored_people) if n % 2 == 0 else absent_people[n % len(absent_people)]
        query = person_probe(person, n, rng).query
        zone_bodies.append({"mrz": mrz_probe(person, n, rng, today).text})
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
    return {
        "/v1/search/persons": person_bodies,
        "/v1/search/objects": object_bodies,
        "/v1/search/mrz": zone_bodies,
    }


def lua_script(path: str, payloads: list[Any], template: str = _LUA) -> str:
    """The script of ``template`` over ``payloads``: JSON bodies, or paths (strings) to GET."""
    # ensure_ascii: every body is plain ASCII, so a Lua long string holds it unchanged
    quoted = ",\n".join(
        f"[==[{p if isinstance(p, str) else json.dumps(p, ensure_ascii=True)}]==]" for p in payloads
    )
    return template % {"bodies": quoted, "principals": PRINCIPALS, "path": path}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    var: Path, port: int, log: Path, workers: int = 2, search_index: str = "shared"
) -> subprocess.Popen[bytes]:
    # the read bounds raised too: every bench principal is of one authority (BPOL/DE),
    # whose 3,000 distinct alerts an hour the alert reads would pass within seconds
    env = {
        **os.environ,
        "LIMES_VAR": str(var),
        "LIMES_ENV": "development",
        "LIMES_AUTH": "unsafe-dev-headers",
        "LIMES_RATE_PER_SECOND": "100000",
        "LIMES_RATE_BURST": "100000",
        "LIMES_DAILY_READ_QUOTA": "100000000",
        "LIMES_READS_PER_HOUR": "100000000",
        "LIMES_READS_PER_DAY": "100000000",
        "LIMES_AUTHORITY_READS_PER_HOUR": "100000000",
        "LIMES_AUTHORITY_READS_PER_DAY": "100000000",
    }
    with log.open("wb") as out:
        # a session of its own, so that stopping it reaches uvicorn's worker processes too
        return subprocess.Popen(
            [str(LIMES), "serve", "--workers", str(workers), "--host", "127.0.0.1",
             "--port", str(port), "--search-index", search_index],
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


def probe(base: str, path: str, body: dict[str, Any], limit: int | None = 300) -> tuple[int, str]:
    """One request by hand: a refusal is better read here than counted by wrk."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + path, json.dumps(body).encode(), method="POST",
        headers={**HEADERS, "X-Limes-Unsafe-Principal": "bench-probe@BPOL/DE;roles=border_guard"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read(limit).decode(errors="replace")
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


def hit_ids(base: str, sample: list[dict[str, Any]], wanted: int) -> list[str]:
    """Ids of alerts a bench border guard may read: the hits of person searches."""
    found: list[str] = []
    for body in sample[::2]:  # the even bodies are made from stored persons
        status, text = probe(base, "/v1/search/persons", body, limit=None)
        if status == 200:
            found.extend(h["alert"]["id"] for h in json.loads(text)["hits"])
        if len(set(found)) >= wanted:
            break
    return list(dict.fromkeys(found))


def timed(
    server: subprocess.Popen[bytes], base: str, script: Path, seconds: int, concurrency: int,
    path: str = "",
) -> dict[str, Any]:  # fmt: skip
    """wrk's figures of one endpoint after a warm-up, with the server's CPU per request."""
    wrk(base, script, WARM_UP_SECONDS, concurrency, path)
    before = aims.session_cpu_by_role(server.pid)
    result = wrk(base, script, seconds, concurrency, path)
    after = aims.session_cpu_by_role(server.pid)
    spent = {role: after[role] - before.get(role, 0.0) for role in after}
    n = result["requests"]
    result["server_cpu_us"] = round(aims.cpu_per_request(sum(spent.values()), n), 1)
    result["server_cpu_us_by_process"] = {
        role: round(aims.cpu_per_request(cpu, n), 1) for role, cpu in sorted(spent.items())
    }
    return result


def _shown(name: str, result: dict[str, Any]) -> str:
    by_process = result.get("server_cpu_us_by_process", {})
    return (
        f"  {name}: {result['requests_per_s']:,.0f} requests/s  p50 {result['p50_ms']:.1f} ms  "
        f"p99 {result['p99_ms']:.1f} ms  max {result['max_ms']:.1f} ms  non-2xx/3xx "
        f"{result['non_2xx_3xx']}  socket errors {sum(result['socket_errors'].values())}  "
        f"server CPU {result['server_cpu_us']:,.0f} µs/request  (load average "
        f"{' '.join(f'{x:.2f}' for x in load_average())})\n    server CPU by process: "
        + ", ".join(f"{k} {v:,.0f} µs" for k, v in by_process.items())
    )


def serve_and_measure(
    loaded: Loaded, payloads: dict[str, list[dict[str, Any]]], seconds: int, concurrency: int,
    workers: int, endpoints: tuple[str, ...], search_index: str = "shared",
) -> dict[str, Any]:  # fmt: skip
    """One server with ``workers`` processes (``--search-index search_index``), each
    endpoint of ``endpoints`` driven by wrk; the server is stopped whatever happens."""
    tmp = loaded.var.parent
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, Any] = {}
    log = SERVER_LOG.with_name(f"server-{workers}-{search_index}.log")
    server = start_server(loaded.var, port, log, workers, search_index)
    try:
        started = wait_healthy(base, server, SERVER_START_SECONDS)
        mode = f", --search-index {search_index}" if workers > 1 else ""
        line(f"  {workers} worker(s){mode}: server healthy after {started:.1f} s (indexes built)")
        figures["server_start_s"] = round(started, 1)
        for path, sample in payloads.items():
            name = f"POST {path}"
            if name not in endpoints:
                continue
            status, text = probe(base, path, sample[0])
            if status != 200:
                raise RuntimeError(f"POST {path} answered {status}: {text}")
            script = Path(tmp) / (path.rsplit("/", 1)[-1] + ".lua")
            script.write_text(lua_script(path, sample))
            figures[name] = timed(server, base, script, seconds, concurrency)
            line(_shown(name, figures[name]))
        if "GET /v1/alerts/{id}" in endpoints:
            ids = hit_ids(base, payloads["/v1/search/persons"], 500)
            script = Path(tmp) / "alert.lua"
            script.write_text(lua_script("", [f"/v1/alerts/{i}" for i in ids], _GET_LUA))
            name = "GET /v1/alerts/{id}"
            figures[name] = timed(server, base, script, seconds, concurrency)
            line(_shown(f"{name} ({len(ids)} alerts)", figures[name]))
        if "GET /v1/health" in endpoints:
            # the request path without a search: no authentication, no store, no audit
            script = Path(tmp) / "health.lua"
            script.write_text(_HEALTH_LUA)
            name = "GET /v1/health"
            figures[name] = timed(server, base, script, seconds, concurrency, "/v1/health")
            line(_shown(name, figures[name]))
    finally:
        stop_server(server)
    return figures


MODES = ("shared", "per-worker")
"""``limes serve --search-index``: one index process for every worker, or a copy in each."""


def run(
    loaded: Loaded, seconds: int, concurrency: int, seed: int, *, one_worker: bool = True,
    modes: tuple[str, ...] = MODES,
) -> dict[str, Any]:  # fmt: skip
    """Part 3 over the var folder ``loaded``: every endpoint with 2 workers in each
    ``--search-index`` mode of ``modes``, then person search with 1 worker for the ratio
    (unless ``one_worker`` is False); the aims table of the mode with more person searches
    a second (it says which), and each mode's 2:1 ratio."""
    alerts = loaded.persons + loaded.objects
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install -y wrk)")
    load = load_average()
    line(
        f"part 3: HTTP, limes serve --workers 2 --search-index {' and '.join(modes)}, "
        f"{alerts:,} alerts, wrk -c{concurrency} {seconds} s per endpoint (load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    payloads = bodies(loaded.persons, loaded.objects, seed)
    endpoints = tuple(a.endpoint for a in aims.AIMS)
    persons = "POST /v1/search/persons"
    by_mode = {
        mode: serve_and_measure(loaded, payloads, seconds, concurrency, 2, endpoints, mode)
        for mode in modes
    }
    best = max(modes, key=lambda m: by_mode[m][persons]["requests_per_s"])
    figures: dict[str, Any] = {
        "alerts": alerts,
        "load_average_at_start": load,
        "client": f"wrk -t2 -c{concurrency}",
        "principals": PRINCIPALS,
        "search_index": best,
        "modes": by_mode,
        **by_mode[best],
    }
    if one_worker:
        alone = serve_and_measure(loaded, payloads, seconds, concurrency, 1, (persons,))
        figures["one_worker"] = alone
        single = alone[persons]["requests_per_s"]
        ratios = {m: round(by_mode[m][persons]["requests_per_s"] / single, 2) for m in modes}
        figures["two_vs_one_worker_by_mode"] = ratios
        figures["two_vs_one_worker"] = ratios[best]
        for mode, ratio in ratios.items():
            line(f"  persons/s, 2 workers (--search-index {mode}) / 1 worker: {ratio:.2f}x")
    if len(modes) > 1:
        line(f"the aims are judged on --search-index {best} (more person searches a second):")
    aims.report(figures)
    return figures
