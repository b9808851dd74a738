"""Charts of the statistics as PNG files, for the annual report.

matplotlib draws with its Agg backend (set here, before pyplot is imported, and never
a display). The files carry no creation time, so the same figures give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from limes.sirene.statistics import Statistics

_METADATA = {"Software": None}


def bar_figure(title: str, counts: dict[str, int], ylabel: str) -> Figure:
    """A bar chart of counts: whole numbers on the count axis (no 2.5 forms)."""
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    keys = list(counts) or ["(none)"]
    axes.bar(keys, [counts.get(k, 0) for k in keys], color="#1f4e79")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.tick_params(axis="x", labelrotation=45)
    figure.tight_layout()
    return figure


def _bar(path: Path, title: str, counts: dict[str, int], ylabel: str) -> Path:
    figure = bar_figure(title, counts, ylabel)
    try:
        figure.savefig(path, format="png", metadata=_METADATA)
    finally:
        plt.close(figure)
    return path


def render(stats: Statistics, folder: Path) -> list[Path]:
    """Write the charts into ``folder`` (created if missing); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    workload = {w.state: w.received for w in stats.workload}
    return [
        _bar(folder / "hits-by-day.png", "Hits by day", stats.hits_by_day, "hits"),
        _bar(folder / "hits-by-category.png", "Hits by category", stats.hits_by_category, "hits"),
        _bar(
            folder / "hits-by-state.png",
            "Hits by executing state",
            stats.hits_by_executing_state,
            "hits",
        ),
        _bar(folder / "sirene-workload.png", "Forms received per bureau", workload, "forms"),
    ]
