"""Object alerts: a full national aircraft register falls back to a large one."""

from __future__ import annotations

from limes.demo.generator import DemoGenerator


def test_a_full_aircraft_register_falls_back_to_a_large_one() -> None:
    # Austria's register (OE-Kxx) holds 676 marks; a large demo set must not stop there
    generator = DemoGenerator(3)
    marks = []
    for _ in range(800):
        ident = generator.objects.aircraft("AT").identifiers[0]
        marks.append((ident.country, ident.value))
    assert len(set(marks)) == 800
    assert {country for country, _ in marks} == {"AT", "US"}
    assert sum(country == "AT" for country, _ in marks) <= 676
