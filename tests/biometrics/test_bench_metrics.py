"""bench/biometrics/metrics: the error rates on small score sets worked out by hand."""

from __future__ import annotations

import pytest
from bench.biometrics.metrics import (
    Search,
    equal_error_rate,
    fnir_at_fpir,
    fnir_cell,
    fnmr_at_fmr,
    hit_rate_at_penetration,
    linear_fit,
    normalised,
    rank_one_rate,
    searches_needed,
)


def test_separated_scores_have_no_equal_error() -> None:
    assert equal_error_rate([0.8, 0.9], [0.1, 0.2, 0.3]) == 0.0


def test_the_equal_error_rate_where_one_of_each_side_is_wrong() -> None:
    genuine = [0.2, 0.6, 0.7, 0.8]  # 0.2 falls below the impostors' 0.5
    impostor = [0.1, 0.3, 0.4, 0.5]
    assert equal_error_rate(genuine, impostor) == pytest.approx(0.25)


def test_fnmr_at_fmr_takes_the_lowest_threshold_under_the_target() -> None:
    genuine = [0.2, 0.6, 0.7, 0.8]
    impostor = [0.1, 0.3, 0.4, 0.5]
    assert fnmr_at_fmr(genuine, impostor, 0.25) == pytest.approx(0.25)  # threshold 0.5
    assert fnmr_at_fmr(genuine, impostor, 0.0) == pytest.approx(0.25)  # threshold 0.6


MATED = [Search(0, 0.9, 0.2), Search(0, 0.4, 0.3), Search(2, 0.5, 0.6), Search(None, 0.0, 0.7)]


def test_rank_one_counts_mates_that_come_first() -> None:
    assert rank_one_rate(MATED) == 0.5


def test_fnir_at_fpir_sets_its_threshold_from_the_non_mated_searches() -> None:
    non_mated = [0.1 * n for n in range(10)]  # best scores 0.0 .. 0.9
    # FPIR 10 %: one non-mated search (0.9) may pass, so the threshold is 0.8
    assert fnir_at_fpir(MATED, non_mated, 0.10) == pytest.approx(0.75)
    # FPIR 50 %: threshold 0.4; the 0.4 mate does not exceed it
    assert fnir_at_fpir(MATED, non_mated, 0.50) == pytest.approx(0.75)
    assert fnir_at_fpir(MATED, non_mated, 0.60) == pytest.approx(0.5)
    assert fnir_at_fpir(MATED, non_mated, 0.01) is None  # 10 searches cannot resolve 1 %


def test_hit_rate_at_penetration_counts_mates_within_the_short_list() -> None:
    ranks = [0, 3, 9, 50]
    assert hit_rate_at_penetration(ranks, gallery=100, penetration=0.01) == 0.25
    assert hit_rate_at_penetration(ranks, gallery=100, penetration=0.10) == 0.75


def test_linear_fit_recovers_a_line() -> None:
    intercept, slope = linear_fit([1, 2, 4], [3.0, 5.0, 9.0])
    assert (intercept, slope) == (pytest.approx(1.0), pytest.approx(2.0))


def test_fnir_at_fpir_needs_one_thousand_non_mated_searches_for_a_tenth_of_a_percent() -> None:
    assert searches_needed(0.01) == 100
    assert searches_needed(0.001) == 1000
    assert fnir_at_fpir(MATED, [0.0] * 999, 0.001) is None
    # 1,000 non-mated searches: the best (0.65) may pass, the threshold is the next (0.45)
    non_mated = [0.65, 0.45] + [0.0] * 998
    assert fnir_at_fpir(MATED, non_mated, 0.001) == pytest.approx(0.75)


def test_a_table_cell_says_why_fnir_is_not_measurable_rather_than_print_a_number() -> None:
    assert fnir_cell(MATED, [0.0] * 400, 0.001) == "not measurable: 400 non-mated searches"
    assert fnir_cell(MATED, [0.1 * n for n in range(10)], 0.10) == "75.0%"


def test_a_normalised_decision_score_divides_the_first_by_the_mean_of_the_next_nine() -> None:
    answered = [
        [0, 0.9, *[0.1] * 9],  # mated, mate first: 0.9 / 0.1
        [2, 0.8, 0.4, 0.2],  # mated, mate third: a miss whatever its ratio
        [-1, 0.5, *[0.5] * 9],  # non-mated: 1.0
        [-1, 0.45, 0.45],  # non-mated, short list of two: 0.45 / (0.45 / 9)
    ]
    mated, non_mated = normalised(answered, mated=2)
    assert [s.mate_rank for s in mated] == [0, None]
    assert mated[0].mate_score == pytest.approx(9.0)
    assert non_mated == [pytest.approx(1.0), pytest.approx(9.0)]
