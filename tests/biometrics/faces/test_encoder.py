"""dlib's detector, landmarks and templates on the photographs packages ship."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from tests.biometrics.portraits import collins, hopper, hopper_again

from limes.biometrics.faces import encoder, images


def template(image: bytes) -> np.ndarray:
    pixels = images.decode(image).pixels
    (face, *_) = encoder.detect(pixels)
    return encoder.embed(pixels, face)


def test_one_face_its_box_and_68_landmarks() -> None:
    (face,) = encoder.detect(images.decode(hopper()).pixels)
    left, top, right, bottom = face.box
    assert 150 < left < right < 400 and 100 < top < bottom < 380
    assert face.confidence > 1.0 and face.landmarks.shape == (68, 2)
    eyes = face.landmarks[36:48].mean(axis=0)
    assert left < eyes[0] < right and top < eyes[1] < bottom


def test_templates_are_unit_vectors_near_for_one_person_far_for_two() -> None:
    a, b, c = template(hopper()), template(hopper_again()), template(collins())
    assert a.shape == (128,) and a.dtype == np.float32
    assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-5)
    assert np.linalg.norm(a - b) < 0.2 < 0.4 < np.linalg.norm(a - c)


def test_a_large_image_is_detected_on_a_scaled_copy_with_boxes_in_its_own_pixels() -> None:
    big = Image.open(images.io.BytesIO(hopper())).resize((1536, 1800))
    pixels = np.asarray(big.convert("RGB"))
    (face,) = encoder.detect(pixels)
    left, top, right, bottom = face.box
    assert 450 < left < right < 1200 and 300 < top < bottom < 1140
    assert np.linalg.norm(encoder.embed(pixels, face) - template(hopper())) < 0.2
