"""One cold start, in a process of its own: ``python -m bench.scale.startup VAR MODE [SOCKET]``.

Builds the installation from ``VAR`` (its keyring file, its store) the way a server
worker does, starts search with (``snapshot``) or without (``store``) the snapshot, or
(``remote``) as a worker of the index process at ``SOCKET`` (``bench/scale/shared.py``),
answers one person search, then prints one JSON line: the seconds from the process's
start to that answer, the index memory (PSS after minus PSS before the start), and
waits for a line on stdin before it exits, so that a parent measures several of them
side by side (PSS counts shared pages once over the processes that share them).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

STARTED = time.time()


def pss_kib(pid: str = "self") -> int:
    """The proportional set size of a process (``/proc/<pid>/smaps_rollup``), in KiB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    from limes.bootstrap import build
    from limes.config import Settings
    from limes.search.query import PersonQuery

    var, mode = Path(sys.argv[1]), sys.argv[2]
    socket = Path(sys.argv[3]) if mode == "remote" else None
    settings = Settings(
        var_dir=var,
        search_snapshot_seconds=0 if mode == "store" else 600,
        search_index_socket=socket,
    )
    app = build(settings)
    before = pss_kib()
    report = app.search.start(follow=False)  # None for a worker of the index process
    app.search.engine.persons_matching(PersonQuery(surnames=("Martin",)), 10)
    answered = time.time() - STARTED
    after = pss_kib()
    print(
        json.dumps(
            {
                "seconds": answered,
                "start_seconds": report.seconds if report else 0.0,
                "index_kib": after - before,
                "pss_kib": after,
                "loaded": report is None or report.snapshot_position is not None,
            }
        ),
        flush=True,
    )
    sys.stdin.readline()


if __name__ == "__main__":
    main()
