"""Images to minutiae: PNG read strictly and bounded, 500 ppi only, mindtct's minutiae
and NFIQ 2's quality in a standard one-view record; mates score high, others low."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter
from tests.biometrics.prints import finger_image, png_of

from limes.biometrics.extraction import MAX_SIDE, Extractor, png_image
from limes.biometrics.formats.iso19794_2 import decode
from limes.biometrics.formats.problems import FormatProblem
from limes.biometrics.formats.wsq_images import GrayImage
from limes.biometrics.matching.cylinders import cylinders
from limes.biometrics.matching.mcc import score
from limes.biometrics.minutiae import points

EXTRACTOR = Extractor()


def test_a_png_reads_back_as_the_grey_pixels_it_holds() -> None:
    image = finger_image(1)
    read = png_image(png_of(image))
    assert (read.width, read.height, read.ppi, read.pixels) == (
        image.width,
        image.height,
        500,
        image.pixels,
    )
    assert png_image(png_of(image, dpi=None)).ppi == 500


def _png(mode: str, size: tuple[int, int] = (200, 200)) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"GIF89a" + bytes(100), "/bytes/0"),
        (_png("RGB"), "/bytes/24"),
        (_png("L", (MAX_SIDE + 1, 10)), "/bytes/16"),
        (_png("L")[:60], "/bytes"),
    ],
)
def test_a_png_outside_the_profile_is_refused_where_it_is_wrong(data: bytes, where: str) -> None:
    with pytest.raises(FormatProblem) as refused:
        png_image(data)
    assert refused.value.where == where


def test_an_image_not_at_500_ppi_or_too_small_is_refused() -> None:
    image = finger_image(1)
    with pytest.raises(FormatProblem, match="1000 ppi"):
        EXTRACTOR.finger(png_image(png_of(image, dpi=1000)), 1)
    with pytest.raises(FormatProblem, match="pixels is not"):
        EXTRACTOR.finger(GrayImage(100, 100, bytes(10000)), 1)


def test_a_blank_image_is_refused_as_holding_no_finger() -> None:
    with pytest.raises(FormatProblem, match="no finger") as refused:
        EXTRACTOR.finger(GrayImage(300, 300, b"\xff" * 90000), 1)
    assert refused.value.where == "/pixels"


def test_the_extracted_record_is_a_standard_view_and_mates_score_over_others() -> None:
    enrolled = decode(EXTRACTOR.finger(finger_image(1), 3).record)
    (view,) = enrolled.views
    assert (view.position, enrolled.width, enrolled.x_resolution) == (3, 416, 197)
    assert all(1 <= m.quality <= 100 for m in view.minutiae)
    assert all(m.angle % 8 == 0 for m in view.minutiae)  # NBIS's 11.25 degree steps
    mate = decode(EXTRACTOR.finger(finger_image(1, capture=1), 3).record).views[0]
    other = decode(EXTRACTOR.finger(finger_image(2), 3).record).views[0]
    reference = cylinders(points(view.minutiae))
    genuine = score(cylinders(points(mate.minutiae)), reference)
    impostor = score(cylinders(points(other.minutiae)), reference)
    assert genuine > 0.15 > 0.06 > impostor


def test_nfiq2_scores_a_blurred_noisy_capture_under_the_clean_one() -> None:
    image = finger_image(1)
    picture = Image.frombytes("L", (image.width, image.height), image.pixels)
    blurred = np.asarray(picture.filter(ImageFilter.GaussianBlur(2.8)), dtype=np.float64)
    noisy = blurred + np.random.default_rng(0).normal(0, 80, blurred.shape)
    poor = GrayImage(image.width, image.height, noisy.clip(0, 255).astype(np.uint8).tobytes())
    clean = EXTRACTOR.finger(image, 1).quality
    assert EXTRACTOR.finger(poor, 1).quality < clean - 10
