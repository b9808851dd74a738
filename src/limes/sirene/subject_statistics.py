"""The Art. 54 figures of the data-subject request register, per state and year.

Regulation (EU) 2018/1861 Art. 54(3) (and 2018/1862 Art. 68(3)) asks each state to report
the number of access requests and of those granted, of rectification and erasure
requests and of those done, distinguishing requests made to the controller from those
made through the supervisory authority, and the court cases. Counted from the register
(bookkeeping only: state, kind, channel, date, outcome), never by hand; JSON, CSV and
a PNG chart (matplotlib, already a dependency, drawn as ``sirene/charts.py`` does).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from limes.sirene.subject_requests import Channel, Kind, Outcome


@dataclass(frozen=True, slots=True)
class RegisterRow:
    receiving_state: str
    kind: str
    channel: str
    received_on: str
    outcome: str | None
    court_case: bool


@dataclass(frozen=True, slots=True)
class YearFigures:
    state: str
    year: int
    access_requests: int = 0
    access_granted: int = 0
    access_restricted: int = 0
    rectification_requests: int = 0
    rectification_done: int = 0
    erasure_requests: int = 0
    erasure_done: int = 0
    to_controller: int = 0
    via_supervisory_authority: int = 0
    court_cases: int = 0
    unanswered: int = 0
    access_granted_via_supervisory_authority: int = 0
    corrections_done_via_supervisory_authority: int = 0
    """Art. 54(3)(b) and (d): of the requests made through the supervisory authority."""


@dataclass(frozen=True, slots=True)
class SubjectStatistics:
    figures: tuple[YearFigures, ...]


_GRANTED = frozenset({Outcome.GRANTED, Outcome.PARTLY})


def compute(rows: Iterable[RegisterRow]) -> SubjectStatistics:
    """The figures per (state, year of receipt), sorted."""
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for r in rows:
        c = counts.setdefault((r.receiving_state, int(r.received_on[:4])), {})

        def add(name: str, c: dict[str, int] = c) -> None:
            c[name] = c.get(name, 0) + 1

        add(f"{r.kind}_requests")
        if r.kind == Kind.ACCESS and r.outcome in _GRANTED:
            add("access_granted")
        if r.kind == Kind.ACCESS and r.outcome == Outcome.RESTRICTED:
            add("access_restricted")
        if r.kind != Kind.ACCESS and r.outcome == Outcome.DONE:
            add(f"{r.kind}_done")
        indirect = r.channel == Channel.SUPERVISORY_AUTHORITY
        add("via_supervisory_authority" if indirect else "to_controller")
        if indirect and r.kind == Kind.ACCESS and r.outcome in _GRANTED:
            add("access_granted_via_supervisory_authority")
        if indirect and r.kind != Kind.ACCESS and r.outcome == Outcome.DONE:
            add("corrections_done_via_supervisory_authority")
        if r.court_case:
            add("court_cases")
        if r.outcome is None:
            add("unanswered")
    return SubjectStatistics(
        tuple(YearFigures(state, year, **c) for (state, year), c in sorted(counts.items()))
    )


def to_csv(stats: SubjectStatistics) -> str:
    out = io.StringIO()
    names = [f.name for f in fields(YearFigures)]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for figures in stats.figures:
        writer.writerow(asdict(figures))
    return out.getvalue()


def chart(stats: SubjectStatistics) -> bytes:
    """A PNG bar chart of requests and their outcomes per state and year (no creation
    time in the file, so the same figures give the same bytes)."""
    series = (
        ("access_requests", "access"),
        ("access_granted", "access granted"),
        ("rectification_requests", "rectification"),
        ("rectification_done", "rectified"),
        ("erasure_requests", "erasure"),
        ("erasure_done", "erased"),
    )
    labels = [f"{f.state} {f.year}" for f in stats.figures] or ["(none)"]
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    try:
        width = 0.8 / len(series)
        for i, (name, label) in enumerate(series):
            values = [getattr(f, name) for f in stats.figures] or [0]
            axes.bar([x + i * width for x in range(len(labels))], values, width, label=label)
        axes.set_xticks([x + 0.4 - width / 2 for x in range(len(labels))], labels)
        axes.set_title("Data-subject requests (Art. 54)")
        axes.set_ylabel("requests")
        axes.legend(fontsize="small")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
    finally:
        plt.close(figure)
    return out.getvalue()
