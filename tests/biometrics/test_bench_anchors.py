"""bench/biometrics/anchors: every anchor names its source and either the figure read
there or where it was looked for and not found."""

from __future__ import annotations

import pytest
from bench.biometrics.anchors import ANCHORS, NOT_FOUND, print_anchors


def test_each_anchor_has_a_figure_or_says_where_it_was_searched() -> None:
    for anchor in ANCHORS:
        assert anchor.source.strip()
        assert (anchor.figure is None) == bool(anchor.searched), anchor.what


def test_the_printout_gives_each_figure_or_not_found_with_the_search(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_anchors()
    printed = capsys.readouterr().out
    for anchor in ANCHORS:
        assert anchor.source in printed
        assert (anchor.figure or f"{NOT_FOUND}: {anchor.searched}") in printed
    assert sum(1 for a in ANCHORS if a.figure) >= 4
