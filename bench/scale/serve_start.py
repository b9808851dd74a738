"""``limes serve --workers 2 --search-index shared`` from its start to the first answered
search (issue 15, aim 3), each source tree's in turn.

    python -m bench.scale.serve_start --var DIR [--src NAME=SRC ...] [--rounds 2]
                                      [--snapshot] [--workers 2]

Starts the real server on the var folder ``DIR`` (made by ``bench.scale.rebuild
--keep``), its search snapshot removed first unless ``--snapshot`` (then one is made by
an untimed start before the first round), and times from the process's start to the
first person search answered 200 over HTTP. Each ``--src`` (default: the installed
package) runs with that folder first on ``PYTHONPATH``, alternated round after round,
so that a base and a branch share the machine's load alike. Each line gives the wall
seconds, the CPU seconds of every process of the server (the index process's ended
pool included), the peak PSS of all of them summed, the load average before and after,
and what the index process said of its build.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.scale.startup import pss_kib
from bench.search.measure import line, load_average

HEADERS = {
    "X-Limes-Unsafe-Principal": "bench@SIRENE/DE;roles=sirene_operator",
    "X-Limes-Purpose": "sirene",
}
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it, from ``/proc``."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, edge = [pid], [pid]
    while edge:
        edge = [child for child, parent in parents.items() if parent in edge]
        found += edge
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of the processes, and of their children ended and waited for."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / TICKS


def _pss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += pss_kib(str(pid))
        except OSError:
            continue
    return total


@dataclass(frozen=True, slots=True)
class Start:
    seconds: float
    cpu: float
    peak_pss_kib: int
    load: tuple[float, float]
    told: str


def run_once(var: Path, src: str | None, workers: int) -> Start:
    """One start of the server, timed to its first answered person search."""
    env = {**os.environ, "LIMES_ENV": "development", "LIMES_AUTH": "unsafe-dev-headers"}
    env.pop("LIMES_DATABASE_URL", None)
    if src:
        env["PYTHONPATH"] = src
    port = _free_port()
    said = var.parent / "serve_start.stderr"
    command = [sys.executable, "-m", "limes", "--var", str(var), "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--search-index", "shared"]
    load_before = load_average()[0]
    started = time.monotonic()
    with said.open("wb") as err:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            peak[0] = max(peak[0], _pss(_tree(proc.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server ended: {said.read_text()[-2000:]}")
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/v1/search/persons",
                    json={"surnames": ["Martin"]},
                    headers=HEADERS,
                    timeout=30,
                )
                if answer.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        seconds = time.monotonic() - started
        cpu = _cpu_seconds(_tree(proc.pid))
        done.set()
        sampler.join()
    finally:
        done.set()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(120)
        except subprocess.TimeoutExpired:
            for pid in _tree(proc.pid)[::-1]:
                os.kill(pid, signal.SIGKILL)
            proc.wait()
    told = [t for t in said.read_text().splitlines() if "index process" in t]
    return Start(seconds, cpu, peak[0], (load_before, load_average()[0]), "; ".join(told))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, required=True)
    parser.add_argument("--src", action="append", default=[], metavar="NAME=SRC")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--snapshot", action="store_true")
    args = parser.parse_args(argv)
    sources = [tuple(s.split("=", 1)) for s in args.src] or [("installed", "")]
    snapshot = args.var / "search" / "index.snapshot"
    mode = "with the snapshot" if args.snapshot else "without a snapshot (built from the store)"
    line(f"limes serve --workers {args.workers} --search-index shared, {mode}; {args.var}")
    if args.snapshot and not snapshot.exists():
        run_once(args.var, sources[0][1], args.workers)  # writes the snapshot, untimed
    for round_ in range(args.rounds):
        for name, src in sources:
            if not args.snapshot:
                snapshot.unlink(missing_ok=True)
            found = run_once(args.var, src, args.workers)
            before, after = found.load
            line(
                f"round {round_ + 1} {name}: first search answered after "
                f"{found.seconds:.1f} s; CPU {found.cpu:.1f} s over the server's "
                f"processes; peak PSS {found.peak_pss_kib // 1024:,} MiB summed; "
                f"load average {before:.1f} -> {after:.1f}; {found.told}"
            )


if __name__ == "__main__":
    main()
