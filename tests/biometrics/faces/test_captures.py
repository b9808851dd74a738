"""Captures from a request's images: every image's one face, templated, located
refusals, and the sealed form (template then image)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.biometrics.faces.test_type10 import record
from tests.biometrics.portraits import collins, hopper, two_faces

from limes.biometrics.faces import captures
from limes.errors import InvalidInput


def test_images_and_type10_faces_are_captured_in_order() -> None:
    found = captures.captures([collins(), record(hopper(), 512, 600)])
    assert [c.image.media_type for c in found] == ["image/jpeg", "image/jpeg"]
    assert found[1].image.width == 512 and found[1].pose.eye_distance > 80


def test_the_sealed_form_holds_the_template_and_the_image() -> None:
    found = captures.capture(hopper())
    packed = captures.pack(found)
    assert np.array_equal(captures.template(packed), found.template)
    assert captures.image_bytes(packed) == hopper()
    with pytest.raises(ValueError, match="format 2"):
        captures.template(b"\x02" + packed[1:])


@pytest.mark.parametrize(
    ("images", "pointer"),
    [
        (lambda: [hopper(), b"\x89PNG\r\n\x1a\nbroken"], "/images/1/bytes"),
        (lambda: [record(two_faces(), 512, 300)], "/images/0/faces/0/face"),
        (lambda: [record(hopper(), 512, 601)], "/images/0/records/1/fields/10.006"),
        (lambda: [hopper()] * 6, "/images"),
    ],
)
def test_refusals_are_located_in_the_request(images: object, pointer: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        captures.captures(images())  # type: ignore[operator]
    assert refused.value.errors[0].pointer == pointer


def test_a_probe_is_one_image() -> None:
    with pytest.raises(InvalidInput, match="1 to 1"):
        captures.captures([hopper(), hopper()], most=1)
