"""bench/biometrics/anchors: every anchor names its source and either the figure read
there or where it was looked for and not found."""

from __future__ import annotations

import re

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
    assert sum(1 for a in ANCHORS if a.figure) >= 7


def test_the_ten_print_one_to_many_anchor_gives_nist_fnir_at_fpir_with_its_commit() -> None:
    # FpVTE 2012's own tables were not read; NIST's FRIF TE pages over the same Class C
    # data were, in its repository, so the figure must name the commit it was read at.
    (ten_print,) = (a for a in ANCHORS if "ten-print" in a.what and a.figure and "FNIR" in a.figure)
    assert re.search(r"\bcommit [0-9a-f]{40}\b", ten_print.source)
    assert "FPIR <= 0.001" in (ten_print.figure or "")
    assert "5,000,000" in ten_print.measured


def test_mcc_and_bozorth3_are_separate_anchors_each_with_its_search() -> None:
    mcc = [a for a in ANCHORS if a.what.startswith("MCC (Minutia Cylinder-Code)")]
    bozorth = [a for a in ANCHORS if "Bozorth3" in a.what]
    assert len(mcc) == 1 and len(bozorth) == 1
    assert mcc[0] is not bozorth[0]
    for anchor in (*mcc, *bozorth):
        assert anchor.figure is None and "FVC" in anchor.measured
