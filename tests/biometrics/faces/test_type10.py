"""Type-10 facial records: the strict transaction door, then the image door."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tests.biometrics.portraits import hopper, hopper_again

from limes.biometrics.faces import type10
from limes.biometrics.formats import nist_itl
from limes.biometrics.formats.problems import FormatProblem

HEADER = ((2, "0502"), (4, "CAR"), (5, "20260601"), (7, "DEBKA0001"), (8, "DEBKA0001"),
          (9, "T-1"), (11, "19.69"), (12, "19.69"))  # fmt: skip


def record(image: bytes, width: int, height: int, cga: str = "JPEGB", imt: str = "FACE") -> bytes:
    fields = ((2, "1"), (3, imt), (4, "DEBKA"), (5, "20260601"), (6, str(width)),
              (7, str(height)), (8, "1"), (9, "500"), (10, "500"), (11, cga))  # fmt: skip
    tagged = nist_itl.TaggedRecord(10, fields, image)
    return nist_itl.encode(nist_itl.Transaction(HEADER, (tagged,)))


def test_the_face_of_a_type10_record_is_decoded() -> None:
    (face,) = type10.faces(record(hopper(), 512, 600))
    assert (face.media_type, face.width, face.height) == ("image/jpeg", 512, 600)
    (png,) = type10.faces(record(hopper_again(), 210, 210, "PNG"))
    assert png.media_type == "image/png"


def _grey() -> bytes:
    out = io.BytesIO()
    Image.new("L", (100, 100)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (lambda: record(hopper(), 512, 600, imt="SMT"), "/records/1/fields/10.003"),
        (lambda: record(hopper(), 512, 600, cga="WSQ20"), "/records/1/fields/10.011"),
        (lambda: record(hopper(), 512, 600, cga="PNG"), "/records/1/fields/10.011"),
        (lambda: record(hopper(), 500, 600), "/records/1/fields/10.006"),
        (lambda: record(b"\xff\xd8\xff\x00junk", 512, 600), "/records/1/fields/10.999/bytes"),
        (lambda: record(_grey(), 100, 100)[:-40], "/bytes"),
    ],
)
def test_a_record_outside_the_profile_is_refused_by_field(data: object, where: str) -> None:
    with pytest.raises(FormatProblem) as refused:
        type10.faces(data())  # type: ignore[operator]
    assert refused.value.where == where


def test_a_transaction_without_faces_is_refused() -> None:
    text = nist_itl.TaggedRecord(2, ((2, "1"),))
    with pytest.raises(FormatProblem, match="no Type-10"):
        type10.faces(nist_itl.encode(nist_itl.Transaction(HEADER, (text,))))
