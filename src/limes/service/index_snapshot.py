"""The search index snapshot of an installation: where it is, when it is loaded, refused
and rewritten (the file itself: ``search/snapshot.py``).

``SearchService.start`` loads it (``load``) rather than reading every alert; a
missing one means a build from the store, and a refused one (altered, truncated, not
this installation's, ahead of the store) is said in one warning line of the
``limes.search`` log, then rebuilt. After a build the snapshot is written (``save``),
and the periodic job ``search snapshot`` (``service/jobs.py``) rewrites it whenever
the change feed has moved since (``rewrite``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from limes.search.engine import BuildReport, SearchEngine, SnapshotReport
from limes.search.snapshot import SnapshotMissing, SnapshotRefused, position_of

log = logging.getLogger("limes.search")


class IndexSnapshot:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.refused: str | None = None
        """Why the last ``load`` refused the snapshot (None: it did not)."""

    def load(self, engine: SearchEngine) -> BuildReport | None:
        """``engine`` loaded from the snapshot and brought up to the feed; None if there
        is none or it is refused (the engine is then left empty, to be built)."""
        self.refused = None
        try:
            return engine.load(self.path)
        except SnapshotMissing:
            return None
        except SnapshotRefused as exc:
            self.refused = str(exc)
            log.warning("search index snapshot %s refused, rebuilding: %s", self.path, exc)
            return None

    def save(self, engine: SearchEngine) -> SnapshotReport | None:
        """Write ``engine``'s indexes; None if the file cannot be written (a search never
        fails for it: the job tries again)."""
        try:
            return engine.save(self.path)
        except OSError as exc:
            log.warning("search index snapshot %s not written: %s", self.path, exc)
            return None

    def written_at(self) -> int | None:
        """The feed position the snapshot on disk names, None if there is none."""
        try:
            return position_of(self.path)
        except SnapshotRefused:
            return None

    def rewrite(self, engine: SearchEngine) -> str | None:
        """The periodic job: rewrite the snapshot if the feed moved since it was written.

        A process that serves no search (the parent of ``limes serve --workers N``) has
        no built indexes: it loads the snapshot into an engine of its own (or builds
        one), applies the feed, writes it and drops it."""
        if not engine.built:
            engine = SearchEngine(engine.store, engine.crypto, engine.processes)
            if self.load(engine) is None:
                engine.build()
        else:
            engine.catch_up()
        if engine.position == self.written_at():
            return None
        report = self.save(engine)
        if report is None:
            return None
        return f"{report.size:,} bytes at feed position {report.position} in {report.seconds:.1f} s"
