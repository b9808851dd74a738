"""Type-9 minutiae records (the ISO/IEC 19794-2 block 9.126-9.141) to and from the own
ISO/IEC 19794-2 codec: a round trip through a whole transaction's bytes, and every
refusal located at its field."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.biometrics.prints import fingers, transaction

from limes.biometrics.formats import iso19794_2, nist_itl
from limes.biometrics.formats.nist_itl import FieldValue, TaggedRecord
from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.formats.type9 import finger_record, type9_record


def record_of(position: int = 3) -> tuple[iso19794_2.FingerMinutiaeRecord, TaggedRecord]:
    iso = iso19794_2.decode(fingers(2, (position,)))
    return iso, type9_record(iso.views[0], iso.width, iso.height)


def test_a_view_goes_through_a_transaction_and_back_with_its_minutiae() -> None:
    iso, record = record_of()
    (parsed,) = nist_itl.decode(transaction(record)).records
    assert isinstance(parsed, TaggedRecord)
    position, data = finger_record(parsed)
    back = iso19794_2.decode(data)
    (view,), (original,) = back.views, iso.views
    assert position == view.position == 3
    assert (back.width, back.height) == (iso.width, iso.height)
    assert (view.quality, view.impression) == (original.quality, original.impression)
    assert len(view.minutiae) == len(original.minutiae) > 20
    for got, sent in zip(view.minutiae, original.minutiae, strict=True):
        assert (got.kind, got.x, got.y, got.quality) == (sent.kind, sent.x, sent.y, sent.quality)
        turn = abs(got.angle - sent.angle) % 256
        assert min(turn, 256 - turn) <= 1  # two-degree units hold an angle within a degree


def test_a_scale_in_pixels_per_inch_and_a_bare_quality_are_read() -> None:
    _, record = record_of(5)
    fields = dict(record.fields) | {130: "1", 131: "500", 132: "500", 135: (("254",),)}
    position, data = finger_record(replace(record, fields=tuple(fields.items())))
    assert position == 5 and iso19794_2.decode(data).views[0].quality == 0


def changed(record: TaggedRecord, tag: int, value: FieldValue | None) -> TaggedRecord:
    fields = [(t, v) for t, v in record.fields if t != tag]
    if value is not None:
        fields.append((tag, value))
    return replace(record, fields=tuple(sorted(fields)))


def test_refusals_name_their_field() -> None:
    _, good = record_of()
    minutiae = good.field(137)
    assert isinstance(minutiae, tuple)
    first = minutiae[0]
    assert isinstance(first, tuple)
    cases: dict[str, TaggedRecord] = {
        "9.004": changed(good, 4, "U"),
        "9.003": changed(good, 3, "12"),
        "9.128": changed(good, 128, "0"),
        "9.129": changed(good, 129, None),
        "9.130": changed(good, 130, "0"),
        "9.131": changed(good, 131, "394"),
        "9.133": changed(good, 133, "16"),
        "9.134": changed(good, 134, "13"),
        "9.135": changed(good, 135, (("101", "255", "0"),)),
        "9.136": changed(good, 136, "300"),
        "9.331": changed(good, 331, (("1", "2", "3", "E"),)),
        "9.012": changed(good, 12, "legacy"),
    }
    count = str(len(minutiae))
    for number, bad in {
        "missing one": minutiae[:-1],
        "five items": ((first[:5]), *minutiae[1:]),
        "an index out of order": (("2", *first[1:]), *minutiae[1:]),
        "x outside": ((first[0], "99999", *first[2:]), *minutiae[1:]),
        "angle 180": ((*first[:3], "180", *first[4:]), *minutiae[1:]),
        "type 3": ((*first[:4], "3", first[5]), *minutiae[1:]),
        "quality 101": ((*first[:5], "101"), *minutiae[1:]),
        "not a number": ((*first[:5], "x"), *minutiae[1:]),
    }.items():
        cases[f"9.137 {number}"] = changed(changed(good, 137, bad), 136, count)
    for where, record in cases.items():
        with pytest.raises(FormatProblem) as refused:
            finger_record(record)
        assert refused.value.where == f"/fields/{where.split()[0]}", where
