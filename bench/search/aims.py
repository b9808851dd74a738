"""Issue 13's aims for the HTTP part, judged met or not, and the server's CPU per request.

Requests a second over loopback depend on what else the machine runs (it is shared, and
wrk runs on the same two cores), so beside them each endpoint gets the CPU the server's
processes spent per request while wrk ran: the user and system time of every process in
the server's session (the parent, its workers, the audit writer) from ``/proc``, divided
by the requests answered, and split by process (``session_cpu_by_role``: the workers, the
audit writer, the search index process, the parent), so that the CPU spent outside the
workers, which the in-process profile cannot see, is accounted for too. It is steadier
than requests a second (it does not count the time the server waits for a core), but not
immune to the load: on a shared machine
back-to-back runs of the same code differed by up to a third (cache and frequency), so a
small change is judged by several runs, or by the Python calls a request makes.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.search.measure import line

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class Aim:
    """An endpoint's aim: at least ``per_second`` requests a second with p99 at most
    ``p99_ms`` (None: no latency aim)."""

    endpoint: str
    per_second: float
    p99_ms: float | None

    def judged(self, figures: dict[str, Any] | None) -> str:
        if figures is None:
            return "not measured"
        fast = figures["requests_per_s"] >= self.per_second
        quick = self.p99_ms is None or figures["p99_ms"] <= self.p99_ms
        clean = figures["non_2xx_3xx"] == 0 and not sum(figures["socket_errors"].values())
        return "met" if fast and quick and clean else "NOT met"

    def text(self) -> str:
        aim = f">= {self.per_second:,.0f}/s"
        return aim + (f", p99 <= {self.p99_ms:g} ms" if self.p99_ms is not None else "")


AIMS = (
    Aim("POST /v1/search/persons", 1000, 25),
    Aim("POST /v1/search/objects", 3000, 15),
    Aim("POST /v1/search/mrz", 1000, 25),
    Aim("GET /v1/alerts/{id}", 2000, 15),
    Aim("GET /v1/health", 8000, None),
)
WORKER_RATIO_AIM = 1.7


def session_cpu_seconds(session: int) -> float:
    """User plus system CPU seconds of every live process in ``session`` (its id)."""
    return sum(_process_stats(session).values())


ROLES = {"limes-audit-writer-": "audit writer", "limes-search-index-": "search index"}
"""The folder prefix of a local service's listening socket (``local_service.py``), and the
role of the process that listens there."""


def _listening_paths() -> dict[int, str]:
    """Socket inode to path, of every listening Unix socket (``/proc/net/unix``)."""
    found = {}
    for row in Path("/proc/net/unix").read_text().splitlines()[1:]:
        # Num RefCount Protocol Flags Type St Inode Path; flag 0x10000: accepts connections
        fields = row.split()
        if len(fields) == 8 and int(fields[3], 16) & 0x10000:
            found[int(fields[6])] = fields[7]
    return found


def _process_stats(session: int) -> dict[int, float]:
    """CPU seconds (user plus system) of every live process of ``session``, by pid."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended meanwhile
        fields = text[text.rindex(")") + 2 :].split()
        # after the command: state ppid pgrp session tty_nr tpgid flags minflt cminflt
        # majflt cmajflt utime stime (proc(5), fields 3 to 15)
        if int(fields[3]) == session:
            found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def process_role(pid: int, session: int, listening: dict[int, str]) -> str:
    """What a process of the server's session is: the audit writer or the search index
    (by the socket it listens on), the parent (the session's leader), else a worker."""
    links = []
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):  # closed meanwhile (the listing's own, too)
                links.append(os.readlink(fd))
    except OSError:
        pass  # the process ended meanwhile
    for link in links:
        if link.startswith("socket:["):
            path = listening.get(int(link[8:-1]), "")
            for prefix, role in ROLES.items():
                if Path(path).parent.name.startswith(prefix):
                    return role
    return "parent" if pid == session else "workers"


def session_cpu_by_role(session: int) -> dict[str, float]:
    """``session_cpu_seconds`` split by ``process_role``: where the server's CPU goes
    besides the workers (the audit writer, the search index process, the parent)."""
    listening = _listening_paths()
    found: dict[str, float] = {}
    for pid, seconds in _process_stats(session).items():
        role = process_role(pid, session, listening)
        found[role] = found.get(role, 0.0) + seconds
    return found


def cpu_per_request(cpu_seconds: float, requests: int) -> float:
    """Microseconds of server CPU per request."""
    return cpu_seconds * 1e6 / requests if requests else 0.0


def report(figures: dict[str, Any]) -> None:
    """The aims table: each endpoint's figures and whether its aim is met."""
    line("aims (issue 13), HTTP part:")
    line(f"  {'endpoint':<26} {'aim':<24} {'measured':<34} {'server CPU':>12}  verdict")
    for aim in AIMS:
        found = figures.get(aim.endpoint)
        if found is None:
            measured, cpu = "-", "-"
        else:
            measured = (
                f"{found['requests_per_s']:,.0f}/s, p99 {found['p99_ms']:.1f} ms, "
                f"{found['non_2xx_3xx']} non-2xx"
            )
            cpu = f"{found['server_cpu_us']:,.0f} µs/req"
        line(f"  {aim.endpoint:<26} {aim.text():<24} {measured:<34} {cpu:>12}  {aim.judged(found)}")
    ratio = figures.get("two_vs_one_worker")
    shown = "-" if ratio is None else f"{ratio:.2f}x (persons/s, 2 workers / 1)"
    verdict = "not measured" if ratio is None else "met" if ratio >= WORKER_RATIO_AIM else "NOT met"
    line(f"  {'2 workers vs 1':<26} {'>= 1.7x':<24} {shown:<47}  {verdict}")
