"""The facial-image door: JPEG and PNG by their signature, bounded before decoding."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from tests.biometrics.portraits import hopper, hopper_again

from limes.biometrics.faces import images
from limes.biometrics.formats.problems import FormatProblem


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


def test_jpeg_and_png_decode_to_rgb_pixels() -> None:
    jpeg, png = images.decode(hopper()), images.decode(hopper_again())
    assert (jpeg.media_type, jpeg.width, jpeg.height) == ("image/jpeg", 512, 600)
    assert jpeg.pixels.shape == (600, 512, 3) and jpeg.data == hopper()
    assert png.media_type == "image/png" and png.pixels.shape == (210, 210, 3)


@pytest.mark.parametrize(
    ("data", "where", "detail"),
    [
        (b"GIF89a" + bytes(64), "/bytes/0", "neither a JPEG nor a PNG"),
        (b"", "/bytes/0", "neither"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "/bytes", "does not decode"),
        (hopper()[: len(hopper()) // 2], "/bytes", "does not decode"),
        (_png(63, 100), "/size", "63 x 100"),
        (_png(6001, 64), "/size", "6001 x 64"),
        (_png(5000, 5000), "/size", "over 24000000 pixels"),
        (b"\xff\xd8\xff" + bytes(images.MAX_IMAGE_BYTES), "/bytes", "byte bound"),
    ],
)
def test_what_breaks_the_profile_is_refused_where_it_breaks(
    data: bytes, where: str, detail: str
) -> None:
    with pytest.raises(FormatProblem, match=detail) as refused:
        images.decode(data)
    assert refused.value.where == where


def test_a_png_declared_huge_is_refused_before_its_pixels_are_decoded() -> None:
    # 8000 x 8000 black pixels compress to under 100 kB: a bomb, refused by its header
    bomb = _png(8000, 8000)
    assert len(bomb) < 100_000
    with pytest.raises(FormatProblem) as refused:
        images.decode(bomb)
    assert refused.value.where == "/size"
