"""One cold start, in a process of its own: ``python -m bench.scale.startup VAR MODE``.

Builds the installation from ``VAR`` (its keyring file, its store) the way a server
worker does, starts search with (``snapshot``) or without (``store``) the snapshot,
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
    settings = Settings(var_dir=var, search_snapshot_seconds=600 if mode == "snapshot" else 0)
    app = build(settings)
    before = pss_kib()
    report = app.search.start(follow=False)
    app.search.engine.persons_matching(PersonQuery(surnames=("Martin",)), 10)
    answered = time.time() - STARTED
    after = pss_kib()
    assert report is not None
    print(
        json.dumps(
            {
                "seconds": answered,
                "start_seconds": report.seconds,
                "index_kib": after - before,
                "pss_kib": after,
                "loaded": report.snapshot_position is not None,
            }
        ),
        flush=True,
    )
    sys.stdin.readline()


if __name__ == "__main__":
    main()
