"""Captures in other forms than records: ANSI/NIST-ITL transactions with Type-4/14
images and bare PNG or WSQ images become one-view records; every refusal is located."""

from __future__ import annotations

import dataclasses

import pytest
from tests.biometrics.prints import finger_image, fingers, png_of, transaction, type14

from limes.biometrics.extraction import Extractor
from limes.biometrics.formats import wsq_images
from limes.biometrics.formats.iso19794_2 import decode
from limes.biometrics.formats.nist_itl import FingerprintImageRecord, TaggedRecord
from limes.biometrics.formats.type9 import type9_record
from limes.biometrics.transactions import Form, Submission, captured, records_of
from limes.errors import InvalidInput

EXTRACTOR = Extractor()


def positions(records: list[bytes]) -> list[int]:
    return [decode(r).views[0].position for r in records]


def test_records_pass_as_they_are() -> None:
    record = fingers(0, (1,))
    assert records_of([record], EXTRACTOR) == [record]
    assert records_of(Submission(Form.RECORDS, (record,)), EXTRACTOR) == [record]


def test_a_transaction_gives_one_record_per_type4_or_type14_image() -> None:
    image = finger_image(1)
    type4 = FingerprintImageRecord(
        1,
        0,
        (7, 255, 255, 255, 255, 255),
        image.width,
        image.height,
        1,
        wsq_images.encode(image),
    )
    raw = type14(finger_image(2), 3, compression="NONE")
    description = TaggedRecord(2, ((2, "0"),))
    found = records_of(
        Submission(Form.TRANSACTION, (transaction(description, type4, raw),)), EXTRACTOR
    )
    assert positions(found) == [7, 3]
    assert all(decode(r).views[0].quality > 0 for r in found)


def test_bare_png_and_wsq_images_name_their_finger() -> None:
    image = finger_image(1)
    (png,) = records_of(Submission(Form.PNG, (png_of(image),), 4), EXTRACTOR)
    (wsq,) = records_of(Submission(Form.WSQ, (wsq_images.encode(image),), 0), EXTRACTOR)
    assert decode(png).views[0].position == 4
    assert (decode(wsq).views[0].position, decode(wsq).views[0].impression) == (0, 4)


def _refused(submission: Submission) -> str:
    with pytest.raises(InvalidInput) as refused:
        records_of(submission, EXTRACTOR)
    return refused.value.errors[0].pointer


def test_refusals_are_located_in_the_transaction() -> None:
    image = finger_image(1)
    good = type14(image, 2, compression="NONE")
    cases = {
        "/records/1/fields/14.013": dataclasses.replace(
            good, fields=(*good.fields[:-1], (13, ("12",)))
        ),
        "/records/1/fields/14.011": dataclasses.replace(
            good, fields=(*good.fields[:9], (11, "JP2"), *good.fields[10:])
        ),
        "/records/1/fields/14.009": dataclasses.replace(
            good, fields=(*good.fields[:7], (9, "1000"), *good.fields[8:])
        ),
        "/records/1/fields/14.999": dataclasses.replace(good, data=image.pixels[:-1]),
        # a Type-9 record without the ISO/IEC 19794-2 block: its first missing field
        "/records/1/fields/9.128": TaggedRecord(9, ((2, "1"), (3, "0"), (4, "S"))),
    }
    for where, record in cases.items():
        assert _refused(Submission(Form.TRANSACTION, (transaction(record),))) == where
    wsq_cut = type14(image, 2)
    wsq_cut = dataclasses.replace(wsq_cut, data=(wsq_cut.data or b"")[:40])
    assert _refused(Submission(Form.TRANSACTION, (transaction(wsq_cut),))).startswith(
        "/records/1/fields/14.999/bytes/"
    )
    only_text = transaction(TaggedRecord(2, ((2, "0"),)))
    assert _refused(Submission(Form.TRANSACTION, (only_text,))) == "/records"
    assert _refused(Submission(Form.TRANSACTION, (b"1.001:",))).startswith("/bytes")


def test_type9_minutiae_records_join_the_images_without_extraction() -> None:
    iso = decode(fingers(3, (4, 8)))
    minutiae = [type9_record(view, iso.width, iso.height) for view in iso.views]
    found = records_of(
        Submission(Form.TRANSACTION, (transaction(type14(finger_image(2), 2), *minutiae),)),
        EXTRACTOR,
    )
    assert sorted(positions(found)) == [2, 4, 8]
    by_position = {decode(r).views[0].position: decode(r).views[0] for r in found}
    assert [(m.x, m.y) for m in by_position[8].minutiae] == [
        (m.x, m.y) for m in iso.views[1].minutiae
    ]
    too_many = transaction(*(minutiae * 7))
    assert _refused(Submission(Form.TRANSACTION, (too_many,))) == "/records"


def test_bare_images_are_refused_where_they_are_wrong() -> None:
    assert _refused(Submission(Form.PNG, (b"not a png",), 1)) == "/bytes/0"
    assert _refused(Submission(Form.WSQ, (b"\xff\xa0",), 1)).startswith("/bytes/")
    assert _refused(Submission(Form.PNG, (png_of(finger_image(1)),), 11)) == "/position"
    assert _refused(Submission(Form.PNG, (b"a", b"b"), 1)) == "/"


def test_type15_palms_and_bare_palm_images_are_kept_apart_by_palm_code() -> None:
    palm = type14(finger_image(4), 22, "NONE", record_type=15)
    found = captured(
        Submission(Form.TRANSACTION, (transaction(palm, type14(finger_image(1), 2)),)), EXTRACTOR
    )
    assert positions(found.fingers) == [2]
    assert list(found.palms) == [22] and decode(found.palms[22]).views[0].position == 0
    bare = captured(Submission(Form.PNG, (png_of(finger_image(4)),), 20), EXTRACTOR)
    assert (bare.fingers, list(bare.palms)) == ([], [20])
    wrong = dataclasses.replace(palm, fields=(*palm.fields[:-1], (13, ("7",))))
    assert _refused(Submission(Form.TRANSACTION, (transaction(wrong),))) == (
        "/records/1/fields/15.013"
    )
    assert _refused(Submission(Form.TRANSACTION, (transaction(palm, palm),))) == "/records"
    with pytest.raises(InvalidInput, match="palm prints are not taken"):
        records_of(Submission(Form.TRANSACTION, (transaction(palm),)), EXTRACTOR)
