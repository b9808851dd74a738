"""bench/biometrics accuracy and speed tables: the non-mated side holds only searches of
persons never enrolled, as many as asked, and every aim is said met or not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bench.biometrics import accuracy
from bench.biometrics.accuracy import BozorthCache, identification, save_candidates
from bench.biometrics.sets import NON_MATED_START, Drawn, build, latent_probe
from bench.biometrics.speed import verdict

SEED = 16


def test_the_non_mated_side_is_the_searches_of_persons_never_enrolled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sets = build(SEED, persons=2, probes=1, non_mated=2)
    assert [p.person for p in sets.mated] == [0]
    assert [p.person for p in sets.non_mated] == [NON_MATED_START, NON_MATED_START + 1]
    kept: dict[str, list[list[float]]] = {}
    rows = {
        name: (len(mated), len(non_mated))
        for name, mated, non_mated, _ in identification(
            sets, BozorthCache(), comparisons=1, kept=kept
        )
    }
    # the product's matcher searches every non-mated probe; the comparisons the first one;
    # a mated search's best non-mate is not counted as a non-mated search
    assert rows["MCC bits ten-print"] == (1, 2)
    assert rows["MCC bits latent"] == (1, 2)
    assert rows["MCC ten-print"] == (1, 1)
    assert rows["Bozorth3 latent"] == (1, 1)
    # kept: the mate's rank (-1 for the non-mated searches), then the candidates' scores
    assert [line[0] for line in kept["MCC bits ten-print"]] == [0, -1, -1]
    save_candidates(tmp_path / "kept.npz", kept)
    with np.load(tmp_path / "kept.npz") as saved:
        assert saved["MCC_bits_ten-print"][:, 0].tolist() == [0, -1, -1]
    product = [name for name, *_ in identification(sets, BozorthCache(), product_only=True)]
    assert product == ["MCC bits ten-print", "MCC bits latent"]
    monkeypatch.setattr(accuracy, "PROGRESS", 1)
    latent = identification(sets, BozorthCache(), product_only=True, kind="latent")
    assert [name for name, *_ in latent] == ["MCC bits latent"]
    # a long row says how far it has got: after each PROGRESS non-mated searches but the last
    assert capsys.readouterr().out.count("MCC bits latent: 1 non-mated searched") == 1


def test_an_aim_is_said_met_or_not_and_how_its_figure_was_had() -> None:
    assert verdict(0.42, 1.0, 1_000_000, 100_000) == (
        "0.42 s, aim <= 1 s met (projected from 100,000 fingers)"
    )
    assert verdict(12.5, 10.0, 1_000_000, 1_000_000) == "12.50 s, aim <= 10 s NOT met (measured)"


def test_drawn_probes_are_drawn_when_read_as_the_stream_has_them() -> None:
    drawn = Drawn(latent_probe, SEED, range(NON_MATED_START, NON_MATED_START + 5))
    assert len(drawn) == 5 and len(drawn[1:3]) == 2
    assert [p.person for p in drawn[3:]] == [NON_MATED_START + 3, NON_MATED_START + 4]
    again, direct = drawn[2], latent_probe(SEED, NON_MATED_START + 2)
    assert again.position == direct.position
    assert np.array_equal(again.points, direct.points)
