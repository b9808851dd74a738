"""``bench.scale.storage`` counts the PostgreSQL server's CPU beside the loader's (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

from bench.scale.storage import server_cpu, server_cpu_since


def _stat(proc: Path, pid: int, name: str, utime: int, stime: int) -> None:
    (proc / str(pid)).mkdir()
    rest = ["S", "1", *["0"] * 9, str(utime), str(stime), "0", "0"]
    (proc / str(pid) / "stat").write_text(f"{pid} ({name}) {' '.join(rest)}\n")


def test_the_server_cpu_is_the_postgres_processes_user_and_system_time(tmp_path: Path) -> None:
    tick = os.sysconf("SC_CLK_TCK")
    _stat(tmp_path, 10, "postgres", 3 * tick, tick)
    _stat(tmp_path, 11, "postgres: walwriter", tick, 0)
    _stat(tmp_path, 12, "python (x) y", 50 * tick, 50 * tick)  # a name with parentheses
    (tmp_path / "self").mkdir()  # no stat of a number: not read

    assert server_cpu(tmp_path) == {10: 4.0, 11: 1.0}
    assert server_cpu(tmp_path / "none") == {}


def test_the_server_cpu_of_a_load_counts_running_and_new_processes(tmp_path: Path) -> None:
    """Since a snapshot: what each running process added, and a new one whole; one that
    ended is not counted (it never makes the figure negative)."""
    tick = os.sysconf("SC_CLK_TCK")
    before = {10: 4.0, 11: 1.0, 13: 9.0}  # 13 ends before the second look
    _stat(tmp_path, 10, "postgres", 5 * tick, tick)
    _stat(tmp_path, 11, "postgres: walwriter", tick, 0)
    _stat(tmp_path, 14, "postgres: limes", 2 * tick, 0)

    assert server_cpu_since(before, tmp_path) == 4.0
