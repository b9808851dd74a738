"""The latent bank: latents by alert and slot, proposed by the cylinders a ten-print's
finger shares with them, scored by LSS-R weighed by the agreement over the shared area,
replaced and removed whole."""

from __future__ import annotations

from tests.biometrics.prints import SEED, subject

from limes.biometrics.latents import LatentBank
from limes.biometrics.matching.cylinders import cylinders
from limes.biometrics.matching.packed import as_compared, hold, scores_of_held
from limes.biometrics.synthetic.persons import latent_mark, ten_print
from limes.service.biometric_checks import LATENT_HIT, SHORTLIST

LSS_R_HIT = 0.030
"""``LATENT_HIT`` when the bank scored by LSS-R alone."""


def test_a_finger_finds_the_latent_it_left_and_not_another() -> None:
    bank = LatentBank()
    marks = {}
    for index in range(6):
        position, mark = latent_mark(subject(index), SEED, 2)
        marks[index] = position
        bank.put(f"U{index}", {100: cylinders(mark)})
    assert len(bank) == 6 and bank.slots("U3") == [100]
    prints = ten_print(subject(2), SEED, 1)
    fingers = {p: cylinders(prints[p - 1]) for p in range(1, 11)}
    found = bank.search(fingers, 20, 0.0)
    assert (found[0].key, found[0].slot, found[0].position) == ("U2", 100, marks[2])
    assert [m.key for m in bank.search(fingers, 20, 1.0)] == []  # none reaches 1.0
    bank.put("U2", {101: cylinders(latent_mark(subject(4), SEED, 0)[1])})
    assert bank.slots("U2") == [101]
    bank.remove("U2")
    assert "U2" not in [m.key for m in bank.search(fingers, 20, 0.0)]
    assert len(bank) == 5


def test_latents_loaded_together_are_found_as_those_put_one_at_a_time() -> None:
    marks = {f"U{i}": cylinders(latent_mark(subject(i), SEED, 2)[1]) for i in range(6)}
    one_by_one, loaded = LatentBank(), LatentBank()
    with loaded.loading():
        for key, mark in marks.items():
            one_by_one.put(key, {100: mark})
            loaded.put(key, {100: mark})
    prints = ten_print(subject(2), SEED, 1)
    fingers = {p: cylinders(prints[p - 1]) for p in range(1, 11)}
    assert loaded.search(fingers, 20, 0.0) == one_by_one.search(fingers, 20, 0.0)
    assert loaded.search(fingers, 20, 0.0)[0].key == "U2"


def test_latents_are_held_as_bits_and_found_as_float_ones_are() -> None:
    marks = {f"U{i}": cylinders(latent_mark(subject(i), SEED, 2)[1]) for i in range(4)}
    packed, floats = LatentBank(), LatentBank(packed=False)
    for key, mark in marks.items():
        packed.put(key, {100: mark})
        floats.put(key, {100: mark})
    prints = ten_print(subject(2), SEED, 1)
    fingers = {p: cylinders(prints[p - 1]) for p in range(1, 11)}
    from_bits, from_floats = packed.search(fingers, 20, 0.0), floats.search(fingers, 20, 0.0)
    assert (from_bits[0].key, from_bits[0].position) == ("U2", from_floats[0].position)
    assert from_floats[0].key == "U2"
    assert from_bits[0].score != from_floats[0].score


def test_the_agreement_lists_the_mate_where_lss_r_alone_listed_a_stranger() -> None:
    """Seeded: subject 8's ten-print against the latents of subjects 8 and 15. By LSS-R
    alone the stranger's latent (0.033) passed the former threshold and outranked the
    mate's (0.024); over the shared area the stranger's few good pairs agree on little,
    and the mate's is the one listed."""
    mate, stranger = (cylinders(latent_mark(subject(i), SEED, 0)[1]) for i in (8, 15))
    bank = LatentBank()
    bank.put("U8", {100: mate})
    bank.put("U15", {100: stranger})
    prints = ten_print(subject(8), SEED, 1)
    fingers = {p: cylinders(prints[p - 1]) for p in range(1, 11)}
    by_lss_r = max(
        float(scores_of_held(as_compared(f, True), [hold(s, True) for s in (stranger, mate)])[0])
        for f in fingers.values()
    )
    assert by_lss_r >= LSS_R_HIT  # the premise: the stranger passed the old scale
    listed = bank.search(fingers, SHORTLIST, LATENT_HIT)
    assert [m.key for m in listed] == ["U8"]
    ranked = bank.search(fingers, SHORTLIST, 0.0)
    assert [m.key for m in ranked] == ["U8", "U15"] and ranked[1].score < LATENT_HIT
