"""``bench.scale.storage`` counts the PostgreSQL server's CPU beside the loader's (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

from bench.scale.storage import server_cpu_seconds


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

    assert server_cpu_seconds(tmp_path) == 5.0
    assert server_cpu_seconds(tmp_path / "none") == 0.0
