"""The statistics drawn as PNG charts for the yearly report."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from tests.sirene.test_statistics import figures

from limes.sirene.charts import bar_figure, render


def test_charts_are_png_files_of_a_report_size(tmp_path: Path) -> None:
    paths = render(figures(), tmp_path / "charts")
    assert len(paths) == 4
    for path in paths:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (800, 450)
    again = render(figures(), tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]  # no timestamps


def test_counts_are_drawn_on_a_whole_number_axis() -> None:
    figure = bar_figure("Forms received per bureau", {"DE": 1, "FR": 2}, "forms")
    try:
        ticks = figure.axes[0].get_yticks()
    finally:
        plt.close(figure)
    assert len(ticks) > 1 and all(float(t).is_integer() for t in ticks), ticks
